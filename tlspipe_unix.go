//go:build unix

package asyncio

import (
	"net"
	"sync"
	"time"
)

// tlsPipe is the net.Conn under a TLS transport's tls.Conn: its Read hands
// over the ciphertext the socket transport delivered, and its Write collects
// the ciphertext tls.Conn produces, for the TLS transport to pass on to the
// socket transport. It has two modes.
//
// While the handshake runs, on a goroutine of its own (crypto/tls's handshake
// is a blocking call that cannot be resumed), Read waits for input and the
// goroutine's writes are posted to the loop. Once the handshake is over the
// pipe is used on the loop's goroutine only, and never blocks: with no input
// left, Read returns errWouldBlock, a net.Error whose Temporary method
// reports true. crypto/tls keeps a partial record buffered across such an
// error and does not make it sticky (its readRecordOrCCS), so the next Read,
// once more ciphertext has come, carries on where the last one stopped.
// Writes never fail: the socket transport buffers what the kernel does not
// take, and its watermarks are the TLS transport's.
type tlsPipe struct {
	mu   sync.Mutex // guards the fields below while the handshake goroutine runs
	cond sync.Cond  // signalled when input or inErr arrives

	in      []byte // ciphertext not yet read
	inOwned bool   // in is the pipe's buffer; false: borrowed from DataReceived for the call
	inBuf   []byte // the pipe's own input buffer, reused
	inErr   error  // no more input will come: io.EOF, or why the pipe closed

	blocking bool   // Read waits for input (handshake mode)
	waiting  bool   // the handshake goroutine waits in Read
	onWait   func() // handshake mode: called, under mu, when Read starts to wait

	out       []byte // ciphertext written and not yet taken
	onOut     func() // handshake mode: called, under mu, when out stops being empty
	outPosted bool   // onOut was called and take has not run since

	// Record boundaries in the input (see recordBytes): left bytes of the
	// current record's body remain, or, at a boundary, hdrN bytes of the
	// next header are in hdr.
	left int
	hdr  [recordHeaderLen]byte
	hdrN int

	local, remote net.Addr // the socket's addresses, for tls.Conn's errors
}

// recordHeaderLen is the size of a TLS record's header: type, version and
// the body's length, big-endian, in its last two bytes.
const recordHeaderLen = 5

func newTLSPipe() *tlsPipe {
	p := &tlsPipe{blocking: true}
	p.cond.L = &p.mu
	return p
}

// errWouldBlock is what the pipe's Read returns, outside the handshake, when
// it has no input left: tls.Conn passes it up to the TLS transport as is.
var errWouldBlock net.Error = wouldBlockError{}

type wouldBlockError struct{}

func (wouldBlockError) Error() string   { return "asyncio: no TLS input buffered" }
func (wouldBlockError) Timeout() bool   { return false }
func (wouldBlockError) Temporary() bool { return true }

func (p *tlsPipe) Read(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for len(p.in) == 0 {
		if p.inErr != nil {
			return 0, p.inErr
		}
		if !p.blocking {
			return 0, errWouldBlock
		}
		p.waiting = true
		if p.onWait != nil {
			p.onWait()
		}
		p.cond.Wait()
	}
	n := copy(b, p.in[:p.recordBytes()])
	p.account(p.in[:n])
	p.in = p.in[n:]
	return n, nil
}

// recordBytes returns how many of the input bytes belong to the record being
// read. Read never hands tls.Conn bytes of the next record: tls.Conn would
// keep them in its own buffer, out of sight, and the TLS transport could not
// tell, when the pipe is empty, that nothing is left to decrypt; it would
// have to try one more Read, which costs a call and an allocation per
// message.
func (p *tlsPipe) recordBytes() int {
	if p.left > 0 {
		return min(p.left, len(p.in))
	}
	need := recordHeaderLen - p.hdrN
	if len(p.in) < need {
		return len(p.in) // all header bytes
	}
	h := p.hdr
	copy(h[p.hdrN:], p.in)
	return min(need+(int(h[3])<<8|int(h[4])), len(p.in))
}

// account follows the record boundaries through data, the bytes a Read
// handed over.
func (p *tlsPipe) account(data []byte) {
	for len(data) > 0 {
		if p.left > 0 {
			d := min(p.left, len(data))
			p.left -= d
			data = data[d:]
			continue
		}
		d := copy(p.hdr[p.hdrN:], data)
		p.hdrN += d
		data = data[d:]
		if p.hdrN == recordHeaderLen {
			p.left, p.hdrN = int(p.hdr[3])<<8|int(p.hdr[4]), 0
		}
	}
}

// drained reports whether Read has nothing to give: no input, and no end
// of input to report.
func (p *tlsPipe) drained() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.in) == 0 && p.inErr == nil
}

func (p *tlsPipe) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.out) == 0 && p.onOut != nil && !p.outPosted {
		p.outPosted = true
		p.onOut()
	}
	p.out = append(p.out, b...)
	return len(b), nil
}

// take returns the ciphertext written since the last take, to be written to
// the socket transport before the next take: the slice is the pipe's and
// will be reused.
func (p *tlsPipe) take() []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.out
	p.outPosted = false
	if cap(out) > 256<<10 {
		p.out = nil // do not keep a megabyte's burst around for good
	} else {
		p.out = out[:0]
	}
	return out
}

// feed appends a copy of data to the input and wakes a waiting Read.
func (p *tlsPipe) feed(data []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.keepLocked()
	p.in = append(p.in, data...)
	p.inOwned = true
	p.inBuf = p.in
	p.wakeLocked()
}

// borrow lends data to the pipe as input until keep: the loop-mode read path
// decrypts straight out of the socket transport's read buffer when nothing
// else is waiting, and copies only what is left.
func (p *tlsPipe) borrow(data []byte) {
	if len(p.in) > 0 {
		p.feed(data)
		return
	}
	p.mu.Lock()
	p.in, p.inOwned = data, false
	p.mu.Unlock()
}

// keep copies borrowed input that was not read into the pipe's own buffer.
func (p *tlsPipe) keep() {
	p.mu.Lock()
	p.keepLocked()
	p.mu.Unlock()
}

func (p *tlsPipe) keepLocked() {
	if p.inOwned {
		if len(p.in) == 0 {
			p.in = p.inBuf[:0] // reuse the buffer from its start
		}
		return
	}
	p.in = append(p.inBuf[:0], p.in...)
	p.inOwned, p.inBuf = true, p.in
}

// closeInput records that no more input will come, with err (io.EOF for
// the peer's end of stream), and wakes a waiting Read. The first error
// stays.
func (p *tlsPipe) closeInput(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.inErr == nil {
		p.inErr = err
	}
	p.wakeLocked()
}

func (p *tlsPipe) wakeLocked() {
	if p.waiting {
		p.waiting = false
		p.cond.Signal()
	}
}

// idle reports whether the handshake goroutine waits for input that has not
// come: until the loop feeds it, it can do nothing.
func (p *tlsPipe) idle() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.waiting && len(p.in) == 0 && p.inErr == nil
}

// buffered returns the number of input bytes not yet read.
func (p *tlsPipe) buffered() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.in)
}

// loopMode ends the handshake mode: from now on only the loop uses the pipe.
func (p *tlsPipe) loopMode() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.blocking, p.onWait, p.onOut = false, nil, nil
}

// Close ends the input; tls.Conn calls it only from Conn.Close, which the
// TLS transport does not use.
func (p *tlsPipe) Close() error {
	p.closeInput(net.ErrClosed)
	return nil
}

func (p *tlsPipe) LocalAddr() net.Addr                { return p.local }
func (p *tlsPipe) RemoteAddr() net.Addr               { return p.remote }
func (p *tlsPipe) SetDeadline(t time.Time) error      { return nil }
func (p *tlsPipe) SetReadDeadline(t time.Time) error  { return nil }
func (p *tlsPipe) SetWriteDeadline(t time.Time) error { return nil }
