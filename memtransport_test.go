package asyncio

// An in-memory stream connection for the streams tests: two Transports on one
// loop, each delivering what is written to it to the other's protocol, so
// that backpressure, half-close and resets can be tested without sockets.
//
// It behaves as a socket transport is documented to (transport.go): writes
// are buffered and delivered in later loop iterations, at most chunk bytes
// per iteration, as a socket hands over one read at a time; the buffer's
// watermarks drive PauseWriting and ResumeWriting; a peer that pauses reading
// stops delivery, so the writer's buffer fills. Protocol methods are always
// called from a callback of their own, never inline in a call the protocol
// makes on the transport.

import (
	"errors"
	"syscall"
)

type memTransport struct {
	loop  *EventLoop
	proto Protocol
	peer  *memTransport
	name  string

	out       []byte // written, not yet delivered: the write buffer
	scratch   []byte // lent to the peer's DataReceived, reused as a socket's read buffer
	chunk     int
	high, low int

	writePaused bool // PauseWriting delivered, ResumeWriting not yet
	reading     bool // this end accepts deliveries (PauseReading clears it)
	flushQueued bool
	eofPending  bool // WriteEOF called: send EOF once out is delivered
	eofSent     bool
	closing     bool // Close or Abort called, or the connection lost
	lost        bool // ConnectionLost delivered (or on its way)
}

// newMemPipe connects protocols a and b on loop; their ConnectionMade calls
// come in a later iteration, a's first. chunk <= 0 delivers 64 KiB at a
// time.
func newMemPipe(loop *EventLoop, a, b Protocol, chunk int) (*memTransport, *memTransport) {
	if chunk <= 0 {
		chunk = 64 << 10
	}
	ta := &memTransport{loop: loop, proto: a, name: "a", chunk: chunk, reading: true}
	tb := &memTransport{loop: loop, proto: b, name: "b", chunk: chunk, reading: true}
	ta.peer, tb.peer = tb, ta
	ta.SetWriteBufferLimits(0, 0)
	tb.SetWriteBufferLimits(0, 0)
	ta.later(func() { a.ConnectionMade(ta) })
	tb.later(func() { b.ConnectionMade(tb) })
	return ta, tb
}

func (t *memTransport) later(fn func()) {
	if _, err := t.loop.CallSoon(fn); err != nil {
		panic("memTransport: " + err.Error())
	}
}

var errMemClosing = errors.New("memTransport: transport is closing")

func (t *memTransport) Write(data []byte) error {
	if t.closing || t.eofPending {
		return errMemClosing
	}
	if len(data) == 0 {
		return nil
	}
	t.out = append(t.out, data...)
	t.scheduleFlush()
	if !t.writePaused && len(t.out) > t.high {
		// Deferred, as the Transport contract requires; a socket
		// transport that sends at once may find itself under the mark
		// again by then.
		t.later(func() {
			if !t.writePaused && !t.lost && len(t.out) > t.high {
				t.writePaused = true
				t.proto.PauseWriting()
			}
		})
	}
	return nil
}

func (t *memTransport) Writelines(data [][]byte) error {
	for _, d := range data {
		if err := t.Write(d); err != nil {
			return err
		}
	}
	return nil
}

func (t *memTransport) WriteEOF() error {
	if t.closing {
		return errMemClosing
	}
	t.eofPending = true
	t.scheduleFlush()
	return nil
}

func (t *memTransport) CanWriteEOF() bool { return true }

func (t *memTransport) Close() error {
	if t.closing {
		return nil
	}
	t.closing = true
	t.scheduleFlush()
	return nil
}

// Abort drops the buffer and loses the connection at once; the peer's
// connection is reset.
func (t *memTransport) Abort() {
	t.closing = true
	t.out = nil
	t.lose(nil)
	t.peer.lose(syscall.ECONNRESET)
}

func (t *memTransport) IsClosing() bool { return t.closing }

func (t *memTransport) PauseReading() { t.reading = false }

func (t *memTransport) ResumeReading() {
	if !t.reading {
		t.reading = true
		t.peer.scheduleFlush()
	}
}

func (t *memTransport) IsReading() bool { return t.reading }

func (t *memTransport) GetWriteBufferSize() int { return len(t.out) }

func (t *memTransport) SetWriteBufferLimits(high, low int) {
	if high <= 0 {
		high = 64 << 10
	}
	if low <= 0 {
		low = high / 4
	}
	if low > high {
		panic("memTransport: low watermark above high")
	}
	t.high, t.low = high, low
}

func (t *memTransport) GetWriteBufferLimits() (low, high int) { return t.low, t.high }

func (t *memTransport) GetExtraInfo(name string) any {
	switch name {
	case "peername":
		return "mem:" + t.peer.name
	case "sockname":
		return "mem:" + t.name
	}
	return nil
}

func (t *memTransport) Loop() *EventLoop { return t.loop }

func (t *memTransport) scheduleFlush() {
	if !t.flushQueued && !t.lost {
		t.flushQueued = true
		t.later(t.flush)
	}
}

// flush delivers one chunk of out to the peer, then, once out is empty, the
// EOF and the close that were asked for.
func (t *memTransport) flush() {
	t.flushQueued = false
	p := t.peer
	if t.lost {
		return
	}
	if p.lost {
		t.out = t.out[:0] // nobody to deliver to: a real socket would fail
	} else if p.reading && len(t.out) > 0 {
		n := min(len(t.out), t.chunk)
		if cap(t.scratch) < n {
			t.scratch = make([]byte, t.chunk)
		}
		copy(t.scratch, t.out[:n])
		t.out = append(t.out[:0], t.out[n:]...)
		p.proto.DataReceived(t.scratch[:n])
		if len(t.out) > 0 {
			t.scheduleFlush()
		}
	}
	if t.writePaused && len(t.out) <= t.low {
		t.writePaused = false
		t.proto.ResumeWriting()
	}
	if len(t.out) > 0 {
		return
	}
	if (t.eofPending || t.closing) && !t.eofSent {
		t.eofSent = true
		if !p.lost && !p.proto.EOFReceived() {
			p.Close()
		}
	}
	if t.closing {
		t.lose(nil)
	}
}

// lose delivers ConnectionLost(err) to t's protocol in a later iteration,
// once.
func (t *memTransport) lose(err error) {
	if t.lost {
		return
	}
	t.lost, t.closing = true, true
	t.later(func() { t.proto.ConnectionLost(err) })
}
