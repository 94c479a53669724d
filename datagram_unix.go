//go:build unix

package asyncio

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"

	"github.com/asyncio-go/asyncio/internal/sock"
	"golang.org/x/sys/unix"
)

// CreateDatagramEndpoint makes a datagram socket on network ("udp", "udp4",
// "udp6" or "unixgram"), wraps it in a transport and starts a protocol made
// by factory on it: asyncio's loop.create_datagram_endpoint. The socket is
// bound to local and connected to remote, each "" for none: "host:port"
// for UDP (port 0 or an empty host for any), a path for "unixgram" (a
// leading "@" names an abstract socket on Linux; a stale socket file at
// the path is removed first, as asyncio does). A connected endpoint sends
// to remote only and receives from remote only; an unconnected one sends
// wherever SendTo says. With neither address the socket is unbound and
// takes a port at its first send ("udp" makes it IPv4). A host name is
// resolved on a goroutine, as for [CreateConnection], and each address
// tried in turn. The protocol's ConnectionMade runs in a later loop
// iteration.
//
// Options: [WithReusePort] (SO_REUSEPORT, reuse_port), [WithAllowBroadcast]
// (SO_BROADCAST, allow_broadcast), [WithMaxDatagramSize] (max_size) and
// [WithSocket], which adopts a datagram socket (a *net.UDPConn or a
// *net.UnixConn, connected or not) instead of making one, and excludes the
// addresses and socket options, as asyncio's sock= does. [WithLocalAddr] is
// refused (local is the argument); the other options do not apply.
//
// The ctx bounds the call: a deadline or cancellation of ctx (or of the
// task) ends it with that error and no socket left open. It returns
// ErrNotInCoroutine where ctx's coroutine is not the caller, an error for
// an unknown network or a socket that is not a datagram socket, and
// errors.ErrUnsupported where the platform cannot poll sockets. It panics if
// factory is nil.
func CreateDatagramEndpoint(ctx context.Context, factory func() DatagramProtocol, network, local, remote string, opts ...NetOption) (DatagramTransport, DatagramProtocol, error) {
	if factory == nil {
		panic("asyncio: CreateDatagramEndpoint: nil protocol factory")
	}
	t, err := runningTask(ctx)
	if err != nil {
		return nil, nil, err
	}
	cfg := newNetConfig(opts)
	if cfg.localAddr != "" {
		return nil, nil, errors.New("asyncio: CreateDatagramEndpoint: pass the local address as its argument, not WithLocalAddr")
	}
	if n, err := t.fut.loop.network(); n != nil || err != nil {
		if err != nil {
			return nil, nil, err
		}
		return createNetDatagram(t, n, factory, network, local, remote, cfg)
	}
	var s dgramSocket
	if cfg.sock != nil {
		if local != "" || remote != "" || cfg.reusePort || cfg.broadcast {
			return nil, nil, errors.New("asyncio: CreateDatagramEndpoint: WithSocket excludes addresses, WithReusePort and WithAllowBroadcast")
		}
		s, err = adoptDatagramSocket(cfg.sock)
	} else {
		s, err = openDatagramSocket(ctx, network, local, remote, cfg)
	}
	if err != nil {
		return nil, nil, err
	}
	p := factory()
	tr, err := newDgramTransport(t.fut.loop, s.fd, s.family, s.remote, p, cfg.dgramSize)
	if err != nil {
		_ = sock.Close(s.fd)
		return nil, nil, err
	}
	return tr, p, nil
}

// CreateUnixDatagramEndpoint is [CreateDatagramEndpoint] on "unixgram": a
// Unix datagram socket bound to the path local and connected to the path
// remote, each "" for none.
func CreateUnixDatagramEndpoint(ctx context.Context, factory func() DatagramProtocol, local, remote string, opts ...NetOption) (DatagramTransport, DatagramProtocol, error) {
	return CreateDatagramEndpoint(ctx, factory, "unixgram", local, remote, opts...)
}

// dgramSocket is a non-blocking datagram socket ready for a transport.
type dgramSocket struct {
	fd, family int
	remote     net.Addr // nil if not connected
}

// adoptDatagramSocket duplicates the datagram socket c holds.
func adoptDatagramSocket(c syscall.Conn) (dgramSocket, error) {
	fd, err := sock.Dup(c)
	if err != nil {
		return dgramSocket{}, err
	}
	fail := func(err error) (dgramSocket, error) {
		_ = sock.Close(fd)
		return dgramSocket{}, err
	}
	typ, err := sock.Type(fd)
	if err != nil {
		return fail(err)
	}
	if typ != unix.SOCK_DGRAM {
		return fail(errors.New("asyncio: CreateDatagramEndpoint: WithSocket needs a datagram socket"))
	}
	lsa, err := unix.Getsockname(fd)
	if err != nil {
		return fail(os.NewSyscallError("getsockname", err))
	}
	s := dgramSocket{fd: fd}
	switch lsa.(type) {
	case *unix.SockaddrInet4:
		s.family = unix.AF_INET
	case *unix.SockaddrInet6:
		s.family = unix.AF_INET6
	case *unix.SockaddrUnix:
		s.family = unix.AF_UNIX
	default:
		return fail(fmt.Errorf("asyncio: CreateDatagramEndpoint: unsupported socket address %T", lsa))
	}
	if rsa, err := unix.Getpeername(fd); err == nil {
		s.remote = sock.AddrOf(rsa, unix.SOCK_DGRAM)
	}
	return s, nil
}

// openDatagramSocket makes the socket for network, local and remote: for
// UDP, each remote address is paired with the first local one of its
// family, as asyncio pairs getaddrinfo's results.
func openDatagramSocket(ctx context.Context, network, local, remote string, cfg netConfig) (dgramSocket, error) {
	if network == "unixgram" {
		var l, r net.Addr
		if local != "" {
			l = &net.UnixAddr{Name: local, Net: network}
		}
		if remote != "" {
			r = &net.UnixAddr{Name: remote, Net: network}
		}
		return datagramSocket(network, unix.AF_UNIX, l, r, cfg)
	}
	var tcpNet string
	switch network {
	case "udp", "udp4", "udp6":
		tcpNet = "tcp" + network[3:]
	default:
		return dgramSocket{}, fmt.Errorf("asyncio: unsupported datagram network %q", network)
	}
	lookup := func(addr string) ([]*net.UDPAddr, error) {
		if addr == "" {
			return nil, nil
		}
		found, err := resolve(ctx, tcpNet, addr)
		if err != nil {
			return nil, err
		}
		out := make([]*net.UDPAddr, len(found))
		for i, a := range found {
			ta := a.(*net.TCPAddr)
			out[i] = &net.UDPAddr{IP: ta.IP, Port: ta.Port, Zone: ta.Zone}
		}
		return out, nil
	}
	locals, err := lookup(local)
	if err != nil {
		return dgramSocket{}, err
	}
	remotes, err := lookup(remote)
	if err != nil {
		return dgramSocket{}, err
	}
	type pair struct {
		family int
		l, r   *net.UDPAddr
	}
	var pairs []pair
	switch {
	case len(remotes) > 0:
		for _, r := range remotes {
			fam := ipFamily(r.IP, network)
			p := pair{family: fam, r: r}
			if len(locals) > 0 {
				for _, l := range locals {
					if l.IP == nil || ipFamily(l.IP, network) == fam {
						p.l = l
						break
					}
				}
				if p.l == nil {
					continue
				}
			}
			pairs = append(pairs, p)
		}
		if len(pairs) == 0 {
			return dgramSocket{}, fmt.Errorf("asyncio: no local address in %q of the family of %q", local, remote)
		}
	case len(locals) > 0:
		for _, l := range locals {
			pairs = append(pairs, pair{family: ipFamily(l.IP, network), l: l})
		}
	default:
		pairs = []pair{{family: ipFamily(nil, network)}}
	}
	var first error
	for _, p := range pairs {
		var l, r net.Addr
		if p.l != nil {
			l = wildcardFor(p.l, p.family)
		}
		if p.r != nil {
			r = p.r
		}
		s, err := datagramSocket(network, p.family, l, r, cfg)
		if err == nil {
			return s, nil
		}
		if first == nil {
			first = err
		}
	}
	return dgramSocket{}, first
}

// ipFamily is the socket family for ip on network; a nil IP (any address)
// is IPv6 on "udp6" only.
func ipFamily(ip net.IP, network string) int {
	if ip == nil {
		if network == "udp6" {
			return unix.AF_INET6
		}
		return unix.AF_INET
	}
	if ip.To4() != nil {
		return unix.AF_INET
	}
	return unix.AF_INET6
}

// wildcardFor spells a local address with no IP as the any address of family.
func wildcardFor(a *net.UDPAddr, family int) *net.UDPAddr {
	if a.IP != nil {
		return a
	}
	ip := net.IPv4zero
	if family == unix.AF_INET6 {
		ip = net.IPv6unspecified
	}
	return &net.UDPAddr{IP: ip, Port: a.Port}
}

// datagramSocket makes a non-blocking datagram socket of family, sets the
// options, binds it to local and connects it to remote (each nil for none).
func datagramSocket(network string, family int, local, remote net.Addr, cfg netConfig) (dgramSocket, error) {
	fd, err := sock.Socket(family, unix.SOCK_DGRAM, 0)
	if err != nil {
		return dgramSocket{}, err
	}
	fail := func(op string, addr net.Addr, err error) (dgramSocket, error) {
		_ = sock.Close(fd)
		return dgramSocket{}, &net.OpError{Op: op, Net: network, Addr: addr, Err: err}
	}
	if cfg.reusePort {
		if err := sock.SetReusePort(fd, true); err != nil {
			return fail("listen", local, err)
		}
	}
	if cfg.broadcast {
		if err := sock.SetBroadcast(fd, true); err != nil {
			return fail("listen", local, err)
		}
	}
	if local != nil {
		sa, _, err := sockaddrFor(local, family)
		if err != nil {
			return fail("listen", local, err)
		}
		if u, ok := local.(*net.UnixAddr); ok && u.Name[0] != '@' {
			if fi, err := os.Stat(u.Name); err == nil && fi.Mode()&os.ModeSocket != 0 {
				_ = os.Remove(u.Name) // a stale socket of an earlier endpoint
			}
		}
		if err := sock.Bind(fd, sa); err != nil {
			return fail("listen", local, err)
		}
	}
	s := dgramSocket{fd: fd, family: family}
	if remote != nil {
		sa, _, err := sockaddrFor(remote, family)
		if err != nil {
			return fail("dial", remote, err)
		}
		// A datagram connect only records the peer: it does not wait.
		if err := sock.Connect(fd, sa); err != nil {
			return fail("dial", remote, err)
		}
		s.remote = remote
	}
	return s, nil
}

// sockaddrFor converts a, in family (an IPv4 address becomes IPv4-mapped on
// an IPv6 socket).
func sockaddrFor(a net.Addr, family int) (unix.Sockaddr, int, error) {
	sa, fam, err := sock.SockaddrOf(a)
	if err != nil {
		return nil, 0, err
	}
	if fam == unix.AF_INET && family == unix.AF_INET6 {
		v4 := sa.(*unix.SockaddrInet4)
		v6 := &unix.SockaddrInet6{Port: v4.Port}
		copy(v6.Addr[:], net.IP(v4.Addr[:]).To16())
		return v6, family, nil
	}
	return sa, fam, nil
}
