package asynciotest

import (
	"fmt"
	"math/rand/v2"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/asyncio-go/asyncio"
)

// A Network is a virtual network: hosts, listeners, connections and
// datagram endpoints that live in memory and in the loop's time. A loop made
// with asyncio.WithNetwork(n) resolves the addresses of OpenConnection,
// StartServer, CreateConnection, CreateServer and CreateDatagramEndpoint on
// n, so the code under test runs unchanged; on the virtual clock, a minute
// of latency, retries and partitions takes microseconds and gives the same
// result every time.
//
// Hosts are named by the addresses that mention them ("server:80",
// WithLocalAddr("client:0")) and get an IPv4 address each, in the order they
// are first mentioned (10.0.0.1, 10.0.0.2...); "localhost", "127.0.0.1",
// "::1" and an empty host are the default host, where a connection made
// without WithLocalAddr comes from. Port 0 picks a free port from 49152 on.
//
// Between two hosts each direction is a link with the [LinkConfig] of
// SetLink (the default: no latency, unlimited bandwidth, no loss). A stream
// keeps its bytes in order and loses none; a partition holds them until it
// heals. Datagrams may be lost, and jitter may reorder them. A stream's
// half-close, reset (Abort) and backpressure (Drain) behave as on loopback.
//
// A Network serves one loop at a time. Once that loop is closed, the next
// call on n heals its partitions and frees its ports, keeping its hosts and
// links, and the next loop to use it restarts its jitter and loss from that
// loop's seed: one Network serves every run of Explore. Its methods may be
// called from any goroutine. The zero Network is not usable: make one with
// NewNetwork.
type Network struct {
	mu          sync.Mutex
	loop        *asyncio.EventLoop
	rng         *rand.Rand
	hosts       map[string]*host
	byIP        map[netip.Addr]*host
	links       map[[2]*host]*link
	defaultLink LinkConfig
	local       *host // the default host
}

// A LinkConfig describes one direction of the link between two hosts. The
// zero LinkConfig delivers at once, without limit or loss.
type LinkConfig struct {
	// Latency is the time a byte takes from one host to the other.
	Latency time.Duration
	// Jitter adds up to this much to each segment's or datagram's
	// latency, drawn from the loop's seed (see asyncio.WithSeed). A stream
	// stays in order; datagrams may overtake one another.
	Jitter time.Duration
	// Bandwidth, in bytes per second, limits how fast the link sends: a
	// segment of n bytes holds it for n/Bandwidth. Zero is unlimited.
	Bandwidth int64
	// Loss is the probability, from 0 to 1, that a datagram is dropped.
	// Streams lose nothing.
	Loss float64
}

type host struct {
	name     string
	ip       netip.Addr
	ports    map[string]bool // "tcp/80": in use
	nextPort int
}

type link struct {
	n         *Network
	cfg       LinkConfig
	cut       bool
	busyUntil time.Duration
	waiters   []func()
}

// NewNetwork returns a network with only its default host, "localhost".
func NewNetwork() *Network {
	n := &Network{hosts: map[string]*host{}, byIP: map[netip.Addr]*host{}, links: map[[2]*host]*link{}}
	n.local = &host{name: "localhost", ip: netip.MustParseAddr("127.0.0.1"), ports: map[string]bool{}, nextPort: 49152}
	n.hosts["localhost"] = n.local
	n.byIP[n.local.ip] = n.local
	return n
}

// Attach binds n to loop l: called by the loop the first time it uses n.
// It returns an error if n serves another loop that is not closed.
func (n *Network) Attach(l *asyncio.EventLoop) error {
	n.mu.Lock() //asynciovet:ignore held for a few map operations, never across a wait
	defer n.mu.Unlock()
	n.settle()
	if n.loop != nil && n.loop != l {
		return fmt.Errorf("asynciotest: the network serves another loop, still open")
	}
	n.loop = l
	seed, _ := l.Seed()
	n.rng = rand.New(rand.NewPCG(seed, 0x766e6574)) // "vnet": a stream of its own
	return nil
}

// settle ends n's service of a loop that has closed: its partitions heal
// and its ports are freed, so that the next run starts from the
// configuration alone. Every method calls it first, so that a partition
// made before the next loop's first use of n holds. Call it with mu held.
func (n *Network) settle() {
	if n.loop == nil || !n.loop.IsClosed() {
		return
	}
	n.loop = nil
	for _, h := range n.hosts {
		clear(h.ports)
		h.nextPort = 49152
	}
	for _, k := range n.links {
		k.cut, k.busyUntil, k.waiters = false, 0, nil
	}
}

// Host returns the address of the host named name, adding the host if n
// has none of that name.
func (n *Network) Host(name string) netip.Addr {
	n.mu.Lock() //asynciovet:ignore held for a few map operations, never across a wait
	defer n.mu.Unlock()
	n.settle()
	return n.host(name).ip
}

// host returns the host named name (a name or an IP), adding it if needed.
func (n *Network) host(name string) *host {
	switch name {
	case "", "localhost", "::1", "0.0.0.0", "::":
		return n.local
	}
	if h := n.hosts[name]; h != nil {
		return h
	}
	if ip, err := netip.ParseAddr(name); err == nil {
		if h := n.byIP[ip]; h != nil {
			return h
		}
	}
	h := &host{name: name, ip: netip.AddrFrom4([4]byte{10, 0, byte(len(n.hosts) >> 8), byte(len(n.hosts))}), ports: map[string]bool{}, nextPort: 49152}
	if ip, err := netip.ParseAddr(name); err == nil {
		h.ip = ip
	}
	n.hosts[name] = h
	n.byIP[h.ip] = h
	return h
}

// SetLink sets the link between hosts a and b, both ways, to cfg.
func (n *Network) SetLink(a, b string, cfg LinkConfig) {
	n.mu.Lock() //asynciovet:ignore held for a few map operations, never across a wait
	defer n.mu.Unlock()
	n.settle()
	ha, hb := n.host(a), n.host(b)
	n.link(ha, hb).cfg = cfg
	n.link(hb, ha).cfg = cfg
}

// SetDefaultLink sets the link between hosts that SetLink did not name.
func (n *Network) SetDefaultLink(cfg LinkConfig) {
	n.mu.Lock() //asynciovet:ignore held for a few map operations, never across a wait
	defer n.mu.Unlock()
	n.defaultLink = cfg
}

func (n *Network) link(from, to *host) *link {
	k := n.links[[2]*host{from, to}]
	if k == nil {
		k = &link{n: n, cfg: n.defaultLink}
		n.links[[2]*host{from, to}] = k
	}
	return k
}

// Partition cuts the link between hosts a and b, both ways: what they send
// each other waits (streams, connection attempts) or is lost (datagrams)
// until Heal. Connections stay open, as TCP's do through a short outage.
func (n *Network) Partition(a, b string) { n.setCut(a, b, true) }

// Heal ends a partition between hosts a and b: what waited is sent.
func (n *Network) Heal(a, b string) { n.setCut(a, b, false) }

func (n *Network) setCut(a, b string, cut bool) {
	n.mu.Lock() //asynciovet:ignore held for a few map operations, never across a wait
	n.settle()
	ha, hb := n.host(a), n.host(b)
	var wake []func()
	for _, k := range []*link{n.link(ha, hb), n.link(hb, ha)} {
		k.cut = cut
		if !cut {
			wake = append(wake, k.waiters...)
			k.waiters = nil
		}
	}
	l := n.loop
	n.mu.Unlock()
	if l == nil {
		return
	}
	for _, fn := range wake {
		_, _ = l.CallSoonThreadsafe(fn)
	}
}

// Listen reserves address for a server or an endpoint of n's loop.
func (n *Network) Listen(network, address string) (net.Addr, error) {
	n.mu.Lock() //asynciovet:ignore held for a few map operations, never across a wait
	defer n.mu.Unlock()
	h, port, err := n.split(network, address)
	if err != nil {
		return nil, err
	}
	if network == "unix" || network == "unixgram" {
		return addrOf(network, h, 0, address), nil
	}
	if port == 0 {
		port = n.ephemeral(h, network)
	}
	key := portKey(network, port)
	if h.ports[key] {
		return nil, &net.OpError{Op: "listen", Net: network, Addr: addrOf(network, h, port, address), Err: syscall.EADDRINUSE}
	}
	h.ports[key] = true
	return addrOf(network, h, port, address), nil
}

// Unlisten releases an address Listen returned.
func (n *Network) Unlisten(addr net.Addr) {
	n.mu.Lock() //asynciovet:ignore held for a few map operations, never across a wait
	defer n.mu.Unlock()
	h, port, err := n.split(addr.Network(), addr.String())
	if err == nil {
		delete(h.ports, portKey(addr.Network(), port))
	}
}

// Route returns the path from local to address, with the links between the
// two hosts.
func (n *Network) Route(network, local, address string) (asyncio.Route, error) {
	n.mu.Lock() //asynciovet:ignore held for a few map operations, never across a wait
	defer n.mu.Unlock()
	rh, rport, err := n.split(network, address)
	if err != nil {
		return asyncio.Route{}, err
	}
	lh, lport := n.local, 0
	if local != "" {
		if lh, lport, err = n.split(network, local); err != nil {
			return asyncio.Route{}, err
		}
	}
	if network == "unix" || network == "unixgram" {
		return asyncio.Route{Local: addrOf(network, lh, 0, ""), Remote: addrOf(network, rh, 0, address),
			Out: n.link(lh, rh), In: n.link(rh, lh)}, nil
	}
	if lport == 0 {
		lport = n.ephemeral(lh, network)
	}
	return asyncio.Route{Local: addrOf(network, lh, lport, ""), Remote: addrOf(network, rh, rport, address),
		Out: n.link(lh, rh), In: n.link(rh, lh)}, nil
}

// split resolves address into a host and a port.
func (n *Network) split(network, address string) (*host, int, error) {
	switch network {
	case "unix", "unixgram":
		return n.local, 0, nil
	case "tcp", "tcp4", "tcp6", "udp", "udp4", "udp6":
	default:
		return nil, 0, fmt.Errorf("asynciotest: unsupported network %q", network)
	}
	name, p, err := net.SplitHostPort(address)
	if err != nil {
		return nil, 0, err
	}
	port, err := strconv.Atoi(p)
	if err != nil || port < 0 || port > 65535 {
		return nil, 0, fmt.Errorf("asynciotest: bad port in %q", address)
	}
	return n.host(name), port, nil
}

func portKey(network string, port int) string {
	return network[:min(len(network), 3)] + "/" + strconv.Itoa(port)
}

// ephemeral returns the next port of h from 49152 on that nothing listens
// on: a connection's local port, or a listener's port 0. Connections do not
// hold their port, so the ports go round.
func (n *Network) ephemeral(h *host, network string) int {
	for range 65536 - 49152 {
		p := h.nextPort
		h.nextPort++
		if h.nextPort > 65535 {
			h.nextPort = 49152
		}
		if !h.ports[portKey(network, p)] {
			return p
		}
	}
	return h.nextPort // every port listens: share one, as nothing is refused for it
}

func addrOf(network string, h *host, port int, path string) net.Addr {
	switch network {
	case "unix", "unixgram":
		return &net.UnixAddr{Name: path, Net: network}
	case "udp", "udp4", "udp6":
		return &net.UDPAddr{IP: h.ip.AsSlice(), Port: port}
	}
	return &net.TCPAddr{IP: h.ip.AsSlice(), Port: port}
}

// Send is the link's answer for a stream's segment (see asyncio.Link).
func (k *link) Send(now time.Duration, size int) (time.Duration, bool) {
	k.n.mu.Lock() //asynciovet:ignore held for a few map operations, never across a wait
	defer k.n.mu.Unlock()
	if k.cut {
		return 0, false
	}
	return k.arrival(now, size), true
}

// SendDatagram is the link's answer for a datagram (see asyncio.Link).
func (k *link) SendDatagram(now time.Duration, size int) (time.Duration, bool) {
	k.n.mu.Lock() //asynciovet:ignore held for a few map operations, never across a wait
	defer k.n.mu.Unlock()
	if k.cut || (k.cfg.Loss > 0 && k.n.rng.Float64() < k.cfg.Loss) {
		return 0, false
	}
	return k.arrival(now, size), true
}

// arrival returns when size bytes sent at now arrive: after the link has
// sent what it holds, then the bytes themselves at its bandwidth, then the
// latency and its jitter.
func (k *link) arrival(now time.Duration, size int) time.Duration {
	start := max(now, k.busyUntil)
	if bw := k.cfg.Bandwidth; bw > 0 && size > 0 {
		start += time.Duration((int64(size)*int64(time.Second) + bw - 1) / bw)
		k.busyUntil = start
	}
	at := start + k.cfg.Latency
	if j := k.cfg.Jitter; j > 0 {
		at += time.Duration(k.n.rng.Int64N(int64(j) + 1))
	}
	return at
}

// OnHeal calls fn once the link is up (see asyncio.Link).
func (k *link) OnHeal(fn func()) {
	k.n.mu.Lock() //asynciovet:ignore held for a few map operations, never across a wait
	if k.cut {
		k.waiters = append(k.waiters, fn)
		k.n.mu.Unlock()
		return
	}
	l := k.n.loop
	k.n.mu.Unlock()
	_, _ = l.CallSoonThreadsafe(fn)
}
