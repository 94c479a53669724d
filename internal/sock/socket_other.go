//go:build unix && !linux

package sock

import (
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// Socket creates a non-blocking, close-on-exec socket. Without
// SOCK_CLOEXEC the flag is set after creation under syscall.ForkLock, so
// that no fork in another goroutine inherits the fd in between.
func Socket(domain, typ, proto int) (int, error) {
	syscall.ForkLock.RLock()
	fd, err := unix.Socket(domain, typ, proto)
	if err == nil {
		unix.CloseOnExec(fd)
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return -1, os.NewSyscallError("socket", err)
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		return -1, os.NewSyscallError("fcntl", err)
	}
	return fd, nil
}

// Accept takes a pending connection from the non-blocking listener fd and
// returns it non-blocking and close-on-exec, with the peer's address. It
// returns unix.EAGAIN itself when none is pending, and skips connections
// reset before they were accepted (ECONNABORTED), as package net does.
func Accept(fd int) (int, unix.Sockaddr, error) {
	for {
		syscall.ForkLock.RLock()
		nfd, sa, err := unix.Accept(fd)
		if err == nil {
			unix.CloseOnExec(nfd)
		}
		syscall.ForkLock.RUnlock()
		switch err {
		case nil:
			if err := unix.SetNonblock(nfd, true); err != nil {
				unix.Close(nfd)
				return -1, nil, os.NewSyscallError("fcntl", err)
			}
			return nfd, sa, nil
		case unix.EINTR, unix.ECONNABORTED:
			continue
		case unix.EAGAIN:
			return -1, nil, errAgain
		}
		return -1, nil, os.NewSyscallError("accept", err)
	}
}
