//go:build linux && (amd64 || arm64)

package sock

import (
	"net"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// recvmsg is recvmsgRaw, or under the race detector recvmsgPortable (see
// race.go).
func recvmsg(fd int, b []byte, wantAddr bool) (int, int, net.Addr, error) {
	if raceEnabled {
		return recvmsgPortable(fd, b, wantAddr)
	}
	return recvmsgRaw(fd, b, wantAddr)
}

// recvmsgRaw is one raw recvmsg: the count (the whole length, with
// MSG_TRUNC), msg_flags, the sender if wantAddr, and the errno. The
// message header and the address buffer stay on the stack.
func recvmsgRaw(fd int, b []byte, wantAddr bool) (int, int, net.Addr, error) {
	var rsa unix.RawSockaddrAny
	var iov unix.Iovec
	if len(b) > 0 {
		iov.Base = &b[0]
	} else {
		iov.Base = &zero
	}
	iov.SetLen(len(b))
	var msg unix.Msghdr
	if wantAddr {
		msg.Name = (*byte)(unsafe.Pointer(&rsa))
		msg.Namelen = unix.SizeofSockaddrAny
	}
	msg.Iov = &iov
	msg.SetIovlen(1)
	r, _, e := syscall.RawSyscall(unix.SYS_RECVMSG, uintptr(fd), uintptr(unsafe.Pointer(&msg)), uintptr(recvFlags))
	if e != 0 {
		return 0, 0, nil, e
	}
	var from net.Addr
	if wantAddr {
		from = addrOfRaw(&rsa, int(msg.Namelen))
	}
	return int(r), int(msg.Flags), from, nil
}

// udpAddrBox holds a UDP address and its IP in one allocation.
type udpAddrBox struct {
	a  net.UDPAddr
	ip [net.IPv6len]byte
}

// addrOfRaw converts the first namelen bytes of rsa, as recvmsg filled
// them, to a net.Addr, as AddrOf does for a datagram socket.
func addrOfRaw(rsa *unix.RawSockaddrAny, namelen int) net.Addr {
	switch rsa.Addr.Family {
	case unix.AF_INET:
		pp := (*unix.RawSockaddrInet4)(unsafe.Pointer(rsa))
		box := new(udpAddrBox)
		box.ip[10], box.ip[11] = 0xff, 0xff // the 16-byte form, as net.IPv4 makes it
		copy(box.ip[12:], pp.Addr[:])
		box.a = net.UDPAddr{IP: box.ip[:], Port: rawPort(&pp.Port)}
		return &box.a
	case unix.AF_INET6:
		pp := (*unix.RawSockaddrInet6)(unsafe.Pointer(rsa))
		if pp.Scope_id != 0 { // a zone to name: rare, and AddrOf knows how
			return AddrOf(&unix.SockaddrInet6{Port: rawPort(&pp.Port), ZoneId: pp.Scope_id, Addr: pp.Addr}, unix.SOCK_DGRAM)
		}
		box := new(udpAddrBox)
		copy(box.ip[:], pp.Addr[:])
		box.a = net.UDPAddr{IP: box.ip[:], Port: rawPort(&pp.Port)}
		return &box.a
	case unix.AF_UNIX:
		pp := (*unix.RawSockaddrUnix)(unsafe.Pointer(rsa))
		n := min(namelen-int(unsafe.Offsetof(pp.Path)), len(pp.Path))
		if n <= 0 {
			return nil // unnamed
		}
		path := (*[len(pp.Path)]byte)(unsafe.Pointer(&pp.Path))[:n]
		var name string
		if path[0] == 0 { // abstract: spelled with a leading "@", as x/sys does
			if n == 1 {
				return nil
			}
			name = "@" + string(path[1:])
		} else {
			for i, c := range path {
				if c == 0 {
					path = path[:i]
					break
				}
			}
			name = string(path)
		}
		return &net.UnixAddr{Name: name, Net: "unixgram"}
	}
	return nil
}

// rawPort reads a port in network byte order.
func rawPort(p *uint16) int {
	b := (*[2]byte)(unsafe.Pointer(p))
	return int(b[0])<<8 | int(b[1])
}
