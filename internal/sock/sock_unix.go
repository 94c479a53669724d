//go:build unix

package sock

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// Connect starts connecting the non-blocking socket fd to sa. It returns
// nil if the connection was made at once (as on loopback, sometimes), and
// unix.EINPROGRESS itself while it is under way; then wait until fd is
// writable and call [SocketError] for the outcome. An interrupted connect
// (EINTR) or one already under way (EALREADY) also proceeds in the
// background and reports unix.EINPROGRESS.
func Connect(fd int, sa unix.Sockaddr) error {
	switch err := unix.Connect(fd, sa); err {
	case nil, unix.EISCONN:
		return nil
	case unix.EINPROGRESS, unix.EALREADY, unix.EINTR:
		return unix.EINPROGRESS
	default:
		return os.NewSyscallError("connect", err)
	}
}

// SocketError returns the error pending on fd (SO_ERROR), which clears it:
// after a Connect that returned unix.EINPROGRESS and a writable fd, nil
// means connected. The error names connect, the call it completes, and
// matches its errno (for example syscall.ECONNREFUSED).
func SocketError(fd int) error {
	v, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR)
	if err != nil {
		return os.NewSyscallError("getsockopt", err)
	}
	if v != 0 {
		return os.NewSyscallError("connect", syscall.Errno(v))
	}
	return nil
}

// Bind binds fd to sa.
func Bind(fd int, sa unix.Sockaddr) error {
	return os.NewSyscallError("bind", unix.Bind(fd, sa))
}

// Listen marks fd as accepting connections, with backlog pending ones at
// most (the kernel caps it at net.core.somaxconn on Linux).
func Listen(fd, backlog int) error {
	return os.NewSyscallError("listen", unix.Listen(fd, backlog))
}

// Shutdown shuts down part of a full-duplex connection: unix.SHUT_WR sends
// EOF to the peer while reading goes on (a transport's WriteEOF).
func Shutdown(fd, how int) error {
	return os.NewSyscallError("shutdown", unix.Shutdown(fd, how))
}

// Close closes fd. It is not retried on EINTR: on Linux the fd is released
// whatever close returns, and retrying could close an fd another goroutine
// has just been given.
func Close(fd int) error {
	return os.NewSyscallError("close", unix.Close(fd))
}

// SetNonblock sets or clears O_NONBLOCK. The flag belongs to the open file
// description, so it also changes every duplicate of fd.
func SetNonblock(fd int, nonblocking bool) error {
	return os.NewSyscallError("fcntl", unix.SetNonblock(fd, nonblocking))
}

// SetNoDelay sets TCP_NODELAY, disabling Nagle's algorithm: a
// request/response protocol wants each write sent at once.
func SetNoDelay(fd int, on bool) error {
	return setBool(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, on)
}

// SetReuseAddr sets SO_REUSEADDR, so that a server can bind its port again
// while old connections linger in TIME_WAIT.
func SetReuseAddr(fd int, on bool) error {
	return setBool(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, on)
}

// SetReusePort sets SO_REUSEPORT, so that several sockets (one per loop,
// one loop per core) can bind the same address and the kernel spreads
// incoming connections among them. Set it before Bind.
func SetReusePort(fd int, on bool) error {
	return setBool(fd, unix.SOL_SOCKET, unix.SO_REUSEPORT, on)
}

func setBool(fd, level, opt int, on bool) error {
	v := 0
	if on {
		v = 1
	}
	return os.NewSyscallError("setsockopt", unix.SetsockoptInt(fd, level, opt, v))
}

// Dup returns a duplicate of the fd that c holds, close-on-exec and in
// non-blocking mode, for the loop to own; c stays open and must be closed
// by its owner. The *net.TCPConn, *net.UnixConn, *net.TCPListener,
// *net.UnixListener and *os.File types implement syscall.Conn.
//
// Non-blocking mode is shared with c's fd. Sockets from package net and
// pipes from os.Pipe are non-blocking already; other files (os.Stdin) are
// switched to non-blocking mode for every user, which their own reads do
// not expect.
func Dup(c syscall.Conn) (int, error) {
	rc, err := c.SyscallConn()
	if err != nil {
		return -1, err
	}
	fd := -1
	var dupErr error
	err = rc.Control(func(s uintptr) {
		fd, dupErr = unix.FcntlInt(s, unix.F_DUPFD_CLOEXEC, 0)
	})
	if err != nil {
		return -1, err
	}
	if dupErr != nil {
		return -1, os.NewSyscallError("fcntl", dupErr)
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		return -1, os.NewSyscallError("fcntl", err)
	}
	return fd, nil
}

// errAddr reports an address SockaddrOf cannot convert.
var errAddr = errors.New("sock: unsupported address")

// SockaddrOf converts a *net.TCPAddr, *net.UDPAddr or *net.UnixAddr to the
// socket address and the address family (unix.AF_INET, unix.AF_INET6 or
// unix.AF_UNIX) for Socket, Bind and Connect. An IPv4 address, including
// one written as IPv4-mapped IPv6, becomes AF_INET; a nil IP becomes the
// IPv4 wildcard address. An IPv6 zone is an interface name or index.
func SockaddrOf(addr net.Addr) (unix.Sockaddr, int, error) {
	var ip net.IP
	var port int
	var zone string
	switch a := addr.(type) {
	case *net.TCPAddr:
		ip, port, zone = a.IP, a.Port, a.Zone
	case *net.UDPAddr:
		ip, port, zone = a.IP, a.Port, a.Zone
	case *net.UnixAddr:
		return &unix.SockaddrUnix{Name: a.Name}, unix.AF_UNIX, nil
	default:
		return nil, 0, fmt.Errorf("%w %T", errAddr, addr)
	}
	if port < 0 || port > 0xffff {
		return nil, 0, fmt.Errorf("%w: port %d", errAddr, port)
	}
	if len(ip) == 0 {
		return &unix.SockaddrInet4{Port: port}, unix.AF_INET, nil
	}
	if ip4 := ip.To4(); ip4 != nil && zone == "" {
		sa := &unix.SockaddrInet4{Port: port}
		copy(sa.Addr[:], ip4)
		return sa, unix.AF_INET, nil
	}
	if len(ip) != net.IPv6len {
		return nil, 0, fmt.Errorf("%w: IP %v", errAddr, ip)
	}
	sa := &unix.SockaddrInet6{Port: port}
	copy(sa.Addr[:], ip)
	if zone != "" {
		if ifi, err := net.InterfaceByName(zone); err == nil {
			sa.ZoneId = uint32(ifi.Index)
		} else if n, err := strconv.ParseUint(zone, 10, 32); err == nil {
			sa.ZoneId = uint32(n)
		} else {
			return nil, 0, fmt.Errorf("%w: zone %q", errAddr, zone)
		}
	}
	return sa, unix.AF_INET6, nil
}

// AddrOf converts a socket address, as Accept, Getsockname and Getpeername
// return it, to a net.Addr: a *net.TCPAddr for stream sockets (typ
// unix.SOCK_STREAM) and a *net.UDPAddr otherwise, or a *net.UnixAddr. It
// returns nil for nil or another family.
func AddrOf(sa unix.Sockaddr, typ int) net.Addr {
	var ip net.IP
	var port int
	var zone string
	switch sa := sa.(type) {
	case *unix.SockaddrInet4:
		ip, port = net.IPv4(sa.Addr[0], sa.Addr[1], sa.Addr[2], sa.Addr[3]), sa.Port
	case *unix.SockaddrInet6:
		ip, port = append(net.IP(nil), sa.Addr[:]...), sa.Port
		if sa.ZoneId != 0 {
			if ifi, err := net.InterfaceByIndex(int(sa.ZoneId)); err == nil {
				zone = ifi.Name
			} else {
				zone = strconv.FormatUint(uint64(sa.ZoneId), 10)
			}
		}
	case *unix.SockaddrUnix:
		network := "unix"
		if typ == unix.SOCK_DGRAM {
			network = "unixgram"
		} else if typ == unix.SOCK_SEQPACKET {
			network = "unixpacket"
		}
		return &net.UnixAddr{Name: sa.Name, Net: network}
	default:
		return nil
	}
	if typ == unix.SOCK_STREAM {
		return &net.TCPAddr{IP: ip, Port: port, Zone: zone}
	}
	return &net.UDPAddr{IP: ip, Port: port, Zone: zone}
}
