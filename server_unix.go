//go:build unix

package asyncio

import (
	"context"
	"fmt"
	"net"
	"os"
	"sync/atomic"
	"time"

	"github.com/asyncio-go/asyncio/internal/sock"
	"golang.org/x/sys/unix"
)

// A Server accepts connections on one or more listening sockets and starts
// a protocol (or, from [StartServer], a handler task) on each: asyncio's
// Server. Make one with [CreateServer] or StartServer. Its methods must be
// called on its loop's goroutine, except Sockets and Loop, which may be
// called anywhere: from elsewhere those with an error result return
// ErrWrongGoroutine and change nothing, and IsServing and String panic. The
// zero Server is not usable.
type Server struct {
	l         *EventLoop
	factory   func() Protocol
	listeners []*listener
	backlog   int
	serving   bool
	closed    bool
	closedA   atomic.Bool                  // closed, for Sockets on any goroutine
	clients   map[*sockTransport]Transport // the transport each connection's protocol has
	tlsCfg    *netConfig                   // WithTLS's options; nil without TLS
	waiters   waitq                        // WaitClosed callers
	unixPaths []string
	addrs     []net.Addr
	vn        *netServer // the listening address on the loop's Network, if it has one
}

type listener struct {
	s  *Server
	fd int
	w  *fdWatch
}

// CreateServer listens on address on network ("tcp", "tcp4", "tcp6" or
// "unix") and, for each connection accepted, starts a protocol made by
// factory on a new transport: asyncio's loop.create_server. A host that
// resolves to several addresses (such as "localhost") gets a listening
// socket for each; an empty host listens on every IPv4 interface, and port 0
// picks a free port (read it from Sockets). The server accepts at once
// unless WithStartServing(false) is given. A Unix socket path left behind
// by an earlier server is replaced, and removed again when the server
// closes.
//
// With [WithTLS] every connection is a TLS one: the protocol starts once the
// handshake has succeeded (ConnectionMade gets the TLS transport); a
// connection whose handshake fails is closed without it, and the failure is
// reported to the exception handler in debug mode only, as asyncio logs it.
//
// The errors are the system's (matching syscall.EADDRINUSE and the like),
// those of resolving address, ErrNotInCoroutine where ctx's coroutine is not
// the caller, and errors.ErrUnsupported where the platform cannot poll
// sockets. It panics if factory is nil.
func CreateServer(ctx context.Context, factory func() Protocol, network, address string, opts ...NetOption) (*Server, error) {
	if factory == nil {
		panic("asyncio: CreateServer: nil protocol factory")
	}
	t, err := runningTask(ctx)
	if err != nil {
		return nil, err
	}
	cfg := newNetConfig(opts)
	if n, err := t.fut.loop.network(); n != nil || err != nil {
		if err != nil {
			return nil, err
		}
		return listenNet(t.fut.loop, n, factory, network, address, cfg)
	}
	s := &Server{l: t.fut.loop, factory: factory, backlog: cfg.backlog, clients: map[*sockTransport]Transport{}}
	if cfg.tls != nil {
		s.tlsCfg = &cfg
	}
	if err := s.listen(ctx, network, address, cfg); err != nil {
		s.closeListeners()
		return nil, err
	}
	s.l.own(s)
	if !cfg.noStart {
		s.StartServing()
	}
	return s, nil
}

// CreateUnixServer is [CreateServer] on the Unix socket at path: asyncio's
// loop.create_unix_server.
func CreateUnixServer(ctx context.Context, factory func() Protocol, path string, opts ...NetOption) (*Server, error) {
	return CreateServer(ctx, factory, "unix", path, opts...)
}

func (s *Server) listen(ctx context.Context, network, address string, cfg netConfig) error {
	if cfg.sock != nil {
		fd, err := sock.Dup(cfg.sock)
		if err != nil {
			return err
		}
		return s.addListener(fd)
	}
	addrs, err := resolve(ctx, network, address)
	if err != nil {
		return err
	}
	for _, a := range addrs {
		fd, err := s.bind(a, cfg)
		if err != nil {
			return err
		}
		if err := s.addListener(fd); err != nil {
			return err
		}
	}
	return nil
}

func (s *Server) bind(a net.Addr, cfg netConfig) (int, error) {
	sa, family, err := sock.SockaddrOf(a)
	if err != nil {
		return -1, err
	}
	fd, err := sock.Socket(family, unix.SOCK_STREAM, 0)
	if err != nil {
		return -1, err
	}
	fail := func(err error) (int, error) {
		_ = sock.Close(fd)
		return -1, &net.OpError{Op: "listen", Net: a.Network(), Addr: a, Err: err}
	}
	if family == unix.AF_UNIX {
		path := a.(*net.UnixAddr).Name
		if fi, err := os.Stat(path); err == nil && fi.Mode()&os.ModeSocket != 0 {
			_ = os.Remove(path) // a stale socket of an earlier server
		}
		s.unixPaths = append(s.unixPaths, path)
	} else {
		_ = sock.SetReuseAddr(fd, true)
		if family == unix.AF_INET6 {
			_ = unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_V6ONLY, 1) // one socket per family, as asyncio
		}
	}
	if cfg.reusePort {
		if err := sock.SetReusePort(fd, true); err != nil {
			return fail(err)
		}
	}
	if err := sock.Bind(fd, sa); err != nil {
		return fail(err)
	}
	if err := sock.Listen(fd, cfg.backlog); err != nil {
		return fail(err)
	}
	return fd, nil
}

func (s *Server) addListener(fd int) error {
	w, err := s.l.watch(fd, "server")
	if err != nil {
		_ = sock.Close(fd)
		return err
	}
	ln := &listener{s: s, fd: fd, w: w}
	s.listeners = append(s.listeners, ln)
	if sa, err := unix.Getsockname(fd); err == nil {
		s.addrs = append(s.addrs, sock.AddrOf(sa, unix.SOCK_STREAM))
	}
	return nil
}

// accept takes up to backlog connections, as asyncio does per readiness
// event, so that a flood of connections cannot monopolise the loop.
func (ln *listener) accept() {
	s := ln.s
	for range s.backlog {
		if !s.serving || ln.fd < 0 {
			return
		}
		fd, sa, err := sock.Accept(ln.fd)
		switch {
		case err == unix.EAGAIN:
			ln.w.readable = false
			return
		case err != nil:
			// Out of file descriptors or the like: report it, and stop
			// accepting for a second instead of spinning on the error.
			s.l.handle(ExceptionContext{Message: "socket.accept() out of system resource", Err: err})
			ln.w.onRead = nil
			_, _ = s.l.CallLater(time.Second, func() {
				if ln.fd >= 0 && s.serving {
					ln.w.onRead = ln.accept
					ln.w.queueRead()
				}
			})
			return
		}
		if _, ok := sa.(*unix.SockaddrUnix); !ok {
			_ = sock.SetNoDelay(fd, true)
		}
		s.startConnection(fd)
	}
	ln.w.queueRead() // the backlog's worth was taken: more may be waiting
}

func (s *Server) startConnection(fd int) {
	var p Protocol
	ok := func() (ok bool) {
		defer func() {
			if r := recover(); r != nil {
				s.l.handle(ExceptionContext{Message: "Error in the server's protocol factory", Err: newPanicError(r)})
			}
		}()
		p = s.factory()
		return true
	}()
	if !ok || p == nil {
		_ = sock.Close(fd)
		return
	}
	var tt *tlsTransport
	if s.tlsCfg != nil {
		tt = s.tlsCfg.newTLS(s.l, true, p, "")
		tt.onHandshake = tt.reportHandshake
		p = tt.side
	}
	t, err := newSockTransport(s.l, fd, p, s.connectionLost)
	if err != nil {
		_ = sock.Close(fd)
		if tt != nil {
			s.l.disown(tt)
		}
		s.l.handle(ExceptionContext{Message: "Error starting a server connection", Err: err})
		return
	}
	s.clients[t] = t
	if tt != nil {
		s.clients[t] = tt
	}
}

func (s *Server) connectionLost(t *sockTransport) {
	delete(s.clients, t)
	s.wakeIfDone()
}

func (s *Server) wakeIfDone() {
	if s.closed && len(s.clients)+s.vn.count() == 0 {
		s.waiters.wakeAll()
	}
}

// StartServing makes s accept connections, if it does not yet: asyncio's
// Server.start_serving. It does nothing on a closed server.
func (s *Server) StartServing() error {
	if err := s.l.check(); err != nil {
		return err
	}
	if s.serving || s.closed {
		return nil
	}
	s.serving = true
	s.vn.start()
	for _, ln := range s.listeners {
		ln.w.onRead = ln.accept
		if ln.w.readable {
			ln.w.queueRead()
		}
	}
	return nil
}

// ServeForever accepts connections until the task is cancelled, then closes
// s (its connections go on; see CloseClients): asyncio's
// Server.serve_forever.
// It returns the cancellation; ErrInvalidState if s is closed or another
// ServeForever runs; the misuse errors otherwise.
func (s *Server) ServeForever(ctx context.Context) error {
	if s.closed {
		return invalidState("server %v is closed", s)
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

// Close stops listening: the listening sockets are closed, and connections
// already accepted go on until they end (see CloseClients, AbortClients).
// Closing a closed server does nothing. asyncio's Server.close.
func (s *Server) Close() error {
	if err := s.l.check(); err != nil {
		return err
	}
	if s.closed {
		return nil
	}
	s.closed, s.serving = true, false
	s.closedA.Store(true)
	s.closeListeners()
	s.l.disown(s)
	s.wakeIfDone()
	return nil
}

func (s *Server) closeListeners() {
	s.vn.close()
	for _, ln := range s.listeners {
		if ln.fd >= 0 {
			s.l.unwatch(ln.w)
			_ = sock.Close(ln.fd)
			ln.fd = -1
		}
	}
	for _, p := range s.unixPaths {
		_ = os.Remove(p)
	}
	s.unixPaths = nil
}

// CloseClients closes every connection the server accepted, after it flushes
// its writes: asyncio's Server.close_clients.
func (s *Server) CloseClients() error {
	if err := s.l.check(); err != nil {
		return err
	}
	for _, t := range s.clients {
		_ = t.Close()
	}
	s.vn.closeClients(false)
	return nil
}

// AbortClients aborts every connection the server accepted, dropping unsent
// data: asyncio's Server.abort_clients.
func (s *Server) AbortClients() error {
	if err := s.l.check(); err != nil {
		return err
	}
	for _, t := range s.clients {
		t.Abort()
	}
	s.vn.closeClients(true)
	return nil
}

// WaitClosed suspends the caller until s is closed and every connection it
// accepted has ended: asyncio's Server.wait_closed (3.12 and later). It
// returns at once if both are true already.
func (s *Server) WaitClosed(ctx context.Context) error {
	t, err := runningTask(ctx)
	if err != nil {
		return err
	}
	for !(s.closed && len(s.clients)+s.vn.count() == 0) {
		if _, err := s.waiters.wait(ctx, t.fut.loop, s, "Server", "WaitClosed"); err != nil {
			return err
		}
	}
	return nil
}

// IsServing reports whether s accepts connections: asyncio's
// Server.is_serving.
func (s *Server) IsServing() bool {
	mustOnLoop(s.l, "Server.IsServing")
	return s.serving
}

// Sockets returns the addresses s listens on (asyncio's Server.sockets,
// whose getsockname is what callers want); nil once s is closed. It may be
// called from any goroutine until the server closes.
func (s *Server) Sockets() []net.Addr {
	if s.closedA.Load() {
		return nil
	}
	return s.addrs
}

// Loop returns the loop s runs on.
func (s *Server) Loop() *EventLoop { return s.l }

func (s *Server) String() string {
	mustOnLoop(s.l, "Server.String")
	return fmt.Sprintf("<Server sockets=%v serving=%t>", s.addrs, s.serving)
}

// closeWithLoop closes a server still open when its loop closes, and its
// connections with it.
func (s *Server) closeWithLoop() {
	s.closed, s.serving = true, false
	s.closedA.Store(true)
	s.closeListeners()
}

// newNetServer makes the Server of a listening address on the loop's
// Network.
func newNetServer(l *EventLoop, v *netServer) *Server {
	s := &Server{l: l, vn: v, addrs: []net.Addr{v.addr}}
	v.onIdle = s.wakeIfDone
	return s
}
