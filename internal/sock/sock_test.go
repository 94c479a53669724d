//go:build unix

package sock

import (
	"bytes"
	"errors"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func socketpair(t *testing.T) (a, b int) {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, fd := range fds {
		unix.CloseOnExec(fd)
		if err := SetNonblock(fd, true); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { unix.Close(fds[0]); unix.Close(fds[1]) })
	return fds[0], fds[1]
}

// waitFor blocks (in poll(2), which is fine in a test) until fd has one of
// the events, or fails the test after a few seconds.
func waitFor(t *testing.T, fd int, events int16) {
	t.Helper()
	fds := []unix.PollFd{{Fd: int32(fd), Events: events}}
	for {
		n, err := unix.Poll(fds, 5000)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			t.Fatalf("fd %d: no event %#x within 5s", fd, events)
		}
		return
	}
}

func checkFlags(t *testing.T, fd int) {
	t.Helper()
	fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
	if err != nil || fl&unix.O_NONBLOCK == 0 {
		t.Errorf("fd %d is not non-blocking (flags %#x, %v)", fd, fl, err)
	}
	fdfl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)
	if err != nil || fdfl&unix.FD_CLOEXEC == 0 {
		t.Errorf("fd %d is not close-on-exec (flags %#x, %v)", fd, fdfl, err)
	}
}

func readAll(t *testing.T, fd int, want int) string {
	t.Helper()
	var got []byte
	buf := make([]byte, 4096)
	for len(got) < want {
		n, err := Read(fd, buf)
		if err == unix.EAGAIN {
			waitFor(t, fd, unix.POLLIN)
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		got = append(got, buf[:n]...)
	}
	return string(got)
}

func TestReadWriteNonblocking(t *testing.T) {
	a, b := socketpair(t)
	buf := make([]byte, 16)
	if _, err := Read(a, buf); err != unix.EAGAIN {
		t.Fatalf("Read of an empty socket: %v, want unix.EAGAIN itself", err)
	}
	if n, err := Write(b, []byte("abc")); n != 3 || err != nil {
		t.Fatalf("Write = %d, %v", n, err)
	}
	if n, err := Read(a, buf); n != 3 || err != nil || string(buf[:3]) != "abc" {
		t.Fatalf("Read = %d, %v, %q", n, err, buf[:n])
	}
	if n, err := Write(b, nil); n != 0 || err != nil {
		t.Errorf("empty Write = %d, %v", n, err)
	}
	unix.Close(b)
	if n, err := Read(a, buf); n != 0 || err != nil {
		t.Errorf("Read at EOF = %d, %v; want 0, nil", n, err)
	}
	_, err := Write(a, []byte("x"))
	var se *os.SyscallError
	if !errors.Is(err, syscall.EPIPE) || !errors.As(err, &se) || se.Syscall != "write" {
		t.Errorf("Write to a closed peer: %v, want write: broken pipe", err)
	}
}

func TestWriteShortWhenBufferFills(t *testing.T) {
	a, _ := socketpair(t)
	chunk := make([]byte, 1<<20)
	n, err := Write(a, chunk)
	if err != nil || n <= 0 || n >= len(chunk) {
		t.Fatalf("Write of 1 MiB = %d, %v; want a short count", n, err)
	}
	if _, err := Write(a, chunk); err != unix.EAGAIN {
		t.Errorf("Write to a full socket: %v, want unix.EAGAIN itself", err)
	}
	if _, err := Writev(a, [][]byte{chunk}); err != unix.EAGAIN {
		t.Errorf("Writev to a full socket: %v, want unix.EAGAIN itself", err)
	}
}

func TestWritevGathers(t *testing.T) {
	a, b := socketpair(t)
	n, err := Writev(a, [][]byte{[]byte("ab"), nil, []byte("cd"), {}, []byte("e")})
	if n != 5 || err != nil {
		t.Fatalf("Writev = %d, %v", n, err)
	}
	if got := readAll(t, b, 5); got != "abcde" {
		t.Errorf("read %q", got)
	}
	if n, err := Writev(a, nil); n != 0 || err != nil {
		t.Errorf("Writev of nothing = %d, %v", n, err)
	}
	// More buffers than the kernel takes: Writev passes the first
	// MaxIovecs and the caller continues from the count.
	many := make([][]byte, MaxIovecs+500)
	for i := range many {
		many[i] = []byte{byte('a' + i%26)}
	}
	// (Under the race detector Writev makes one write per buffer, and a
	// socket's buffer fills sooner with many tiny writes.)
	n, err = Writev(a, many)
	if n <= 0 || n > MaxIovecs || err != nil || !raceEnabled && n != MaxIovecs {
		t.Fatalf("Writev of %d buffers = %d, %v; want %d", len(many), n, err, MaxIovecs)
	}
	got := readAll(t, b, n)
	if want := string(bytes.Join(many[:n], nil)); got != want {
		t.Errorf("read %d bytes out of order", len(got))
	}
}

func TestReadWriteAllocateNothing(t *testing.T) {
	a, b := socketpair(t)
	buf := make([]byte, 64)
	bufs := [][]byte{[]byte("ab"), []byte("cd"), []byte("ef")}
	allocs := testing.AllocsPerRun(100, func() {
		Writev(a, bufs)
		Write(a, buf[:1])
		Read(b, buf)
		Read(b, buf) // EAGAIN
	})
	if allocs != 0 {
		t.Errorf("%v allocations per Writev+Write+Read+EAGAIN Read, want 0", allocs)
	}
}

// listener returns a non-blocking TCP listener on a loopback port.
func listener(t *testing.T) (int, *unix.SockaddrInet4) {
	t.Helper()
	ln, err := Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(ln) })
	checkFlags(t, ln)
	if err := SetReuseAddr(ln, true); err != nil {
		t.Fatal(err)
	}
	if err := Bind(ln, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := Listen(ln, 16); err != nil {
		t.Fatal(err)
	}
	sa, err := unix.Getsockname(ln)
	if err != nil {
		t.Fatal(err)
	}
	return ln, sa.(*unix.SockaddrInet4)
}

func TestConnectAndAcceptOnLoopback(t *testing.T) {
	ln, addr := listener(t)
	if _, _, err := Accept(ln); err != unix.EAGAIN {
		t.Fatalf("Accept with nothing pending: %v, want unix.EAGAIN itself", err)
	}
	c, err := Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(c)
	if err := SetNoDelay(c, true); err != nil {
		t.Fatal(err)
	}
	if err := Connect(c, addr); err != nil && err != unix.EINPROGRESS {
		t.Fatalf("Connect: %v", err)
	}
	waitFor(t, c, unix.POLLOUT)
	if err := SocketError(c); err != nil {
		t.Fatalf("SocketError after connecting: %v", err)
	}
	waitFor(t, ln, unix.POLLIN)
	s, peer, err := Accept(ln)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(s)
	checkFlags(t, s)
	local, _ := unix.Getsockname(c)
	if got, want := AddrOf(peer, unix.SOCK_STREAM).String(), AddrOf(local, unix.SOCK_STREAM).String(); got != want {
		t.Errorf("accepted peer %s, client's own address %s", got, want)
	}
	Write(c, []byte("ping"))
	if got := readAll(t, s, 4); got != "ping" {
		t.Errorf("server read %q", got)
	}
}

func countFds(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd")
	}
	return len(ents)
}

func TestConnectRefusedLeaksNothing(t *testing.T) {
	// A bound socket that does not listen: connecting to its port is
	// refused, and nobody else can take the port meanwhile.
	holder, err := Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(holder)
	if err := Bind(holder, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	sa, _ := unix.Getsockname(holder)
	before := countFds(t)
	c, err := Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	err = Connect(c, sa)
	if err == unix.EINPROGRESS {
		waitFor(t, c, unix.POLLOUT)
		err = SocketError(c)
	}
	if !errors.Is(err, syscall.ECONNREFUSED) || !strings.HasPrefix(err.Error(), "connect: ") {
		t.Errorf("connect to a closed port: %v, want connect: connection refused", err)
	}
	if err := Close(c); err != nil {
		t.Fatal(err)
	}
	if after := countFds(t); after != before {
		t.Errorf("%d fds open, %d before", after, before)
	}
}

func TestShutdownWriteHalfCloses(t *testing.T) {
	a, b := socketpair(t)
	Write(a, []byte("bye"))
	if err := Shutdown(a, unix.SHUT_WR); err != nil {
		t.Fatal(err)
	}
	if got := readAll(t, b, 100); got != "bye" {
		t.Errorf("peer read %q before EOF", got)
	}
	Write(b, []byte("still here"))
	if got := readAll(t, a, 10); got != "still here" {
		t.Errorf("read %q after our shutdown", got)
	}
}

func TestSocketOptions(t *testing.T) {
	fd, err := Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	for _, c := range []struct {
		name       string
		set        func(int, bool) error
		level, opt int
	}{
		{"TCP_NODELAY", SetNoDelay, unix.IPPROTO_TCP, unix.TCP_NODELAY},
		{"SO_REUSEADDR", SetReuseAddr, unix.SOL_SOCKET, unix.SO_REUSEADDR},
		{"SO_REUSEPORT", SetReusePort, unix.SOL_SOCKET, unix.SO_REUSEPORT},
	} {
		for _, on := range []bool{true, false} {
			if err := c.set(fd, on); err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			v, _ := unix.GetsockoptInt(fd, c.level, c.opt)
			if (v != 0) != on {
				t.Errorf("%s set to %v reads %d", c.name, on, v)
			}
		}
	}
	if err := SetNoDelay(-1, true); !errors.Is(err, syscall.EBADF) {
		t.Errorf("SetNoDelay(-1): %v, want EBADF", err)
	}
}

// Two sockets with SO_REUSEPORT share a port: one loop per core.
func TestReusePortSharesAPort(t *testing.T) {
	var port int
	for i := range 2 {
		fd, err := Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer unix.Close(fd)
		SetReusePort(fd, true)
		if err := Bind(fd, &unix.SockaddrInet4{Port: port, Addr: [4]byte{127, 0, 0, 1}}); err != nil {
			t.Fatalf("bind %d: %v", i, err)
		}
		if err := Listen(fd, 4); err != nil {
			t.Fatal(err)
		}
		sa, _ := unix.Getsockname(fd)
		port = sa.(*unix.SockaddrInet4).Port
	}
}

func TestDupAdoptsNetConn(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	client, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	server, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()

	fd, err := Dup(client.(*net.TCPConn))
	if err != nil {
		t.Fatal(err)
	}
	checkFlags(t, fd)
	server.Write([]byte("hi"))
	if got := readAll(t, fd, 2); got != "hi" {
		t.Errorf("read %q through the dup", got)
	}
	local, _ := unix.Getsockname(fd)
	if got := AddrOf(local, unix.SOCK_STREAM).String(); got != client.LocalAddr().String() {
		t.Errorf("dup's address %s, conn's %s", got, client.LocalAddr())
	}
	if err := Close(fd); err != nil {
		t.Fatal(err)
	}
	// The original is untouched.
	if _, err := client.Write([]byte("ok")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 2)
	server.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := server.Read(buf); err != nil || string(buf) != "ok" {
		t.Errorf("original conn after closing the dup: %q, %v", buf, err)
	}
}

func TestDupAdoptsListenerAndFile(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	lfd, err := Dup(ln.(*net.TCPListener))
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(lfd)
	client, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	waitFor(t, lfd, unix.POLLIN)
	s, _, err := Accept(lfd)
	if err != nil {
		t.Fatal(err)
	}
	unix.Close(s)

	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	rfd, err := Dup(r)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(rfd)
	w.Write([]byte("pipe"))
	if got := readAll(t, rfd, 4); got != "pipe" {
		t.Errorf("read %q from a dup'ed pipe", got)
	}
}

func TestSockaddrRoundTrip(t *testing.T) {
	for _, c := range []struct {
		addr   net.Addr
		family int
		typ    int
		want   string
	}{
		{&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 80}, unix.AF_INET, unix.SOCK_STREAM, "127.0.0.1:80"},
		{&net.TCPAddr{IP: net.ParseIP("::1"), Port: 443}, unix.AF_INET6, unix.SOCK_STREAM, "[::1]:443"},
		{&net.TCPAddr{IP: net.ParseIP("::ffff:10.0.0.1"), Port: 1}, unix.AF_INET, unix.SOCK_STREAM, "10.0.0.1:1"},
		{&net.TCPAddr{Port: 8080}, unix.AF_INET, unix.SOCK_STREAM, "0.0.0.0:8080"},
		{&net.TCPAddr{IP: net.ParseIP("fe80::1"), Port: 9, Zone: "1"}, unix.AF_INET6, unix.SOCK_STREAM, ""},
		{&net.UDPAddr{IP: net.IPv4(10, 1, 2, 3), Port: 53}, unix.AF_INET, unix.SOCK_DGRAM, "10.1.2.3:53"},
		{&net.UnixAddr{Name: "/tmp/s", Net: "unix"}, unix.AF_UNIX, unix.SOCK_STREAM, "/tmp/s"},
	} {
		sa, family, err := SockaddrOf(c.addr)
		if err != nil || family != c.family {
			t.Errorf("SockaddrOf(%v) = family %d, %v; want %d", c.addr, family, err, c.family)
			continue
		}
		got := AddrOf(sa, c.typ)
		want := c.want
		if want == "" {
			// A numeric zone comes back as the interface's name.
			want = c.addr.String()
			if ifi, err := net.InterfaceByIndex(1); err == nil {
				want = "[fe80::1%" + ifi.Name + "]:9"
			}
		}
		if got.String() != want || got.Network() != c.addr.Network() {
			t.Errorf("AddrOf(SockaddrOf(%v)) = %s %s, want %s %s", c.addr, got.Network(), got, c.addr.Network(), want)
		}
	}
	for _, bad := range []net.Addr{
		&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 70000},
		&net.IPAddr{IP: net.IPv4(127, 0, 0, 1)},
		&net.TCPAddr{IP: net.IP{1, 2, 3}},
		&net.TCPAddr{IP: net.ParseIP("fe80::1"), Zone: "no-such-interface"},
	} {
		if _, _, err := SockaddrOf(bad); !errors.Is(err, errAddr) {
			t.Errorf("SockaddrOf(%#v): %v, want errAddr", bad, err)
		}
	}
	if AddrOf(nil, unix.SOCK_STREAM) != nil {
		t.Error("AddrOf(nil) is not nil")
	}
}
