//go:build unix

package asyncio

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"

	"github.com/asyncio-go/asyncio/internal/sock"
	"golang.org/x/sys/unix"
)

// CreateConnection connects to address on network ("tcp", "tcp4", "tcp6" or
// "unix"), wraps the socket in a transport and starts a protocol made by
// factory on it: asyncio's loop.create_connection (and, for "unix",
// create_unix_connection). It suspends the caller while the host name is
// resolved and the connection made; the protocol's ConnectionMade runs in
// a later loop iteration. Each resolved address is tried in turn.
//
// The ctx bounds the whole call: a deadline or cancellation of ctx (or of
// the task) ends it with that error and no socket left open. A refused
// connection returns an error matching syscall.ECONNREFUSED. It returns
// ErrNotInCoroutine where ctx's coroutine is not the caller, and
// errors.ErrUnsupported where the platform cannot poll sockets. It panics if
// factory is nil.
//
// With [WithTLS] the connection is a TLS one: CreateConnection returns once
// the handshake has succeeded, with the TLS transport, and the protocol's
// ConnectionMade has run; a failed handshake returns its error (see
// [EventLoop.StartTLS]) and closes the socket.
func CreateConnection(ctx context.Context, factory func() Protocol, network, address string, opts ...NetOption) (Transport, Protocol, error) {
	if factory == nil {
		panic("asyncio: CreateConnection: nil protocol factory")
	}
	t, err := runningTask(ctx)
	if err != nil {
		return nil, nil, err
	}
	cfg := newNetConfig(opts)
	if n, err := t.fut.loop.network(); n != nil || err != nil {
		if err != nil {
			return nil, nil, err
		}
		return dialNet(ctx, t, n, factory, network, address, cfg)
	}
	fd, err := connectSocket(ctx, t, network, address, cfg)
	if err != nil {
		return nil, nil, err
	}
	p := factory()
	if p == nil {
		_ = sock.Close(fd)
		return nil, nil, fmt.Errorf("asyncio: CreateConnection: the protocol factory returned nil: %w", ErrInvalidState)
	}
	if cfg.tls != nil {
		l := t.fut.loop
		tt := cfg.newTLS(l, false, p, address)
		if _, err := newSockTransport(l, fd, tt.side, nil); err != nil {
			l.disown(tt)
			_ = sock.Close(fd)
			return nil, nil, err
		}
		if err := awaitHandshake(ctx, l, tt); err != nil {
			return nil, nil, err
		}
		return tt, p, nil
	}
	tr, err := newSockTransport(t.fut.loop, fd, p, nil)
	if err != nil {
		_ = sock.Close(fd)
		return nil, nil, err
	}
	return tr, p, nil
}

// CreateUnixConnection is [CreateConnection] on the Unix socket at path:
// asyncio's loop.create_unix_connection.
func CreateUnixConnection(ctx context.Context, factory func() Protocol, path string, opts ...NetOption) (Transport, Protocol, error) {
	return CreateConnection(ctx, factory, "unix", path, opts...)
}

// connectSocket returns a connected non-blocking socket for address, or the
// adopted one.
func connectSocket(ctx context.Context, t *taskCore, network, address string, cfg netConfig) (int, error) {
	if cfg.sock != nil {
		return sock.Dup(cfg.sock)
	}
	addrs, err := resolve(ctx, network, address)
	if err != nil {
		return -1, err
	}
	var first error
	for _, a := range addrs {
		fd, err := dialAddr(ctx, t, a, cfg)
		if err == nil {
			return fd, nil
		}
		if first == nil {
			first = err
		}
		if ctx.Err() != nil || errors.Is(err, ErrCancelled) {
			break
		}
	}
	return -1, first
}

func dialAddr(ctx context.Context, t *taskCore, addr net.Addr, cfg netConfig) (int, error) {
	sa, family, err := sock.SockaddrOf(addr)
	if err != nil {
		return -1, err
	}
	fd, err := sock.Socket(family, unix.SOCK_STREAM, 0)
	if err != nil {
		return -1, err
	}
	ok := false
	defer func() {
		if !ok {
			_ = sock.Close(fd)
		}
	}()
	if family != unix.AF_UNIX {
		_ = sock.SetNoDelay(fd, true) // asyncio sets TCP_NODELAY on every TCP transport
	}
	if cfg.localAddr != "" {
		local, err := resolve(ctx, addr.Network(), cfg.localAddr)
		if err != nil {
			return -1, err
		}
		lsa, _, err := sock.SockaddrOf(local[0])
		if err != nil {
			return -1, err
		}
		if err := sock.Bind(fd, lsa); err != nil {
			return -1, err
		}
	}
	if err := connectFD(ctx, t, fd, sa); err != nil {
		return -1, &net.OpError{Op: "dial", Net: addr.Network(), Addr: addr, Err: err}
	}
	ok = true
	return fd, nil
}

// resolve turns a network address into the socket addresses to try. Literal
// IPs and Unix paths need no lookup; a host name is resolved on a goroutine
// (as asyncio resolves in its executor), so the loop goes on meanwhile.
func resolve(ctx context.Context, network, address string) ([]net.Addr, error) {
	switch network {
	case "unix":
		return []net.Addr{&net.UnixAddr{Name: address, Net: "unix"}}, nil
	case "tcp", "tcp4", "tcp6":
	default:
		return nil, fmt.Errorf("asyncio: unsupported network %q", network)
	}
	host, portStr, err := net.SplitHostPort(address)
	if err != nil {
		return nil, err
	}
	port, err := strconv.Atoi(portStr)
	if err != nil {
		if port, err = net.LookupPort(network, portStr); err != nil {
			return nil, err
		}
	}
	var ips []net.IP
	if ip := net.ParseIP(host); ip != nil || host == "" {
		ips = []net.IP{ip}
	} else {
		found, err := ToThread(ctx, func(ctx context.Context) ([]net.IPAddr, error) {
			return net.DefaultResolver.LookupIPAddr(ctx, host)
		})
		if err != nil {
			return nil, err
		}
		for _, a := range found {
			ips = append(ips, a.IP)
		}
	}
	var out []net.Addr
	for _, ip := range ips {
		is4 := ip == nil || ip.To4() != nil
		if (network == "tcp4" && !is4) || (network == "tcp6" && is4 && ip != nil) {
			continue
		}
		out = append(out, &net.TCPAddr{IP: ip, Port: port})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("asyncio: no %s address for %q", network, address)
	}
	return out, nil
}
