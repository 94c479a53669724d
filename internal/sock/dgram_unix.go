//go:build unix

package sock

import (
	"os"
	"runtime"

	"golang.org/x/sys/unix"
)

// recvFlags asks Linux to return a datagram's whole length even when it was
// cut to fit the buffer; other systems only flag the cut (msg_flags).
var recvFlags = func() int {
	if runtime.GOOS == "linux" {
		return unix.MSG_TRUNC
	}
	return 0
}()

// RecvFrom receives one datagram from the non-blocking fd into b and returns
// the bytes stored in b, the datagram's whole length, and the sender's
// address (nil where the socket does not say, as for an unnamed Unix
// socket). A datagram longer than b is cut to len(b), the rest dropped by
// the kernel: size is then its whole length where the platform reports it
// (Linux), and -1 where it only reports the cut; otherwise size equals n.
// It returns unix.EAGAIN itself when nothing is waiting, and a pending
// socket error (ECONNREFUSED after an ICMP port unreachable) as an error
// matching its errno.
func RecvFrom(fd int, b []byte) (n, size int, from unix.Sockaddr, err error) {
	for {
		r, _, flags, sa, err := unix.Recvmsg(fd, b, nil, recvFlags)
		switch err {
		case nil:
		case unix.EINTR:
			continue
		case unix.EAGAIN:
			return 0, 0, nil, errAgain
		default:
			return 0, 0, nil, os.NewSyscallError("recvmsg", err)
		}
		if u, ok := sa.(*unix.SockaddrUnix); ok && (u.Name == "" || u.Name == "@") {
			sa = nil // unnamed: x/sys spells an empty path "@"
		}
		n, size = r, r
		switch {
		case r > len(b): // Linux: r is the whole length
			n = len(b)
		case flags&unix.MSG_TRUNC != 0:
			size = -1
		}
		return n, size, sa, nil
	}
}

// SendTo sends b as one datagram to to, or, with to nil, to the peer the
// socket is connected to. It returns unix.EAGAIN itself when the send
// buffer (or, for a Unix socket, the receiver's queue) is full, and other
// failures as errors matching their errno: EMSGSIZE for a datagram too
// long, ECONNREFUSED for a connected socket whose peer refused an earlier
// one.
func SendTo(fd int, b []byte, to unix.Sockaddr) error {
	for {
		var err error
		if to == nil && len(b) > 0 {
			_, err = Write(fd, b)
			if err != nil && err != errAgain {
				return err
			}
		} else {
			_, err = unix.SendmsgN(fd, b, nil, to, 0)
		}
		switch err {
		case nil:
			return nil
		case unix.EINTR:
			continue
		case unix.EAGAIN:
			return errAgain
		}
		return os.NewSyscallError("sendmsg", err)
	}
}

// SetBroadcast sets SO_BROADCAST, which lets a datagram socket send to a
// broadcast address.
func SetBroadcast(fd int, on bool) error {
	return setBool(fd, unix.SOL_SOCKET, unix.SO_BROADCAST, on)
}

// Type returns the type of the socket fd: unix.SOCK_STREAM, unix.SOCK_DGRAM...
func Type(fd int) (int, error) {
	t, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_TYPE)
	return t, os.NewSyscallError("getsockopt", err)
}
