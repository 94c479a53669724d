package asyncio

import "context"

// A StreamReaderProtocol joins a [StreamReader] and a [StreamWriter] to a
// transport: asyncio.StreamReaderProtocol, with its FlowControlMixin. It
// feeds the bytes the transport receives to the reader, tracks whether the
// transport asked it to stop writing (for [StreamWriter.Drain]), and reports
// the end of the connection to both sides.
//
// It is what [OpenConnection] and [StartServer] put on each connection; a
// program that makes its own transports ([CreateConnection] with a protocol
// factory, or a transport of its own) can use it to get streams over them.
// Its [Protocol] methods are called by the transport, on the loop's goroutine;
// called from another goroutine they panic, naming the method, since they
// have no error to return.
//
// A StreamReaderProtocol serves one connection; the zero value is not
// usable: make one with [NewStreamReaderProtocol].
type StreamReaderProtocol struct {
	reader    *StreamReader
	onConnect func(*StreamReader, *StreamWriter)

	loop      *EventLoop // the transport's, set by ConnectionMade
	transport Transport

	// Flow control of writing (asyncio's FlowControlMixin): paused between
	// PauseWriting and ResumeWriting; drainers are the coroutines waiting in
	// Drain, all woken by ResumeWriting or ConnectionLost.
	paused   bool
	drainers waitq

	// lost is set, and lostErr with it, by ConnectionLost; closers are the
	// coroutines waiting in WaitClosed.
	lost    bool
	lostErr error
	closers waitq
}

// NewStreamReaderProtocol returns a protocol that feeds r, which may be nil
// for a connection that is only written to. When the connection is made
// (ConnectionMade), it gives r the transport for flow control and, if
// onConnect is not nil, makes the [StreamWriter] and calls onConnect(r, w)
// there, on the loop's goroutine: asyncio's client_connected_cb. onConnect
// must not wait; to run a coroutine per connection, start a task in it (with
// w.Transport().Loop().CreateTask). Without onConnect, build the writer with
// [NewStreamWriter] once the transport exists.
func NewStreamReaderProtocol(r *StreamReader, onConnect func(*StreamReader, *StreamWriter)) *StreamReaderProtocol {
	return &StreamReaderProtocol{reader: r, onConnect: onConnect}
}

// ConnectionMade records the transport, gives it to the reader for flow
// control, and calls the onConnect function with a new [StreamWriter].
func (p *StreamReaderProtocol) ConnectionMade(t Transport) {
	mustOnLoop(t.Loop(), "StreamReaderProtocol.ConnectionMade")
	p.transport, p.loop = t, t.Loop()
	if p.reader != nil {
		// The transport calls this on its loop's goroutine, which may use
		// the reader, and this is the reader's first transport; nothing
		// can fail that a protocol could report.
		_ = p.reader.SetTransport(t)
	}
	if p.onConnect != nil {
		p.onConnect(p.reader, NewStreamWriter(t, p, p.reader))
	}
}

// DataReceived feeds a copy of data to the reader.
func (p *StreamReaderProtocol) DataReceived(data []byte) {
	p.onLoop("StreamReaderProtocol.DataReceived")
	if p.reader != nil {
		// Data after EOF, which a transport does not deliver, is the only
		// other refusal: there is nothing else to do with it.
		if err := p.reader.FeedData(data); err == ErrWrongGoroutine {
			panic("asyncio: StreamReaderProtocol.DataReceived called from a goroutine other than its loop's: " + err.Error())
		}
	}
}

// EOFReceived feeds the end of the stream to the reader and returns true, so
// that the transport stays open for writing: the other direction may still
// have something to say (a half-close), as asyncio keeps it when there is a
// reader.
func (p *StreamReaderProtocol) EOFReceived() bool {
	p.onLoop("StreamReaderProtocol.EOFReceived")
	if p.reader != nil {
		_ = p.reader.FeedEOF()
	}
	return true
}

// ConnectionLost ends the reader (with EOF after a normal close, with
// SetException(err) otherwise), fails or releases every Drain, and completes
// WaitClosed with err.
func (p *StreamReaderProtocol) ConnectionLost(err error) {
	p.onLoop("StreamReaderProtocol.ConnectionLost")
	if p.reader != nil {
		if err == nil {
			_ = p.reader.FeedEOF()
		} else {
			_ = p.reader.SetException(err)
		}
	}
	p.lost, p.lostErr = true, err
	p.drainers.wakeAll()
	p.closers.wakeAll()
}

// PauseWriting makes [StreamWriter.Drain] wait until ResumeWriting.
func (p *StreamReaderProtocol) PauseWriting() {
	p.onLoop("StreamReaderProtocol.PauseWriting")
	p.paused = true
}

// ResumeWriting wakes every coroutine waiting in Drain.
func (p *StreamReaderProtocol) ResumeWriting() {
	p.onLoop("StreamReaderProtocol.ResumeWriting")
	p.paused = false
	p.drainers.wakeAll()
}

// onLoop panics, naming the method, when the caller may not touch the
// transport's loop: the Protocol methods have no error result, and a call
// from elsewhere would race with the loop. Before ConnectionMade there is no
// loop yet, and the reader's own check is all there is.
func (p *StreamReaderProtocol) onLoop(method string) {
	if p.loop != nil {
		mustOnLoop(p.loop, method)
	}
}

// drain waits while writing to tr, p's transport, is paused (asyncio's
// _drain_helper). A transport may tell its protocol to pause in a later
// iteration than the Write that crossed the high watermark (its protocol
// methods are never called inline); so when the buffer is over the mark but
// no pause has come yet, drain yields one iteration to let it arrive, rather
// than return at once and let a write loop grow the buffer without bound.
func (p *StreamReaderProtocol) drain(ctx context.Context, tr Transport) error {
	yielded := false
	for {
		if p.lost {
			if p.lostErr != nil {
				return p.lostErr
			}
			return ErrConnectionLost
		}
		if p.paused {
			if _, err := p.drainers.wait(ctx, tr.Loop(), tr, "StreamWriter", "Drain"); err != nil {
				return err
			}
			continue
		}
		if _, high := tr.GetWriteBufferLimits(); yielded || tr.GetWriteBufferSize() <= high {
			return nil
		}
		yielded = true
		if err := Sleep(ctx, 0); err != nil {
			return err
		}
	}
}

// waitClosed waits, on loop l, until the connection is lost, and returns
// its error.
func (p *StreamReaderProtocol) waitClosed(ctx context.Context, l *EventLoop) error {
	for !p.lost {
		if _, err := p.closers.wait(ctx, l, p.transport, "StreamWriter", "WaitClosed"); err != nil {
			return err
		}
	}
	return p.lostErr
}

// unreadBytes reports what the reader holds that nobody read, for a
// transport that its loop closes (see sockTransport.closeWithLoop).
func (p *StreamReaderProtocol) unreadBytes() int {
	if p.reader == nil {
		return 0
	}
	return p.reader.buffered()
}
