package asyncio

import (
	"errors"
	"fmt"
	"net"
	"syscall"
)

// This file makes the datagram endpoints of a loop made WithNetwork:
// CreateDatagramEndpoint comes here instead of to the system's sockets
// (datagram_unix.go).

// netDgramSize is the receive size of an endpoint on a Network, as on a
// socket: the longest UDP payload.
const netDgramSize = 64 << 10

// netDgramQueue bounds the bytes of datagrams an endpoint that does not
// read holds, as a socket's receive buffer does; more are dropped.
const netDgramQueue = 256 << 10

// netDgram is a DatagramTransport on the loop's Network. Each datagram is
// sent at once on the link its Route gives and arrives when the link says,
// or never (loss, partition); datagrams may overtake one another. Nothing is
// buffered for sending, so PauseWriting never comes. An endpoint that pauses
// reading holds up to netDgramQueue bytes, then drops what comes. A
// datagram to an address where no endpoint is, sent from a connected
// endpoint, comes back as ErrorReceived(ECONNREFUSED), ICMP's answer.
type netDgram struct {
	l             *EventLoop
	n             Network
	network       string
	proto         DatagramProtocol
	local, remote net.Addr // remote: the peer of a connected endpoint, or nil
	route         Route    // to remote
	size          int
	high, low     int

	held          []heldDatagram // arrived while not reading
	heldBytes     int
	deliverQueued bool
	started       bool
	reading       bool
	closing       bool
	lost          bool
}

type heldDatagram struct {
	data []byte
	from net.Addr
}

// dgramFlight is one datagram on its way, with the timer of its arrival.
type dgramFlight struct {
	tm       timer
	from     *netDgram
	fromAddr net.Addr
	toKey    string
	data     []byte
}

// createNetDatagram makes a datagram endpoint bound to local (any port of
// the default host if empty) and, if remote is not empty, connected to it.
func createNetDatagram(t *taskCore, n Network, factory func() DatagramProtocol, network, local, remote string, cfg netConfig) (DatagramTransport, DatagramProtocol, error) {
	if cfg.sock != nil {
		return nil, nil, errors.New("asyncio: WithSocket: this loop makes its endpoints on its Network")
	}
	l := t.fut.loop
	if local == "" && network != "unixgram" {
		local = ":0"
		if remote != "" { // from the host a connection to remote would come from
			r, err := n.Route(network, "", remote)
			if err != nil {
				return nil, nil, err
			}
			if h, _, err := net.SplitHostPort(r.Local.String()); err == nil {
				local = net.JoinHostPort(h, "0")
			}
		}
	}
	e := &netDgram{l: l, n: n, network: network, size: cfg.dgramSize, high: defaultHighWater, low: defaultLowWater, reading: true}
	if e.size <= 0 {
		e.size = netDgramSize
	}
	if local != "" {
		addr, err := n.Listen(network, local)
		if err != nil {
			return nil, nil, err
		}
		e.local = addr
		l.vnet.dgrams[addr.String()] = e
	}
	if remote != "" {
		r, err := n.Route(network, local, remote)
		if err != nil {
			e.unbind()
			return nil, nil, err
		}
		e.remote, e.route = r.Remote, r
	}
	e.proto = factory()
	l.ownNet(e)
	l.soon(&Handle{loop: l, fn: e.start}, nil)
	return e, e.proto, nil
}

func (e *netDgram) start() {
	if e.closing {
		return
	}
	if e.protect(func() { e.proto.ConnectionMade(e) }) && !e.closing {
		e.started = true
		e.deliverHeld()
	}
}

// protect runs a protocol callback of e (see [protectCallback]).
func (e *netDgram) protect(fn func()) bool { return protectCallback(e.l, e, fn) }

// failCallback tears e down after a protocol callback panicked.
func (e *netDgram) failCallback(err error) {
	e.lose(err)
}

func (e *netDgram) unbind() {
	if e.local != nil && e.l.vnet.dgrams[e.local.String()] == e {
		delete(e.l.vnet.dgrams, e.local.String())
		e.n.Unlisten(e.local)
	}
}

// SendTo sends data to addr, or to the remote address of a connected
// endpoint.
func (e *netDgram) SendTo(data []byte, addr net.Addr) error {
	if err := e.l.check(); err != nil {
		return err
	}
	if e.closing {
		return ErrTransportClosing
	}
	to := addr
	switch {
	case e.remote != nil && addr != nil && addr.String() != e.remote.String():
		return fmt.Errorf("%w: %v is not the remote address %v of a connected endpoint", ErrDatagramAddress, addr, e.remote)
	case e.remote != nil:
		to = e.remote
	case addr == nil:
		return fmt.Errorf("%w: an unconnected endpoint needs a destination", ErrDatagramAddress)
	}
	r := e.route
	if e.remote == nil {
		local := ""
		if e.local != nil {
			local = e.local.String()
		}
		var err error
		if r, err = e.n.Route(e.network, local, to.String()); err != nil {
			e.protect(func() { e.proto.ErrorReceived(err) })
			return nil
		}
	}
	at, ok := r.Out.SendDatagram(e.l.Time(), len(data))
	if !ok {
		return nil // lost on the way, as UDP loses
	}
	f := &dgramFlight{from: e, fromAddr: e.local, toKey: r.Remote.String(), data: append([]byte(nil), data...)}
	e.l.arm(&f.tm, at, f)
	return nil
}

// run is the datagram's arrival.
func (f *dgramFlight) run(*futureCore) {
	from := f.from
	to := from.l.vnet.dgrams[f.toKey]
	if to == nil || to.lost {
		if from.remote != nil && !from.closing {
			err := &net.OpError{Op: "write", Net: from.network, Source: from.local, Addr: from.remote, Err: syscall.ECONNREFUSED}
			from.protect(func() { from.proto.ErrorReceived(err) })
		}
		return
	}
	if to.remote != nil && (f.fromAddr == nil || f.fromAddr.String() != to.remote.String()) {
		return // a connected endpoint takes datagrams from its peer only
	}
	to.receive(f.data, f.fromAddr)
}

func (e *netDgram) receive(data []byte, from net.Addr) {
	if !e.started || !e.reading || len(e.held) > 0 {
		if e.heldBytes+len(data) > netDgramQueue {
			return // the receive buffer is full: dropped
		}
		e.held = append(e.held, heldDatagram{data, from})
		e.heldBytes += len(data)
		return
	}
	e.deliver(data, from)
}

func (e *netDgram) deliver(data []byte, from net.Addr) {
	if len(data) > e.size {
		e.protect(func() { e.proto.DatagramReceived(data[:e.size], from) })
		if !e.closing {
			err := &DatagramTruncatedError{Addr: from, Kept: e.size, Size: len(data)}
			e.protect(func() { e.proto.ErrorReceived(err) })
		}
		return
	}
	e.protect(func() { e.proto.DatagramReceived(data, from) })
}

func (e *netDgram) deliverHeld() {
	for len(e.held) > 0 && e.started && e.reading && !e.closing {
		d := e.held[0]
		e.held[0] = heldDatagram{}
		e.held = e.held[1:]
		e.heldBytes -= len(d.data)
		e.deliver(d.data, d.from)
	}
}

// dgramDelivery is the runner by which ResumeReading delivers what waited.
type dgramDelivery netDgram

func (d *dgramDelivery) run(*futureCore) {
	e := (*netDgram)(d)
	e.deliverQueued = false
	e.deliverHeld()
}

func (e *netDgram) Close() error {
	if err := e.l.check(); err != nil {
		return err
	}
	e.lose(nil)
	return nil
}

func (e *netDgram) Abort() {
	mustOnLoop(e.l, "DatagramTransport.Abort")
	if e.l.check() == nil {
		e.lose(nil)
	}
}

// lose closes the endpoint: ConnectionLost(err) runs in a later iteration,
// once.
func (e *netDgram) lose(err error) {
	if e.lost {
		return
	}
	e.lost, e.closing, e.reading = true, true, false
	e.held, e.heldBytes = nil, 0
	e.unbind()
	e.l.disownNet(e)
	e.l.soon(&Handle{loop: e.l, fn: func() { e.protect(func() { e.proto.ConnectionLost(err) }) }}, nil)
}

func (e *netDgram) IsClosing() bool {
	mustOnLoop(e.l, "DatagramTransport.IsClosing")
	return e.closing
}

func (e *netDgram) PauseReading() {
	mustOnLoop(e.l, "DatagramTransport.PauseReading")
	if e.l.check() == nil && !e.closing {
		e.reading = false
	}
}

func (e *netDgram) ResumeReading() {
	mustOnLoop(e.l, "DatagramTransport.ResumeReading")
	if e.l.check() != nil || e.closing || e.reading {
		return
	}
	e.reading = true
	if len(e.held) > 0 && !e.deliverQueued {
		e.deliverQueued = true
		e.l.soon((*dgramDelivery)(e), nil)
	}
}

func (e *netDgram) IsReading() bool {
	mustOnLoop(e.l, "DatagramTransport.IsReading")
	return e.reading
}

func (e *netDgram) GetWriteBufferSize() int {
	mustOnLoop(e.l, "DatagramTransport.GetWriteBufferSize")
	return 0
}

func (e *netDgram) SetWriteBufferLimits(high, low int) {
	mustOnLoop(e.l, "DatagramTransport.SetWriteBufferLimits")
	e.high, e.low = writeLimits(high, low)
}

func (e *netDgram) GetWriteBufferLimits() (low, high int) {
	mustOnLoop(e.l, "DatagramTransport.GetWriteBufferLimits")
	return e.low, e.high
}

func (e *netDgram) GetExtraInfo(name string) any {
	mustOnLoop(e.l, "DatagramTransport.GetExtraInfo")
	if e.lost {
		return nil
	}
	switch name {
	case "peername":
		if e.remote != nil {
			return e.remote
		}
	case "sockname":
		if e.local != nil {
			return e.local
		}
	}
	return nil
}

func (e *netDgram) Loop() *EventLoop { return e.l }

func (e *netDgram) String() string {
	state := "open"
	if e.closing {
		state = "closing"
	}
	return fmt.Sprintf("<DatagramTransport %v %s remote=%v>", e.local, state, e.remote)
}

// closeWithLoop closes an endpoint still open when its loop closes,
// reporting the datagrams nobody read.
func (e *netDgram) closeWithLoop() {
	if len(e.held) > 0 {
		e.l.handle(ExceptionContext{Message: fmt.Sprintf("%s closed with its loop, %d datagrams received and never read", e, len(e.held))})
	}
	e.lost, e.closing, e.reading = true, true, false
	e.held = nil
	e.unbind()
}
