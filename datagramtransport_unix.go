//go:build unix

package asyncio

import (
	"fmt"
	"net"

	"github.com/asyncio-go/asyncio/internal/sock"
	"golang.org/x/sys/unix"
)

// dgramReadBatch bounds the datagrams one readiness step delivers: one
// recvmsg returns one datagram, so a short read says nothing about the
// queue, and a flood on one endpoint must not monopolise an iteration.
const dgramReadBatch = 64

// dgramTransport is a DatagramTransport over a non-blocking datagram socket
// (UDP or Unix), read and written on the loop's goroutine: asyncio's
// _SelectorDatagramTransport.
//
// Reads follow the edge-triggered rule of sockTransport, except that a
// datagram read never says the queue is drained: the transport reads until
// EAGAIN, at most dgramReadBatch datagrams a step, then queues itself again.
// Sends go straight to the socket while nothing is buffered; a datagram the
// kernel refuses with EAGAIN is copied, with its address, to a FIFO that is
// flushed when the socket is writable again, so datagrams leave in the
// order they were given.
type dgramTransport struct {
	l      *EventLoop
	w      *fdWatch
	fd     int
	proto  DatagramProtocol
	family int      // unix.AF_INET, AF_INET6 or AF_UNIX
	remote net.Addr // the peer of a connected endpoint, nil otherwise
	size   int      // receive size: longest datagram delivered whole
	rbuf   []byte   // own receive buffer, when size exceeds the loop's

	queue     []queuedDatagram // unsent datagrams, from head
	head      int
	buffered  int // bytes in queue, with dgramHeader each
	high, low int

	// The last UDP destination converted, by value (the caller may reuse
	// its *net.UDPAddr): an echo server answers the same senders again,
	// and converting an address allocates.
	lastIP   [net.IPv6len]byte
	lastPort int
	lastZone string
	lastTo   unix.Sockaddr

	reading     bool // delivering datagrams; false once paused or closing
	started     bool // ConnectionMade has returned: datagrams may be delivered
	closing     bool // Close or Abort was called, or the endpoint was lost
	paused      bool // the protocol was asked to pause writing
	lostPending bool // connectionLost is queued or done
}

type queuedDatagram struct {
	data []byte
	to   unix.Sockaddr // nil on a connected endpoint
}

// newDgramTransport wraps the non-blocking datagram socket fd, which it
// owns from now on, and starts its protocol: ConnectionMade runs in a later
// loop iteration, then reading begins.
func newDgramTransport(l *EventLoop, fd, family int, remote net.Addr, proto DatagramProtocol, size int) (*dgramTransport, error) {
	w, err := l.watch(fd, "datagram transport")
	if err != nil {
		return nil, err
	}
	if size <= 0 {
		size = readBufSize
	}
	t := &dgramTransport{l: l, w: w, fd: fd, proto: proto, family: family, remote: remote, size: size,
		high: defaultHighWater, low: defaultLowWater, reading: true}
	w.onRead, w.onWrite = t.readReady, t.writeReady
	w.writable = true // a new socket is: the first send needs no poll first
	l.own(t)
	l.soon(&Handle{loop: l, fn: t.start}, nil)
	return t, nil
}

func (t *dgramTransport) start() {
	if t.closing {
		return
	}
	if !t.protect(func() { t.proto.ConnectionMade(t) }) || t.closing {
		return
	}
	t.started = true
	if t.reading && t.w.readable {
		t.w.queueRead()
	}
}

// protect runs a protocol callback of t (see [protectCallback]).
func (t *dgramTransport) protect(fn func()) bool { return protectCallback(t.l, t, fn) }

// failCallback tears t down after a protocol callback panicked.
func (t *dgramTransport) failCallback(err error) {
	t.lose(err)
}

func (t *dgramTransport) recvBuffer() []byte {
	if t.size <= readBufSize {
		return t.l.readBuffer()[:t.size]
	}
	if t.rbuf == nil {
		t.rbuf = make([]byte, t.size)
	}
	return t.rbuf
}

func (t *dgramTransport) readReady() {
	for range dgramReadBatch {
		if !t.started || !t.reading || t.closing {
			return
		}
		buf := t.recvBuffer()
		n, size, from, err := sock.RecvFrom(t.fd, buf, t.remote == nil)
		switch {
		case err == unix.EAGAIN:
			t.w.readable = false
			return
		case err != nil:
			// A pending socket error (ECONNREFUSED after an ICMP port
			// unreachable): reading it cleared it, the endpoint goes on.
			t.protect(func() { t.proto.ErrorReceived(err) })
			continue
		}
		addr := t.remote // a connected socket receives from its peer only
		if addr == nil {
			addr = from
		}
		if !t.protect(func() { t.proto.DatagramReceived(buf[:n], addr) }) {
			return
		}
		if size != n {
			if size < 0 {
				size = 0
			}
			terr := &DatagramTruncatedError{Addr: addr, Kept: n, Size: size}
			t.protect(func() { t.proto.ErrorReceived(terr) })
		}
	}
	if t.reading && !t.closing {
		t.w.queueRead() // more may be waiting: read again next iteration
	}
}

func (t *dgramTransport) writeReady() {
	for t.fd >= 0 && t.head < len(t.queue) {
		d := &t.queue[t.head]
		err := sock.SendTo(t.fd, d.data, d.to)
		if err == unix.EAGAIN {
			t.w.writable = false
			break
		}
		t.buffered -= len(d.data) + dgramHeader
		*d = queuedDatagram{}
		t.head++
		if err != nil {
			// This datagram is dropped and reported; the others still go,
			// in order (no further edge would come to send them).
			if !t.protect(func() { t.proto.ErrorReceived(err) }) {
				return
			}
		}
	}
	if t.head == len(t.queue) {
		t.queue, t.head = t.queue[:0], 0
	}
	t.maybeResume()
	if t.closing && !t.lostPending && t.head == len(t.queue) {
		t.lose(nil)
	}
}

// SendTo sends data as one datagram, or buffers it.
func (t *dgramTransport) SendTo(data []byte, addr net.Addr) error {
	if err := t.l.check(); err != nil {
		return err
	}
	if t.closing {
		return ErrTransportClosing
	}
	to, err := t.destination(addr)
	if err != nil {
		return err
	}
	if t.head == len(t.queue) && t.w.writable {
		switch err := sock.SendTo(t.fd, data, to); {
		case err == nil:
			return nil
		case err == unix.EAGAIN:
			t.w.writable = false
		default:
			t.protect(func() { t.proto.ErrorReceived(err) })
			return nil
		}
	}
	if t.head > 0 && t.head >= len(t.queue)/2 { // reclaim the sent half before growing
		n := copy(t.queue, t.queue[t.head:])
		clear(t.queue[n:])
		t.queue, t.head = t.queue[:n], 0
	}
	t.queue = append(t.queue, queuedDatagram{data: append(make([]byte, 0, len(data)), data...), to: to})
	t.buffered += len(data) + dgramHeader
	t.maybePause()
	return nil
}

// destination checks addr against the endpoint, as asyncio's sendto does,
// and returns the socket address to send to: nil on a connected endpoint.
func (t *dgramTransport) destination(addr net.Addr) (unix.Sockaddr, error) {
	if t.remote != nil {
		if addr != nil && !sameAddr(addr, t.remote) {
			return nil, fmt.Errorf("%w: %v is not the remote address %v of a connected endpoint", ErrDatagramAddress, addr, t.remote)
		}
		return nil, nil
	}
	if addr == nil {
		return nil, fmt.Errorf("%w: an unconnected endpoint needs a destination", ErrDatagramAddress)
	}
	u, isUDP := addr.(*net.UDPAddr)
	if isUDP && t.lastTo != nil && u.Port == t.lastPort && u.Zone == t.lastZone && u.IP.Equal(t.lastIP[:]) {
		return t.lastTo, nil
	}
	sa, family, err := sockaddrFor(addr, t.family)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrDatagramAddress, err)
	}
	if family != t.family {
		return nil, fmt.Errorf("%w: %v is not an address of the endpoint's family", ErrDatagramAddress, addr)
	}
	if isUDP && len(u.IP) > 0 { // a nil IP is the wildcard of either family: not cached
		copy(t.lastIP[:], u.IP.To16())
		t.lastPort, t.lastZone, t.lastTo = u.Port, u.Zone, sa
	}
	return sa, nil
}

// sameAddr reports whether a and b name the same endpoint (an IPv4 address
// and its IPv4-mapped IPv6 form are the same).
func sameAddr(a, b net.Addr) bool {
	switch a := a.(type) {
	case *net.UDPAddr:
		b, ok := b.(*net.UDPAddr)
		return ok && a.Port == b.Port && a.IP.Equal(b.IP) && a.Zone == b.Zone
	case *net.UnixAddr:
		b, ok := b.(*net.UnixAddr)
		return ok && a.Name == b.Name
	}
	return a.Network() == b.Network() && a.String() == b.String()
}

func (t *dgramTransport) Close() error {
	if err := t.l.check(); err != nil {
		return err
	}
	if t.closing {
		return nil
	}
	t.closing, t.reading = true, false
	if t.head == len(t.queue) {
		t.lose(nil)
	}
	return nil
}

func (t *dgramTransport) Abort() {
	mustOnLoop(t.l, "DatagramTransport.Abort")
	if t.l.check() != nil {
		return
	}
	t.queue, t.head, t.buffered = nil, 0, 0
	t.lose(nil)
}

// lose ends the endpoint: the fd is unwatched and closed, and the
// protocol's ConnectionLost(err) runs in a later iteration, once.
func (t *dgramTransport) lose(err error) {
	if t.lostPending {
		return
	}
	t.closing, t.reading, t.lostPending = true, false, true
	t.l.unwatch(t.w)
	_ = sock.Close(t.fd)
	t.fd = -1
	t.l.disown(t)
	t.l.soon(&Handle{loop: t.l, fn: func() {
		t.protect(func() { t.proto.ConnectionLost(err) })
	}}, nil)
}

// closeWithLoop closes an endpoint still open when its loop closes,
// reporting the datagrams it could not send or never delivered.
func (t *dgramTransport) closeWithLoop() {
	if n := len(t.queue) - t.head; n > 0 {
		t.l.handle(ExceptionContext{Message: fmt.Sprintf("%s closed with its loop, %d datagrams unsent", t, n)})
	}
	if sock.Unread(t.fd) > 0 {
		t.l.handle(ExceptionContext{Message: fmt.Sprintf("%s closed with its loop, datagrams received and never read", t)})
	}
	t.queue, t.head, t.buffered = nil, 0, 0
	t.closing, t.reading = true, false
	t.lostPending = true // the loop is closing: no callback will run
	t.l.unwatch(t.w)
	_ = sock.Close(t.fd)
	t.fd = -1
}

func (t *dgramTransport) IsClosing() bool {
	mustOnLoop(t.l, "DatagramTransport.IsClosing")
	return t.closing
}

func (t *dgramTransport) PauseReading() {
	mustOnLoop(t.l, "DatagramTransport.PauseReading")
	if t.l.check() == nil && !t.closing {
		t.reading = false
	}
}

func (t *dgramTransport) ResumeReading() {
	mustOnLoop(t.l, "DatagramTransport.ResumeReading")
	if t.l.check() != nil || t.closing || t.reading {
		return
	}
	t.reading = true
	if t.started && t.w.readable {
		t.w.queueRead()
	}
}

func (t *dgramTransport) IsReading() bool {
	mustOnLoop(t.l, "DatagramTransport.IsReading")
	return t.reading
}

func (t *dgramTransport) GetWriteBufferSize() int {
	mustOnLoop(t.l, "DatagramTransport.GetWriteBufferSize")
	return t.buffered
}

func (t *dgramTransport) SetWriteBufferLimits(high, low int) {
	mustOnLoop(t.l, "DatagramTransport.SetWriteBufferLimits")
	t.high, t.low = writeLimits(high, low)
	t.maybePause()
}

func (t *dgramTransport) GetWriteBufferLimits() (low, high int) {
	mustOnLoop(t.l, "DatagramTransport.GetWriteBufferLimits")
	return t.low, t.high
}

func (t *dgramTransport) maybePause() {
	if !t.paused && t.buffered > t.high {
		t.paused = true
		t.protect(t.proto.PauseWriting)
	}
}

func (t *dgramTransport) maybeResume() {
	if t.paused && t.buffered <= t.low {
		t.paused = false
		t.protect(t.proto.ResumeWriting)
	}
}

func (t *dgramTransport) GetExtraInfo(name string) any {
	mustOnLoop(t.l, "DatagramTransport.GetExtraInfo")
	if t.fd < 0 {
		return nil
	}
	switch name {
	case "peername":
		if t.remote != nil {
			return t.remote
		}
	case "sockname":
		sa, err := unix.Getsockname(t.fd)
		if u, ok := sa.(*unix.SockaddrUnix); err != nil || ok && (u.Name == "" || u.Name == "@") {
			return nil // an unnamed Unix socket has no address
		}
		if a := sock.AddrOf(sa, unix.SOCK_DGRAM); a != nil {
			return a
		}
	case "socket":
		return t.fd
	}
	return nil
}

func (t *dgramTransport) Loop() *EventLoop { return t.l }

func (t *dgramTransport) String() string {
	state := "open"
	if t.closing {
		state = "closing"
	}
	if t.remote != nil {
		return fmt.Sprintf("<DatagramTransport fd=%d %s remote=%v>", t.fd, state, t.remote)
	}
	return fmt.Sprintf("<DatagramTransport fd=%d %s>", t.fd, state)
}
