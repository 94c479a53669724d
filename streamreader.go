package asyncio

import (
	"bytes"
	"context"
	"math"
	"slices"
)

// A StreamReader is the receiving side of a stream: asyncio.StreamReader. A
// protocol feeds it (FeedData, FeedEOF, SetException) and coroutines read
// from it (Read, ReadExactly, ReadLine, ReadUntil, Lines, Reader), suspending
// while the bytes they need have not arrived.
//
// The reader's limit bounds its buffer. Over twice the limit it pauses its
// transport's reading, and resumes it once a read brings the buffer back to
// the limit or below (asyncio's flow control); a read that is waiting for
// more than that, such as ReadExactly of a large n or Read(-1), keeps the
// transport reading until it is satisfied. ReadUntil and ReadLine refuse a
// chunk longer than the limit with a [*LimitOverrunError].
//
// Only one coroutine may wait for data at a time: a read that would have to
// wait while another is waiting returns an error matching ErrInvalidState,
// asyncio's RuntimeError. Reads that find what they need buffered never wait.
//
// # Cancellation
//
// Every read is cancel safe: a read cancelled while it waits consumes
// nothing, and the bytes already buffered stay for the next read.
//
// The zero StreamReader is empty, has the default limit (DefaultStreamLimit)
// and no transport, and is ready to use. Like the package's locks and queues
// it binds to the loop of the first coroutine or callback that uses it, or,
// used from no loop at all, to the one goroutine using it (so a test may feed
// it before Run); used from elsewhere its methods return ErrWrongGoroutine,
// or an error naming the reader when called from a coroutine of another loop,
// and AtEOF and Exception panic. A StreamReader must not be copied after
// first use.
type StreamReader struct {
	b     loopBound
	limit int // <= 0: DefaultStreamLimit

	// The unread bytes are buf[off:]. The slice is kept and reused: reads
	// advance off, and feeds compact before they grow (see streams.go).
	buf []byte
	off int

	eof bool
	exc error // set by SetException; every read returns it from then on

	// waiters holds at most one coroutine: the read waiting for data. want
	// is how many bytes it needs buffered before a feed wakes it (MaxInt
	// for Read(-1), which wakes only at EOF); 0 while no read waits.
	waiters waitq
	want    int

	transport Transport // set once, by SetTransport; nil for a reader fed by hand
	paused    bool      // transport.PauseReading was called and not yet undone
}

// NewStreamReader returns an empty [StreamReader] whose buffer limit is limit
// bytes, or DefaultStreamLimit when limit <= 0.
func NewStreamReader(limit int) *StreamReader {
	return &StreamReader{limit: limit}
}

func (r *StreamReader) lim() int {
	if r.limit <= 0 {
		return DefaultStreamLimit
	}
	return r.limit
}

// buffered returns the number of unread bytes.
func (r *StreamReader) buffered() int { return len(r.buf) - r.off }

// SetTransport gives r the transport whose reading it pauses and resumes for
// flow control; a protocol calls it from ConnectionMade. It returns an error
// matching ErrInvalidState if r already has one, and ErrWrongGoroutine as
// FeedData does.
func (r *StreamReader) SetTransport(t Transport) error {
	if err := r.b.check(); err != nil {
		return err
	}
	if r.transport != nil {
		return invalidState("StreamReader.SetTransport: transport already set")
	}
	r.transport = t
	return nil
}

// FeedData appends a copy of data to r's buffer and wakes the read waiting
// for it, which resumes in a later loop iteration. If the buffer then holds
// more than twice the limit, not counting what the waiting read is waiting
// for, FeedData pauses the transport's reading. Feeding nothing does nothing.
//
// FeedData returns an error matching ErrInvalidState after FeedEOF, and
// ErrWrongGoroutine (or a binding error) from a goroutine that may not use r;
// it then buffers nothing.
func (r *StreamReader) FeedData(data []byte) error {
	if err := r.b.check(); err != nil {
		return err
	}
	if r.eof {
		return invalidState("StreamReader.FeedData after FeedEOF")
	}
	if len(data) == 0 {
		return nil
	}
	r.append(data)
	n := r.buffered()
	if r.want > 0 && n >= r.want {
		r.waiters.wakeFirstPending()
	}
	// Count only what will be left once the waiting read has taken what it
	// waits for: a read that needs more than is buffered would only resume
	// the transport again at once, and one about to be satisfied would
	// resume it as it consumes.
	if r.transport != nil && !r.paused && n-r.want > 2*r.lim() {
		r.paused = true
		r.transport.PauseReading()
	}
	return nil
}

// append copies data to the end of the buffer. When the slice's spare
// capacity is too small it first moves the unread bytes to the front, so the
// capacity that reads freed is reused before the slice grows.
func (r *StreamReader) append(data []byte) {
	if r.off > 0 && len(data) > cap(r.buf)-len(r.buf) {
		n := copy(r.buf, r.buf[r.off:])
		r.buf = r.buf[:n]
		r.off = 0
	}
	r.buf = append(r.buf, data...)
}

// FeedEOF marks the end of the stream and wakes the waiting read. Reads then
// return what is buffered, then the end. Feeding EOF twice does nothing more.
// It returns ErrWrongGoroutine as FeedData does.
func (r *StreamReader) FeedEOF() error {
	if err := r.b.check(); err != nil {
		return err
	}
	r.eof = true
	r.waiters.wakeFirstPending()
	return nil
}

// SetException makes every read of r, from now on and the one waiting,
// return err, even with bytes still buffered, as asyncio's set_exception
// does; [StreamReaderProtocol] calls it when the connection is lost with an
// error. It returns ErrWrongGoroutine as FeedData does, and panics if err is
// nil.
func (r *StreamReader) SetException(err error) error {
	if err == nil {
		panic("asyncio: StreamReader.SetException: nil error")
	}
	if e := r.b.check(); e != nil {
		return e
	}
	r.exc = err
	r.waiters.wakeFirstPending()
	return nil
}

// Exception returns the error given to SetException, or nil. It panics when
// called from a goroutine that may not use r.
func (r *StreamReader) Exception() error {
	r.b.query("StreamReader.Exception")
	return r.exc
}

// AtEOF reports whether the stream has ended and every byte was read. It
// panics when called from a goroutine that may not use r.
func (r *StreamReader) AtEOF() bool {
	r.b.query("StreamReader.AtEOF")
	return r.eof && r.buffered() == 0
}

// waitForData suspends the read op of task t until the buffer holds want
// bytes, or the stream ends or fails. It returns the wait's error (the
// task's cancellation) or, refusing to wait, an error matching
// ErrInvalidState when another read is already waiting.
func (r *StreamReader) waitForData(ctx context.Context, t *taskCore, op string, want int) error {
	if r.waiters.n > 0 {
		return invalidState("StreamReader.%s called while another coroutine is already waiting for incoming data", op)
	}
	// Waiting while paused would wait for ever: nothing more can arrive.
	// This is what lets ReadExactly ask for more than the limit.
	if r.paused {
		r.paused = false
		r.transport.ResumeReading()
	}
	r.want = want
	_, err := r.waiters.wait(ctx, t.fut.loop, r, "StreamReader", op)
	r.want = 0
	if err == nil {
		err = r.exc
	}
	return err
}

// maybeResume resumes the transport's reading once a read has brought the
// buffer back to the limit.
func (r *StreamReader) maybeResume() {
	if r.paused && r.buffered() <= r.lim() {
		r.paused = false
		r.transport.ResumeReading()
	}
}

// take removes the first n unread bytes and returns a copy of them: the
// buffer is reused, so the caller must not alias it.
func (r *StreamReader) take(n int) []byte {
	out := make([]byte, n)
	copy(out, r.buf[r.off:])
	r.consume(n)
	return out
}

// consume drops the first n unread bytes and resumes reading if it may.
func (r *StreamReader) consume(n int) {
	r.off += n
	if r.off == len(r.buf) {
		r.off = 0
		r.buf = r.buf[:0]
		// A Read(-1) of a long stream can leave a huge slice behind: keep
		// what flow control normally needs, not the peak for ever.
		if cap(r.buf) > 4*r.lim() {
			r.buf = nil
		}
	}
	r.maybeResume()
}

// Read reads up to n bytes: asyncio's read(n). With n > 0 it waits until at
// least one byte is buffered, or the stream ends, and returns at most n of
// the buffered bytes, however few; at the end of the stream it returns an
// empty slice and a nil error. With n < 0 it waits for the end of the stream
// and returns everything until it. With n == 0 it returns an empty slice at
// once. The limit does not bound what Read returns.
//
// Read returns the error given to SetException, an error matching
// ErrInvalidState if another read is waiting, ErrNotInCoroutine where ctx's
// coroutine is not the caller, and the task's cancellation error. No other
// errors are defined.
//
// # Cancellation
//
// A cancelled Read consumes nothing, Read(-1) included: it takes the bytes
// only once the stream has ended.
func (r *StreamReader) Read(ctx context.Context, n int) ([]byte, error) {
	t, err := r.b.enter(ctx, "StreamReader")
	if err != nil {
		return nil, err
	}
	if r.exc != nil {
		return nil, r.exc
	}
	if n == 0 {
		return []byte{}, nil
	}
	if n < 0 {
		// asyncio reads in limit-sized blocks, which a cancellation would
		// lose; waiting for the end and taking everything at once cannot.
		for !r.eof {
			if err := r.waitForData(ctx, t, "Read", math.MaxInt); err != nil {
				return nil, err
			}
		}
		return r.take(r.buffered()), nil
	}
	for r.buffered() == 0 && !r.eof {
		if err := r.waitForData(ctx, t, "Read", 1); err != nil {
			return nil, err
		}
	}
	return r.take(min(n, r.buffered())), nil
}

// ReadExactly reads exactly n bytes: asyncio's readexactly(n). It waits
// until n bytes are buffered and returns them. If the stream ends first it
// consumes what is left and returns a [*IncompleteReadError] holding it
// (matching io.ErrUnexpectedEOF). n == 0 returns an empty slice at once; the
// limit does not bound n.
//
// ReadExactly returns an error for a negative n, and otherwise the errors of
// Read.
//
// # Cancellation
//
// A cancelled ReadExactly consumes nothing: the bytes that had arrived stay
// buffered for the next read.
func (r *StreamReader) ReadExactly(ctx context.Context, n int) ([]byte, error) {
	t, err := r.b.enter(ctx, "StreamReader")
	if err != nil {
		return nil, err
	}
	if n < 0 {
		return nil, errNegativeSize("ReadExactly", n)
	}
	if r.exc != nil {
		return nil, r.exc
	}
	if n == 0 {
		return []byte{}, nil
	}
	for r.buffered() < n {
		if r.eof {
			return nil, &IncompleteReadError{Partial: r.take(r.buffered()), Expected: n}
		}
		if err := r.waitForData(ctx, t, "ReadExactly", n); err != nil {
			return nil, err
		}
	}
	return r.take(n), nil
}

var newline = []byte{'\n'}

// ReadLine reads one line, up to and including "\n": asyncio's readline. At
// the end of the stream it returns the last, unterminated line, and then an
// empty slice with a nil error.
//
// A line longer than the limit (not counting the "\n") returns a
// [*LimitOverrunError] and, unlike ReadUntil, is discarded, as asyncio does:
// the whole line if its "\n" is buffered, else everything buffered, so the
// next ReadLine starts with whatever follows. The other errors are those of
// Read.
//
// # Cancellation
//
// A cancelled ReadLine consumes nothing.
func (r *StreamReader) ReadLine(ctx context.Context) ([]byte, error) {
	line, err := r.readUntil(ctx, "ReadLine", newline)
	if err == nil {
		return line, nil
	}
	switch e := err.(type) {
	case *IncompleteReadError:
		return e.Partial, nil
	case *LimitOverrunError:
		if bytes.HasPrefix(r.buf[r.off+e.Consumed:], newline) {
			r.consume(e.Consumed + len(newline))
		} else {
			r.consume(r.buffered())
		}
	}
	return nil, err
}

// ReadUntil reads until one of the separators, and returns the bytes with
// the separator at their end: asyncio's readuntil (3.13). With no separator
// it reads until "\n". With several it returns the shortest chunk that ends
// in any of them; of separators that end at the same place the shortest
// counts as the match.
//
// If the stream ends first, ReadUntil consumes what is left and returns a
// [*IncompleteReadError] holding it (Expected is -1); the bytes may end in part
// of a separator. If the chunk before the separator would be longer than the
// limit, or no separator is found in more than limit bytes, ReadUntil returns
// a [*LimitOverrunError] and consumes nothing, so the data can be read again
// (with Read, or ReadExactly of Consumed bytes). An empty separator is an
// error; the others are those of Read.
//
// # Cancellation
//
// A cancelled ReadUntil consumes nothing.
func (r *StreamReader) ReadUntil(ctx context.Context, seps ...[]byte) ([]byte, error) {
	if len(seps) == 0 {
		seps = [][]byte{newline}
	}
	return r.readUntil(ctx, "ReadUntil", seps...)
}

func (r *StreamReader) readUntil(ctx context.Context, op string, seps ...[]byte) ([]byte, error) {
	t, err := r.b.enter(ctx, "StreamReader")
	if err != nil {
		return nil, err
	}
	if len(seps) > 1 {
		// Shortest first, stably, so that of two matches ending at the same
		// place the shorter wins, as asyncio sorts them.
		seps = slices.Clone(seps)
		slices.SortStableFunc(seps, func(a, b []byte) int { return len(a) - len(b) })
	}
	minLen, maxLen := len(seps[0]), len(seps[len(seps)-1])
	if minLen == 0 {
		return nil, errEmptySeparator
	}
	if r.exc != nil {
		return nil, r.exc
	}
	lim := r.lim()
	// offset counts the leading bytes known to hold no separator: each pass
	// searches only from there. The last maxLen-1 bytes of a pass may be the
	// start of a separator still arriving, so they are searched again.
	offset, start, end := 0, -1, -1
	for {
		data := r.buf[r.off:]
		if len(data)-offset >= minLen {
			for _, sep := range seps {
				i := bytes.Index(data[offset:], sep)
				if i < 0 {
					continue
				}
				if e := offset + i + len(sep); end < 0 || e < end {
					start, end = offset+i, e
				}
			}
			if end >= 0 {
				break
			}
			offset = max(0, len(data)+1-maxLen)
			if offset > lim {
				return nil, &LimitOverrunError{Consumed: offset}
			}
		}
		// A last feed may have completed a separator before the EOF, so the
		// buffer is searched before the end is looked at.
		if r.eof {
			return nil, &IncompleteReadError{Partial: r.take(r.buffered()), Expected: -1}
		}
		if err := r.waitForData(ctx, t, op, len(data)+1); err != nil {
			return nil, err
		}
	}
	if start > lim {
		return nil, &LimitOverrunError{Consumed: start, found: true}
	}
	return r.take(end), nil
}
