package asyncio

import (
	"fmt"
	"net"
	"syscall"
	"time"
)

// pipeEnd is one end of a stream connection on the loop's Network: a
// Transport whose bytes travel to the other end on loop timers, never on a
// file descriptor, so that the virtual clock jumps over the time they take.
//
// It behaves as the socket transport does, with a network in between:
// Write sends at once what the window allows and buffers the rest (the
// watermarks drive PauseWriting and ResumeWriting); what is sent reaches
// the peer when its Link says, in order, at most seg bytes per segment; a
// peer that pauses reading keeps what arrived, which holds the window, so
// the writer's buffer fills (Drain backpressure). WriteEOF and Close send a
// FIN after the buffer; Abort sends a RST, which resets the peer
// (ECONNRESET), as does data sent to an end that is gone. A cut Link holds
// what waits to be sent until it heals; what was sent before goes on.
// Protocol methods run from loop callbacks of their own, except
// PauseWriting, inline in the Write that crosses the high watermark.
type pipeEnd struct {
	l             *EventLoop
	proto         Protocol
	peer          *pipeEnd
	link          Link // what this end sends on
	local, remote net.Addr
	onClose       func(*pipeEnd) // the server's bookkeeping, after ConnectionLost

	buf       []byte // written, not yet sent, from off
	off       int
	high, low int
	paused    bool // PauseWriting delivered, ResumeWriting not yet

	// The sending side: segments on their way to the peer, in arrival
	// order, and the window they (and what the peer holds unread) use.
	flight   segQueue
	inFlight int
	window   int // bytes that may be in flight or held unread
	seg      int // most bytes in one segment
	lastAt   time.Duration
	arrival  timer // armed for the first segment in flight
	healWait bool  // waiting for the link to heal
	finWant  bool  // a FIN follows the buffer
	rstWant  bool  // a RST goes next, the buffer dropped
	finSent  bool
	rstSent  bool // nothing more goes after a RST
	spare    [][]byte

	// The receiving side.
	rcv           segQueue // arrived, not yet delivered
	deliverQueued bool
	started       bool // ConnectionMade has returned
	reading       bool
	eof           bool

	closing    bool // Close or Abort was called, or the connection was lost
	eofPending bool // WriteEOF was called
	lost       bool // ConnectionLost is queued or done
	abandoned  bool // never started: a connect that was given up
}

// The window and segment size of a connection: a loopback socket's order of
// magnitude.
const (
	pipeWindow  = 256 << 10
	pipeSegment = 64 << 10
)

type segKind uint8

const (
	segData segKind = iota
	segFIN
	segRST
)

type segment struct {
	at   time.Duration
	kind segKind
	data []byte
}

// segQueue is a FIFO of segments.
type segQueue struct {
	items []segment
	head  int
}

func (q *segQueue) len() int       { return len(q.items) - q.head }
func (q *segQueue) push(s segment) { q.items = append(q.items, s) }
func (q *segQueue) peek() *segment { return &q.items[q.head] }
func (q *segQueue) clear()         { q.items, q.head = q.items[:0], 0 }
func (q *segQueue) pop() (s segment) {
	s = q.items[q.head]
	q.items[q.head] = segment{}
	q.head++
	if q.head == len(q.items) {
		q.clear()
	}
	return s
}

// newPipe makes the two ends of a connection from local to remote on l,
// a sending on out and b on in; neither has a protocol yet (see start).
func newPipe(l *EventLoop, local, remote net.Addr, out, in Link) (a, b *pipeEnd) {
	a = &pipeEnd{l: l, link: out, local: local, remote: remote}
	b = &pipeEnd{l: l, link: in, local: remote, remote: local}
	a.peer, b.peer = b, a
	for _, e := range []*pipeEnd{a, b} {
		e.high, e.low = defaultHighWater, defaultLowWater
		e.window, e.seg = pipeWindow, pipeSegment
		e.reading = true
	}
	return a, b
}

// start gives e its protocol, owned by the loop from now on: ConnectionMade
// runs in a later iteration, then delivery begins.
func (e *pipeEnd) start(p Protocol, onClose func(*pipeEnd)) {
	e.proto, e.onClose = p, onClose
	e.l.ownNet(e)
	e.l.soon(&Handle{loop: e.l, fn: e.connectionMade}, nil)
}

func (e *pipeEnd) connectionMade() {
	if e.lost {
		return
	}
	if !e.protect(func() { e.proto.ConnectionMade(e) }) || e.lost {
		return
	}
	e.started = true
	e.deliver()
}

// abandon gives up an end that never started: a RST tells the peer.
func (e *pipeEnd) abandon() {
	e.abandoned, e.closing, e.lost = true, true, true
	e.buf, e.off = nil, 0
	e.rstWant = true
	e.pump()
}

// protect runs a protocol callback of e (see [protectCallback]).
func (e *pipeEnd) protect(fn func()) bool { return protectCallback(e.l, e, fn) }

// failCallback tears e down after a protocol callback panicked.
func (e *pipeEnd) failCallback(err error) {
	e.abort(err)
}

// pump sends what the window and the link allow: data, then the FIN or RST
// asked for.
func (e *pipeEnd) pump() {
	for !e.healWait && !e.rstSent {
		if e.rstWant {
			e.sendCtl(segRST)
			break
		}
		n := min(len(e.buf)-e.off, e.seg, e.window-e.inFlight)
		if e.finSent || n <= 0 {
			if len(e.buf) == e.off && e.finWant && !e.finSent {
				e.sendCtl(segFIN)
			}
			break
		}
		at, ok := e.link.Send(e.l.Time(), n)
		if !ok {
			e.waitHeal()
			break
		}
		data := e.segBuf(n)
		copy(data, e.buf[e.off:])
		e.off += n
		e.inFlight += n
		e.send(segment{at: at, kind: segData, data: data})
	}
	if e.off > 0 && e.off == len(e.buf) {
		e.buf, e.off = e.buf[:0], 0
	}
	e.maybeResume()
	if e.closing && !e.lost && len(e.buf) == e.off {
		e.lose(nil) // all handed to the network, as a socket's close hands it to the kernel
	}
}

func (e *pipeEnd) sendCtl(kind segKind) {
	at, ok := e.link.Send(e.l.Time(), 0)
	if !ok {
		e.waitHeal()
		return
	}
	if kind == segFIN {
		e.finSent = true
	} else {
		e.rstSent = true
	}
	e.send(segment{at: at, kind: kind})
}

func (e *pipeEnd) waitHeal() {
	e.healWait = true
	e.link.OnHeal(func() {
		e.healWait = false
		e.pump()
	})
}

// send puts s in flight, after what is already on its way: a stream is never
// reordered.
func (e *pipeEnd) send(s segment) {
	s.at = max(s.at, e.lastAt, e.l.Time())
	e.lastAt = s.at
	e.flight.push(s)
	if e.flight.len() == 1 {
		e.l.arm(&e.arrival, s.at, (*pipeArrival)(e))
	}
}

func (e *pipeEnd) segBuf(n int) []byte {
	if k := len(e.spare); k > 0 {
		b := e.spare[k-1]
		e.spare = e.spare[:k-1]
		if cap(b) >= n {
			return b[:n]
		}
	}
	return make([]byte, n, max(n, min(e.seg, 4<<10)))
}

// pipeArrival is the runner of e's arrival timer: the segments due reach the
// peer.
type pipeArrival pipeEnd

func (a *pipeArrival) run(*futureCore) {
	e := (*pipeEnd)(a)
	now := e.l.Time()
	p := e.peer
	for e.flight.len() > 0 && e.flight.peek().at <= now {
		s := e.flight.pop()
		if s.kind == segRST {
			p.reset()
			continue
		}
		p.rcv.push(s)
	}
	if e.flight.len() > 0 {
		e.l.arm(&e.arrival, e.flight.peek().at, a)
	}
	p.deliver()
}

// pipeDelivery is the runner by which ResumeReading delivers what waited.
type pipeDelivery pipeEnd

func (d *pipeDelivery) run(*futureCore) {
	e := (*pipeEnd)(d)
	e.deliverQueued = false
	e.deliver()
}

// deliver hands what arrived to the protocol, while it reads. What reaches
// an end that is gone is dropped, and its data resets the sender.
func (e *pipeEnd) deliver() {
	freed := false
	for e.rcv.len() > 0 {
		s := e.rcv.peek()
		if e.lost {
			if s.kind == segData && !e.rstSent && !e.abandoned {
				e.rstWant = true
			}
			e.consumed(e.rcv.pop())
			freed = true
			continue
		}
		if !e.started || (s.kind == segData && !e.reading) {
			break
		}
		seg := e.rcv.pop()
		switch seg.kind {
		case segData:
			e.protect(func() { e.proto.DataReceived(seg.data) })
			e.consumed(seg)
			freed = true
		case segFIN:
			e.eof, e.reading = true, false
			keepOpen := false
			if e.protect(func() { keepOpen = e.proto.EOFReceived() }) && !keepOpen {
				_ = e.Close()
			}
		}
	}
	if e.lost && e.rstWant {
		e.pump()
	}
	if freed {
		e.peer.pump()
	}
}

// consumed returns a delivered segment's window and buffer to its sender.
func (e *pipeEnd) consumed(s segment) {
	if s.kind != segData {
		return
	}
	p := e.peer
	p.inFlight -= len(s.data)
	if len(p.spare) < 8 {
		p.spare = append(p.spare, s.data[:0])
	}
}

// reset is a RST's arrival: what was not read is dropped and the
// connection lost with ECONNRESET.
func (e *pipeEnd) reset() {
	for e.rcv.len() > 0 {
		e.consumed(e.rcv.pop())
	}
	e.buf, e.off = nil, 0
	e.rstSent = true // nothing more goes to a peer that reset
	e.lose(&net.OpError{Op: "read", Net: e.local.Network(), Source: e.local, Addr: e.remote, Err: syscall.ECONNRESET})
}

// lose ends the connection on this side: ConnectionLost(err) runs in a
// later iteration, once. Segments already in flight go on.
func (e *pipeEnd) lose(err error) {
	if e.lost {
		return
	}
	e.lost, e.closing, e.reading = true, true, false
	e.l.disownNet(e)
	if e.proto == nil {
		return
	}
	e.l.soon(&Handle{loop: e.l, fn: func() {
		e.protect(func() { e.proto.ConnectionLost(err) })
		if e.onClose != nil {
			e.onClose(e)
		}
	}}, nil)
	if e.rcv.len() > 0 {
		e.deliver() // drop what waited, resetting a sender of data
	}
}

// abort drops the buffer, resets the peer and loses the connection with err.
func (e *pipeEnd) abort(err error) {
	e.buf, e.off = nil, 0
	if !e.rstSent {
		e.rstWant = true
	}
	e.lose(err)
	e.pump()
}

func (e *pipeEnd) Write(data []byte) error {
	if err := e.l.check(); err != nil {
		return err
	}
	switch {
	case e.closing || e.eofPending:
		return ErrTransportClosing
	case len(data) == 0:
		return nil
	}
	if e.off > 0 && e.off >= len(e.buf)/2 { // reclaim the sent half before growing
		e.buf = e.buf[:copy(e.buf, e.buf[e.off:])]
		e.off = 0
	}
	e.buf = append(e.buf, data...)
	e.pump()
	if !e.paused && len(e.buf)-e.off > e.high {
		e.paused = true
		e.protect(e.proto.PauseWriting)
	}
	return nil
}

func (e *pipeEnd) Writelines(data [][]byte) error {
	for _, d := range data {
		if err := e.Write(d); err != nil {
			return err
		}
	}
	return nil
}

func (e *pipeEnd) WriteEOF() error {
	if err := e.l.check(); err != nil {
		return err
	}
	if e.closing || e.eofPending {
		return nil
	}
	e.eofPending, e.finWant = true, true
	e.pump()
	return nil
}

func (e *pipeEnd) CanWriteEOF() bool { return true }

func (e *pipeEnd) Close() error {
	if err := e.l.check(); err != nil {
		return err
	}
	if e.closing {
		return nil
	}
	e.closing, e.reading, e.finWant = true, false, true
	e.pump()
	return nil
}

func (e *pipeEnd) Abort() {
	mustOnLoop(e.l, "Transport.Abort")
	if e.l.check() != nil || e.lost {
		return
	}
	e.abort(nil)
}

func (e *pipeEnd) IsClosing() bool {
	mustOnLoop(e.l, "Transport.IsClosing")
	return e.closing
}

func (e *pipeEnd) PauseReading() {
	mustOnLoop(e.l, "Transport.PauseReading")
	if e.l.check() == nil && !e.closing {
		e.reading = false
	}
}

func (e *pipeEnd) ResumeReading() {
	mustOnLoop(e.l, "Transport.ResumeReading")
	if e.l.check() != nil || e.closing || e.eof || e.reading {
		return
	}
	e.reading = true
	if e.rcv.len() > 0 && !e.deliverQueued {
		e.deliverQueued = true
		e.l.soon((*pipeDelivery)(e), nil)
	}
}

func (e *pipeEnd) IsReading() bool {
	mustOnLoop(e.l, "Transport.IsReading")
	return e.reading
}

func (e *pipeEnd) GetWriteBufferSize() int {
	mustOnLoop(e.l, "Transport.GetWriteBufferSize")
	return len(e.buf) - e.off
}

func (e *pipeEnd) SetWriteBufferLimits(high, low int) {
	mustOnLoop(e.l, "Transport.SetWriteBufferLimits")
	e.high, e.low = writeLimits(high, low)
	if !e.paused && len(e.buf)-e.off > e.high {
		e.paused = true
		e.protect(e.proto.PauseWriting)
	}
}

func (e *pipeEnd) GetWriteBufferLimits() (low, high int) {
	mustOnLoop(e.l, "Transport.GetWriteBufferLimits")
	return e.low, e.high
}

func (e *pipeEnd) maybeResume() {
	if e.paused && !e.lost && len(e.buf)-e.off <= e.low {
		e.paused = false
		e.protect(e.proto.ResumeWriting)
	}
}

func (e *pipeEnd) GetExtraInfo(name string) any {
	mustOnLoop(e.l, "Transport.GetExtraInfo")
	if e.lost {
		return nil
	}
	switch name {
	case "peername":
		return e.remote
	case "sockname":
		return e.local
	}
	return nil
}

func (e *pipeEnd) Loop() *EventLoop { return e.l }

func (e *pipeEnd) String() string {
	state := "open"
	if e.closing {
		state = "closing"
	}
	return fmt.Sprintf("<Transport %v %s peer=%v>", e.local, state, e.remote)
}

// closeWithLoop ends a connection still open when its loop closes,
// reporting the bytes it could not send or that nobody read.
func (e *pipeEnd) closeWithLoop() {
	if n := len(e.buf) - e.off; n > 0 {
		e.l.handle(ExceptionContext{Message: fmt.Sprintf("%s closed with its loop, %d bytes unsent", e, n)})
	}
	unread := 0
	for i := e.rcv.head; i < len(e.rcv.items); i++ {
		unread += len(e.rcv.items[i].data)
	}
	if b, ok := e.proto.(interface{ unreadBytes() int }); ok {
		unread += b.unreadBytes()
	}
	if unread > 0 {
		e.l.handle(ExceptionContext{Message: fmt.Sprintf("%s closed with its loop, %d bytes received and never read", e, unread)})
	}
	e.buf, e.off = nil, 0
	e.closing, e.reading, e.lost = true, false, true
	e.l.disarm(&e.arrival)
}
