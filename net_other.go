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
// would need a socket returns an error matching errors.ErrUnsupported.

var errNoIO = fmt.Errorf("asyncio: sockets on the loop need a unix system: %w", errors.ErrUnsupported)

// CreateConnection returns an error matching errors.ErrUnsupported here.
func CreateConnection(ctx context.Context, factory func() Protocol, network, address string, opts ...NetOption) (Transport, Protocol, error) {
	return nil, nil, errNoIO
}

// CreateUnixConnection returns an error matching errors.ErrUnsupported here.
func CreateUnixConnection(ctx context.Context, factory func() Protocol, path string, opts ...NetOption) (Transport, Protocol, error) {
	return nil, nil, errNoIO
}

// A Server accepts connections; on this system none can be made.
type Server struct{ l *EventLoop }

// CreateServer returns an error matching errors.ErrUnsupported here.
func CreateServer(ctx context.Context, factory func() Protocol, network, address string, opts ...NetOption) (*Server, error) {
	return nil, errNoIO
}

// CreateUnixServer returns an error matching errors.ErrUnsupported here.
func CreateUnixServer(ctx context.Context, factory func() Protocol, path string, opts ...NetOption) (*Server, error) {
	return nil, errNoIO
}

// StartServing returns an error matching errors.ErrUnsupported here.
func (s *Server) StartServing() error { return errNoIO }

// ServeForever returns an error matching errors.ErrUnsupported here.
func (s *Server) ServeForever(ctx context.Context) error { return errNoIO }

// Close does nothing here.
func (s *Server) Close() error { return nil }

// CloseClients does nothing here.
func (s *Server) CloseClients() error { return nil }

// AbortClients does nothing here.
func (s *Server) AbortClients() error { return nil }

// WaitClosed returns at once here.
func (s *Server) WaitClosed(ctx context.Context) error { return nil }

// IsServing reports false here.
func (s *Server) IsServing() bool { return false }

// Sockets returns nil here.
func (s *Server) Sockets() []net.Addr { return nil }

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
