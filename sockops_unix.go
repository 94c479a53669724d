//go:build unix

package asyncio

import (
	"context"
	"errors"
	"fmt"
	"net"

	"github.com/asyncio-go/asyncio/internal/sock"
	"golang.org/x/sys/unix"
)

// The loop's low-level socket awaits (asyncio's loop.sock_* methods) work on
// a non-blocking socket's file descriptor. Each tries the system call first
// and, when it would block, suspends the task until the fd is ready, so that
// the loop goes on running other tasks. None of them consumes or sends
// anything when cancelled while waiting: a cancelled SockRecv leaves the
// data for the next receive.

// SockRecv receives up to n bytes from the socket fd and returns them; an
// empty result means the peer closed its side (EOF). It is asyncio's
// loop.sock_recv; [SockRecvInto] avoids the allocation.
//
// The errors are the system's (matching syscall.ECONNRESET and the like), a
// cancellation, ErrNotInCoroutine where ctx's coroutine is not the caller,
// and an error for a blocking fd or one a transport uses.
func SockRecv(ctx context.Context, fd int, n int) ([]byte, error) {
	buf := make([]byte, n)
	n, err := SockRecvInto(ctx, fd, buf)
	return buf[:n], err
}

// SockRecvInto receives into buf and returns the count, as [SockRecv] does:
// asyncio's loop.sock_recv_into.
func SockRecvInto(ctx context.Context, fd int, buf []byte) (int, error) {
	t, err := sockTask(ctx, fd)
	if err != nil {
		return 0, err
	}
	for {
		n, err := sock.Read(fd, buf)
		if err != unix.EAGAIN {
			return n, err
		}
		if err := awaitFD(ctx, t, fd, false); err != nil {
			return 0, err
		}
	}
}

// SockSendall sends all of data on the socket fd, suspending while the
// socket's send buffer is full: asyncio's loop.sock_sendall. If the task is
// cancelled while it waits, part of data may have been sent already; the
// error does not say how much, as asyncio's does not. The misuse errors are
// those of [SockRecv].
func SockSendall(ctx context.Context, fd int, data []byte) error {
	t, err := sockTask(ctx, fd)
	if err != nil {
		return err
	}
	for len(data) > 0 {
		n, err := sock.Write(fd, data)
		switch {
		case err == unix.EAGAIN:
			if err := awaitFD(ctx, t, fd, true); err != nil {
				return err
			}
		case err != nil:
			return err
		default:
			data = data[n:]
		}
	}
	return nil
}

// SockAccept accepts a connection on the listening socket fd and returns the
// new connection's fd (non-blocking, close-on-exec; the caller owns it) and
// the peer's address: asyncio's loop.sock_accept. The misuse errors are
// those of [SockRecv].
func SockAccept(ctx context.Context, fd int) (int, net.Addr, error) {
	t, err := sockTask(ctx, fd)
	if err != nil {
		return -1, nil, err
	}
	for {
		nfd, sa, err := sock.Accept(fd)
		if err == nil {
			return nfd, sock.AddrOf(sa, unix.SOCK_STREAM), nil
		}
		if err != unix.EAGAIN {
			return -1, nil, err
		}
		if err := awaitFD(ctx, t, fd, false); err != nil {
			return -1, nil, err
		}
	}
}

// SockConnect connects the socket fd to addr (a *net.TCPAddr, *net.UDPAddr
// or *net.UnixAddr), suspending until the connection is made or fails:
// asyncio's loop.sock_connect. A refused connection returns an error
// matching syscall.ECONNREFUSED. The misuse errors are those of [SockRecv].
func SockConnect(ctx context.Context, fd int, addr net.Addr) error {
	t, err := sockTask(ctx, fd)
	if err != nil {
		return err
	}
	sa, _, err := sock.SockaddrOf(addr)
	if err != nil {
		return err
	}
	return connectFD(ctx, t, fd, sa)
}

// connectFD starts a non-blocking connect and waits for its outcome.
func connectFD(ctx context.Context, t *taskCore, fd int, sa unix.Sockaddr) error {
	switch err := sock.Connect(fd, sa); err {
	case nil:
		return nil
	case unix.EINPROGRESS:
	default:
		return err
	}
	if err := awaitFD(ctx, t, fd, true); err != nil {
		return err
	}
	return sock.SocketError(fd)
}

// sockTask returns the running task of ctx, refusing an fd in blocking mode:
// a system call on it would block the whole loop.
func sockTask(ctx context.Context, fd int) (*taskCore, error) {
	t, err := runningTask(ctx)
	if err != nil {
		return nil, err
	}
	fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
	if err != nil {
		return nil, fmt.Errorf("asyncio: file descriptor %d: %w", fd, err)
	}
	if fl&unix.O_NONBLOCK == 0 {
		return nil, fmt.Errorf("asyncio: file descriptor %d is in blocking mode: %w", fd, errBlockingFD)
	}
	return t, nil
}

var errBlockingFD = errors.New("the loop's socket operations need a non-blocking socket")

// fdReady is what a task awaits while waiting for an fd.
type fdReady struct {
	futureCore
	fd    int
	write bool
}

func (r *fdReady) ready() {
	if r.state == statePending {
		r.complete(stateFinished, nil)
	}
}

// awaitFD suspends task t until fd is ready for reading (or writing). The fd
// is watched only for the wait, as asyncio adds and removes a reader around
// each sock_recv.
func awaitFD(ctx context.Context, t *taskCore, fd int, write bool) error {
	l := t.fut.loop
	w, err := l.watch(fd, "socket operation")
	if err != nil {
		return err
	}
	defer l.unwatch(w)
	r := &fdReady{futureCore: futureCore{loop: l}, fd: fd, write: write}
	if write {
		w.onWrite = r.ready
	} else {
		w.onRead = r.ready
	}
	if err := await(ctx, r); err != nil {
		return err
	}
	return r.err() // the cancellation, if the task was cancelled while it waited
}
