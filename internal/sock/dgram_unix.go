//go:build unix

package sock

import (
	"net"
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
// the bytes stored in b, the datagram's whole length and, if wantAddr, the
// sender's address: a *net.UDPAddr, a *net.UnixAddr, or nil where the
// socket does not say (an unnamed Unix socket). A datagram longer than b
// is cut to len(b), the rest dropped by the kernel: size is then its whole
// length where the platform reports it (Linux), and -1 where it only
// reports the cut; otherwise size equals n. It returns unix.EAGAIN itself
// when nothing is waiting, and a pending socket error (ECONNREFUSED after
// an ICMP port unreachable) as an error matching its errno.
//
// On linux/amd64 and linux/arm64 it is a raw system call that allocates
// nothing but the address (one allocation for a UDP sender); elsewhere,
// and under the race detector, it goes through x/sys.
func RecvFrom(fd int, b []byte, wantAddr bool) (n, size int, from net.Addr, err error) {
	for {
		r, flags, from, err := recvmsg(fd, b, wantAddr)
		switch err {
		case nil:
		case unix.EINTR:
			continue
		case unix.EAGAIN:
			return 0, 0, nil, errAgain
		default:
			return 0, 0, nil, os.NewSyscallError("recvmsg", err)
		}
		n, size = r, r
		switch {
		case r > len(b): // Linux: r is the whole length
			n = len(b)
		case flags&unix.MSG_TRUNC != 0:
			size = -1
		}
		return n, size, from, nil
	}
}

// recvmsgPortable is one recvmsg through x/sys: the count (the whole
// length on Linux), msg_flags, the sender if wantAddr, and the errno.
func recvmsgPortable(fd int, b []byte, wantAddr bool) (int, int, net.Addr, error) {
	r, _, flags, sa, err := unix.Recvmsg(fd, b, nil, recvFlags)
	if err != nil || !wantAddr || sa == nil {
		return r, flags, nil, err
	}
	if u, ok := sa.(*unix.SockaddrUnix); ok && (u.Name == "" || u.Name == "@") {
		return r, flags, nil, nil // unnamed: x/sys spells an empty path "@"
	}
	return r, flags, AddrOf(sa, unix.SOCK_DGRAM), nil
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
