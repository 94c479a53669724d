package sock

import (
	"os"

	"golang.org/x/sys/unix"
)

// Socket creates a non-blocking, close-on-exec socket, atomically: no
// fork in another goroutine can inherit it.
func Socket(domain, typ, proto int) (int, error) {
	fd, err := unix.Socket(domain, typ|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, proto)
	if err != nil {
		return -1, os.NewSyscallError("socket", err)
	}
	return fd, nil
}

// Accept takes a pending connection from the non-blocking listener fd and
// returns it non-blocking and close-on-exec, with the peer's address. It
// returns unix.EAGAIN itself when none is pending, and skips connections
// reset before they were accepted (ECONNABORTED), as package net does.
func Accept(fd int) (int, unix.Sockaddr, error) {
	for {
		nfd, sa, err := unix.Accept4(fd, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
		switch err {
		case nil:
			return nfd, sa, nil
		case unix.EINTR, unix.ECONNABORTED:
			continue
		case unix.EAGAIN:
			return -1, nil, errAgain
		}
		return -1, nil, os.NewSyscallError("accept4", err)
	}
}
