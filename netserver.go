package asyncio

import (
	"context"
	"errors"
	"net"
	"sync/atomic"
	"syscall"
)

// This file makes the connections and servers of a loop made WithNetwork:
// CreateConnection and CreateServer come here instead of to the system's
// sockets (connect_unix.go, server_unix.go).

// dialNet connects to address on the loop's Network: a SYN goes out on the
// route's link, the server (if one listens there) accepts on its arrival,
// and the answer, SYN-ACK or RST, comes back on the other link; the call
// returns on its arrival, one round trip after it began. A cut link holds
// the SYN or its answer until it heals; ctx bounds the wait.
func dialNet(ctx context.Context, t *taskCore, n Network, factory func() Protocol, network, address string, cfg netConfig) (Transport, Protocol, error) {
	if cfg.sock != nil {
		return nil, nil, errors.New("asyncio: WithSocket: this loop makes its connections on its Network")
	}
	r, err := n.Route(network, cfg.localAddr, address)
	if err != nil {
		return nil, nil, err
	}
	l := t.fut.loop
	c := &netConnect{futureCore: futureCore{loop: l}, route: r}
	c.sendSYN()
	err = await(ctx, &c.futureCore)
	if err == nil {
		err = c.futureCore.err() // the cancellation, if the task was cancelled while it waited
	}
	if err == nil {
		err = c.refused
	}
	if err != nil {
		if c.client != nil {
			c.client.abandon()
		}
		return nil, nil, err
	}
	p := factory()
	c.client.start(p, nil)
	return c.client, p, nil
}

// netConnect is a connection being made: what dialNet awaits.
type netConnect struct {
	futureCore
	route   Route
	tm      timer
	client  *pipeEnd // made when the server accepted
	refused error
}

func (c *netConnect) gone() bool { return c.state != statePending }

func (c *netConnect) sendSYN() {
	if c.gone() {
		return
	}
	at, ok := c.route.Out.Send(c.loop.Time(), 0)
	if !ok {
		c.route.Out.OnHeal(c.sendSYN)
		return
	}
	c.loop.arm(&c.tm, at, funcRunner(c.synArrived))
}

func (c *netConnect) synArrived() {
	if c.gone() {
		return
	}
	l := c.loop
	r := c.route
	client, server := newPipe(l, r.Local, r.Remote, r.Out, r.In)
	if s := l.vnet.servers[r.Remote.String()]; s != nil && s.connect(server) {
		c.client = client
	} else {
		c.refused = &net.OpError{Op: "dial", Net: r.Remote.Network(), Source: r.Local, Addr: r.Remote, Err: syscall.ECONNREFUSED}
	}
	c.answer(server)
}

// answer sends the server's SYN-ACK or RST back; the server's data cannot
// overtake it.
func (c *netConnect) answer(server *pipeEnd) {
	at, ok := c.route.In.Send(c.loop.Time(), 0)
	if !ok {
		c.route.In.OnHeal(func() { c.answer(server) })
		return
	}
	server.lastAt = max(server.lastAt, at)
	c.loop.arm(&c.tm, at, funcRunner(c.answered))
}

func (c *netConnect) answered() {
	if c.gone() {
		if c.client != nil {
			c.client.abandon()
		}
		return
	}
	c.complete(stateFinished, nil)
}

// funcRunner runs a function from the ready queue or a timer.
type funcRunner func()

func (f funcRunner) run(*futureCore) { f() }

// netServer is a Server's listening address on the loop's Network and the
// connections it accepted.
type netServer struct {
	l        *EventLoop
	n        Network
	addr     net.Addr
	factory  func() Protocol
	maxQueue int
	serving  bool
	closed   bool
	closedA  atomic.Bool // closed, for Sockets on any goroutine
	queue    []*pipeEnd  // arrived before the server served
	clients  map[*pipeEnd]struct{}
	onIdle   func() // the server closed and its last client gone
}

// listenNet makes a server listening at address on the loop's Network.
func listenNet(l *EventLoop, n Network, factory func() Protocol, network, address string, cfg netConfig) (*Server, error) {
	if cfg.sock != nil {
		return nil, errors.New("asyncio: WithSocket: this loop listens on its Network")
	}
	addr, err := n.Listen(network, address)
	if err != nil {
		return nil, err
	}
	v := &netServer{l: l, n: n, addr: addr, factory: factory, maxQueue: cfg.backlog, clients: map[*pipeEnd]struct{}{}}
	l.vnet.servers[addr.String()] = v
	s := newNetServer(l, v)
	l.ownNet(v)
	if !cfg.noStart {
		_ = s.StartServing()
	}
	return s, nil
}

// connect takes a connection arriving at the server's address: it is
// accepted if the server serves, queued (up to the backlog) if it does not
// yet, and refused if it is closed.
func (v *netServer) connect(e *pipeEnd) bool {
	switch {
	case v.closed:
		return false
	case v.serving:
		v.accept(e)
	case len(v.queue) < v.maxQueue:
		v.queue = append(v.queue, e)
	default:
		return false
	}
	return true
}

func (v *netServer) accept(e *pipeEnd) {
	var p Protocol
	func() {
		defer func() {
			if r := recover(); r != nil {
				v.l.handle(ExceptionContext{Message: "Error in the server's protocol factory", Err: newPanicError(r)})
			}
		}()
		p = v.factory()
	}()
	if p == nil {
		e.abandon()
		return
	}
	v.clients[e] = struct{}{}
	e.start(p, v.connectionLost)
}

func (v *netServer) connectionLost(e *pipeEnd) {
	delete(v.clients, e)
	if v.closed && len(v.clients) == 0 && v.onIdle != nil {
		v.onIdle()
	}
}

// start makes v accept, beginning with the connections queued meanwhile.
func (v *netServer) start() {
	if v == nil || v.serving || v.closed {
		return
	}
	v.serving = true
	q := v.queue
	v.queue = nil
	for _, e := range q {
		v.accept(e)
	}
}

// close stops listening; queued connections are reset.
func (v *netServer) close() {
	if v == nil || v.closed {
		return
	}
	v.closed, v.serving = true, false
	v.closedA.Store(true)
	delete(v.l.vnet.servers, v.addr.String())
	v.n.Unlisten(v.addr)
	v.l.disownNet(v)
	for _, e := range v.queue {
		e.abandon()
	}
	v.queue = nil
}

// count returns the number of connections v accepted that are open.
func (v *netServer) count() int {
	if v == nil {
		return 0
	}
	return len(v.clients)
}

// closeClients closes, or aborts, every connection v accepted.
func (v *netServer) closeClients(abort bool) {
	if v == nil {
		return
	}
	for e := range v.clients {
		if abort {
			e.Abort()
		} else {
			_ = e.Close()
		}
	}
}

func (v *netServer) closeWithLoop() {
	v.close() // its connections are the loop's, closed with it
}
