//go:build !unix

package asyncio

import (
	"context"
	"errors"
	"fmt"
	"net"
)

// On systems that are not unix the loop cannot poll file descriptors yet:
// the network API is here, so that programs build, and every call that
// would need a socket returns an error matching errors.ErrUnsupported. A
// loop made WithNetwork makes its connections and servers on its Network,
// which needs no file descriptor, as on unix.

var errNoIO = fmt.Errorf("asyncio: sockets on the loop need a unix system: %w", errors.ErrUnsupported)

// CreateConnection connects on the loop's [Network] (see [WithNetwork]); without
// one it returns an error matching errors.ErrUnsupported here.
func CreateConnection(ctx context.Context, factory func() Protocol, network, address string, opts ...NetOption) (Transport, Protocol, error) {
	if factory == nil {
		panic("asyncio: CreateConnection: nil protocol factory")
	}
	n, t, err := netOf(ctx)
	switch {
	case err != nil:
		return nil, nil, err
	case n == nil:
		return nil, nil, errNoIO
	}
	return dialNet(ctx, t, n, factory, network, address, newNetConfig(opts))
}

// CreateUnixConnection is [CreateConnection] on the Unix socket at path.
func CreateUnixConnection(ctx context.Context, factory func() Protocol, path string, opts ...NetOption) (Transport, Protocol, error) {
	return CreateConnection(ctx, factory, "unix", path, opts...)
}

// A Server accepts connections on the loop's [Network] (see [WithNetwork]); on
// this system it has no sockets. Its methods must be called on its loop's
// goroutine, except Sockets and Loop. The zero Server is not usable.
type Server struct {
	l       *EventLoop
	vn      *netServer
	waiters waitq // WaitClosed callers
}

// CreateServer listens on the loop's [Network] (see [WithNetwork]); without one
// it returns an error matching errors.ErrUnsupported here.
func CreateServer(ctx context.Context, factory func() Protocol, network, address string, opts ...NetOption) (*Server, error) {
	if factory == nil {
		panic("asyncio: CreateServer: nil protocol factory")
	}
	n, t, err := netOf(ctx)
	switch {
	case err != nil:
		return nil, err
	case n == nil:
		return nil, errNoIO
	}
	return listenNet(t.fut.loop, n, factory, network, address, newNetConfig(opts))
}

// CreateUnixServer is [CreateServer] on the Unix socket at path.
func CreateUnixServer(ctx context.Context, factory func() Protocol, path string, opts ...NetOption) (*Server, error) {
	return CreateServer(ctx, factory, "unix", path, opts...)
}

// netOf returns the Network of the loop running ctx's coroutine, with its
// task; a nil Network means the system's sockets.
func netOf(ctx context.Context) (Network, *taskCore, error) {
	t, err := runningTask(ctx)
	if err != nil {
		return nil, nil, err
	}
	n, err := t.fut.loop.network()
	return n, t, err
}

func newNetServer(l *EventLoop, v *netServer) *Server {
	s := &Server{l: l, vn: v}
	v.onIdle = s.waiters.wakeAll
	return s
}

// StartServing makes s accept connections, if it does not yet.
func (s *Server) StartServing() error {
	if err := s.l.check(); err != nil {
		return err
	}
	s.vn.start()
	return nil
}

// ServeForever accepts connections until the task is cancelled, then closes
// s. It returns the cancellation; ErrInvalidState if s is closed.
func (s *Server) ServeForever(ctx context.Context) error {
	if s.vn.closed {
		return invalidState("server is closed")
	}
	if err := s.StartServing(); err != nil {
		return err
	}
	t, err := runningTask(ctx)
	if err != nil {
		return err
	}
	forever := &futureCore{loop: t.fut.loop}
	err = await(ctx, forever)
	if err == nil {
		err = forever.err()
	}
	_ = s.Close()
	return err
}

// Close stops listening; connections already accepted go on.
func (s *Server) Close() error {
	if err := s.l.check(); err != nil {
		return err
	}
	s.vn.close()
	if s.vn.count() == 0 {
		s.waiters.wakeAll()
	}
	return nil
}

// CloseClients closes every connection the server accepted.
func (s *Server) CloseClients() error {
	if err := s.l.check(); err != nil {
		return err
	}
	s.vn.closeClients(false)
	return nil
}

// AbortClients aborts every connection the server accepted.
func (s *Server) AbortClients() error {
	if err := s.l.check(); err != nil {
		return err
	}
	s.vn.closeClients(true)
	return nil
}

// WaitClosed suspends the caller until s is closed and every connection it
// accepted has ended.
func (s *Server) WaitClosed(ctx context.Context) error {
	t, err := runningTask(ctx)
	if err != nil {
		return err
	}
	for !(s.vn.closed && s.vn.count() == 0) {
		if _, err := s.waiters.wait(ctx, t.fut.loop, s, "Server", "WaitClosed"); err != nil {
			return err
		}
	}
	return nil
}

// IsServing reports whether s accepts connections.
func (s *Server) IsServing() bool {
	mustOnLoop(s.l, "Server.IsServing")
	return s.vn.serving
}

// Sockets returns the address s listens on; nil once s is closed.
func (s *Server) Sockets() []net.Addr {
	if s.vn.closedA.Load() {
		return nil
	}
	return []net.Addr{s.vn.addr}
}

// Loop returns the server's loop.
func (s *Server) Loop() *EventLoop { return s.l }

// SockRecv returns an error matching errors.ErrUnsupported here.
func SockRecv(ctx context.Context, fd int, n int) ([]byte, error) { return nil, errNoIO }

// SockRecvInto returns an error matching errors.ErrUnsupported here.
func SockRecvInto(ctx context.Context, fd int, buf []byte) (int, error) { return 0, errNoIO }

// SockSendall returns an error matching errors.ErrUnsupported here.
func SockSendall(ctx context.Context, fd int, data []byte) error { return errNoIO }

// SockAccept returns an error matching errors.ErrUnsupported here.
func SockAccept(ctx context.Context, fd int) (int, net.Addr, error) { return -1, nil, errNoIO }

// SockConnect returns an error matching errors.ErrUnsupported here.
func SockConnect(ctx context.Context, fd int, addr net.Addr) error { return errNoIO }

// AddReader returns an error matching errors.ErrUnsupported here.
func (l *EventLoop) AddReader(fd int, fn func()) error { return errNoIO }

// AddWriter returns an error matching errors.ErrUnsupported here.
func (l *EventLoop) AddWriter(fd int, fn func()) error { return errNoIO }

// RemoveReader reports false here.
func (l *EventLoop) RemoveReader(fd int) bool { return false }

// RemoveWriter reports false here.
func (l *EventLoop) RemoveWriter(fd int) bool { return false }

// CreateDatagramEndpoint makes an endpoint on the loop's [Network] (see
// [WithNetwork]); without one it returns an error matching
// errors.ErrUnsupported here.
func CreateDatagramEndpoint(ctx context.Context, factory func() DatagramProtocol, network, local, remote string, opts ...NetOption) (DatagramTransport, DatagramProtocol, error) {
	if factory == nil {
		panic("asyncio: CreateDatagramEndpoint: nil protocol factory")
	}
	n, t, err := netOf(ctx)
	switch {
	case err != nil:
		return nil, nil, err
	case n == nil:
		return nil, nil, errNoIO
	}
	return createNetDatagram(t, n, factory, network, local, remote, newNetConfig(opts))
}

// CreateUnixDatagramEndpoint is [CreateDatagramEndpoint] on "unixgram".
func CreateUnixDatagramEndpoint(ctx context.Context, factory func() DatagramProtocol, local, remote string, opts ...NetOption) (DatagramTransport, DatagramProtocol, error) {
	return CreateDatagramEndpoint(ctx, factory, "unixgram", local, remote, opts...)
}
