package asyncio

import (
	"net"
	"time"
)

// A Network replaces the system's sockets for a loop made WithNetwork(n):
// [CreateConnection], [OpenConnection], [CreateServer] and [StartServer] (and their
// datagram counterparts) then resolve their addresses on n and make their
// connections in memory, on the loop's own timers, so that a program's
// networked code runs unchanged under test. asynciotest.Network is the
// implementation, with per-link latency, bandwidth, loss and partitions.
//
// The loop calls these methods on its own goroutine. A Network knows
// addresses and links; the loop owns the transports, servers and endpoints
// made on it (pipetransport.go) and closes them when it closes.
type Network interface {
	// Attach is called once, when loop l first uses the network, before
	// any other method. An error refuses the use, and is returned by the
	// call that tried it.
	Attach(l *EventLoop) error
	// Listen reserves address on network ("tcp", "udp"...) for a server
	// or endpoint, and returns the address it holds (port 0 picks a free
	// one). An address in use returns an error matching
	// syscall.EADDRINUSE.
	Listen(network, address string) (net.Addr, error)
	// Unlisten releases an address Listen returned.
	Unlisten(addr net.Addr)
	// Route returns the path from local (any address of the default host
	// when empty) to address: the two end addresses and a link each way.
	// A name the network cannot resolve returns an error.
	Route(network, local, address string) (Route, error)
}

// A Route is the path of one connection, or of the datagrams between two
// addresses, on a [Network]. The zero Route is not usable.
type Route struct {
	// Local and Remote are the two ends' addresses.
	Local, Remote net.Addr
	// Out carries what Local sends to Remote, In the way back.
	Out, In Link
}

// A Link carries what one host sends another on a [Network]: it decides
// when bytes arrive, and whether they can pass at all.
type Link interface {
	// Send returns the loop time at which n bytes of a stream, sent at
	// now, arrive; ok is false while the link is cut (a partition), and
	// the bytes wait for it to heal. The transport keeps a stream's bytes
	// in order whatever Send returns.
	Send(now time.Duration, n int) (at time.Duration, ok bool)
	// SendDatagram returns the loop time at which a datagram of n bytes,
	// sent at now, arrives; ok false drops it (loss, or a partition).
	// Datagrams may overtake one another.
	SendDatagram(now time.Duration, n int) (at time.Duration, ok bool)
	// OnHeal calls fn once, on the loop's goroutine, when the link is next
	// up: at once, in a later iteration, if it is up now.
	OnHeal(fn func())
}

// WithNetwork makes the loop make its connections, servers and datagram
// endpoints on n instead of the system's sockets (see [Network]).
func WithNetwork(n Network) Option { return func(l *EventLoop) { l.vnet.n = n } }

// netState is the loop's part of its Network: what it listens on and what it
// must close with it (loop goroutine only).
type netState struct {
	n        Network
	attached bool
	servers  map[string]*netServer // by address
	dgrams   map[string]*netDgram  // by address
	owned    map[closer]struct{}   // transports, servers and endpoints to close with the loop
}

// A closer is a transport or server the loop closes when it closes.
type closer interface{ closeWithLoop() }

// network returns the loop's Network, attached, or nil when the loop uses
// the system's sockets.
func (l *EventLoop) network() (Network, error) {
	s := &l.vnet
	if s.n == nil {
		return nil, nil
	}
	if !s.attached {
		if err := s.n.Attach(l); err != nil {
			return nil, err
		}
		s.attached = true
		s.servers = map[string]*netServer{}
		s.dgrams = map[string]*netDgram{}
	}
	return s.n, nil
}

func (l *EventLoop) ownNet(c closer) {
	if l.vnet.owned == nil {
		l.vnet.owned = map[closer]struct{}{}
	}
	l.vnet.owned[c] = struct{}{}
}

func (l *EventLoop) disownNet(c closer) { delete(l.vnet.owned, c) }

// closeNet closes what the loop still owns on its Network, as its Close
// does for sockets.
func (l *EventLoop) closeNet() {
	for c := range l.vnet.owned {
		c.closeWithLoop()
	}
	l.vnet.owned = nil
}
