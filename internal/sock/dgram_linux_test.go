//go:build linux && (amd64 || arm64)

package sock

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// dgramSocket returns a non-blocking datagram socket of family bound to sa
// (nil: unbound), closed when the test ends.
func dgramSocket(t *testing.T, family int, sa unix.Sockaddr) int {
	t.Helper()
	fd, err := Socket(family, unix.SOCK_DGRAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	if sa != nil {
		if err := Bind(fd, sa); err != nil {
			t.Skipf("bind %v: %v", sa, err)
		}
	}
	return fd
}

// recvImpls are the two ways to receive: both must agree.
var recvImpls = map[string]func(fd int, b []byte, wantAddr bool) (int, int, net.Addr, error){
	"raw":      recvmsgRaw,
	"portable": recvmsgPortable,
}

func TestRecvmsgSenderAddresses(t *testing.T) {
	for impl, recv := range recvImpls {
		dir := t.TempDir()
		abstract := fmt.Sprintf("@asyncio-sock-test-%d-%s", os.Getpid(), impl)
		cases := []struct {
			name       string
			family     int
			recv, send unix.Sockaddr // send nil: an unbound sender
			want       string        // the sender as String gives it; "" for nil, "?" for the sender's own name
		}{
			{"udp4", unix.AF_INET, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}, "?"},
			{"udp6", unix.AF_INET6, &unix.SockaddrInet6{Addr: [16]byte{15: 1}}, &unix.SockaddrInet6{Addr: [16]byte{15: 1}}, "?"},
			{"unixgram named", unix.AF_UNIX, &unix.SockaddrUnix{Name: filepath.Join(dir, "r1")}, &unix.SockaddrUnix{Name: filepath.Join(dir, "s1")}, filepath.Join(dir, "s1")},
			{"unixgram abstract", unix.AF_UNIX, &unix.SockaddrUnix{Name: filepath.Join(dir, "r2")}, &unix.SockaddrUnix{Name: abstract}, abstract},
			{"unixgram unnamed", unix.AF_UNIX, &unix.SockaddrUnix{Name: filepath.Join(dir, "r3")}, nil, ""},
		}
		for _, c := range cases {
			t.Run(c.name+"/"+impl, func(t *testing.T) {
				r := dgramSocket(t, c.family, c.recv)
				s := dgramSocket(t, c.family, c.send)
				rsa, err := unix.Getsockname(r)
				if err != nil {
					t.Fatal(err)
				}
				want := c.want
				if want == "?" {
					ssa, err := unix.Getsockname(s)
					if err != nil {
						t.Fatal(err)
					}
					want = AddrOf(ssa, unix.SOCK_DGRAM).String()
				}
				if err := SendTo(s, []byte("hello"), rsa); err != nil {
					t.Fatal(err)
				}
				buf := make([]byte, 64)
				n, _, from, err := recv(r, buf, true)
				if err != nil || string(buf[:n]) != "hello" {
					t.Fatalf("got %q, %v", buf[:n], err)
				}
				got := ""
				if from != nil {
					got = from.String()
				}
				if got != want {
					t.Errorf("sender %q, want %q", got, want)
				}
				if _, _, _, err := recv(r, buf, true); err != unix.EAGAIN {
					t.Errorf("an empty socket: %v, want EAGAIN", err)
				}
			})
		}
	}
}

func TestRecvFromReportsTruncation(t *testing.T) {
	r := dgramSocket(t, unix.AF_INET, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}})
	s := dgramSocket(t, unix.AF_INET, nil)
	rsa, err := unix.Getsockname(r)
	if err != nil {
		t.Fatal(err)
	}
	for impl, recv := range recvImpls {
		if err := SendTo(s, make([]byte, 1000), rsa); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 100)
		got, _, _, err := recv(r, buf, false)
		if err != nil || got != 1000 {
			t.Errorf("%s: recvmsg of 1000 bytes into 100 returned %d, %v; want the whole length", impl, got, err)
		}
	}
	if err := SendTo(s, make([]byte, 1000), rsa); err != nil {
		t.Fatal(err)
	}
	n, size, _, err := RecvFrom(r, make([]byte, 100), true)
	if n != 100 || size != 1000 || err != nil {
		t.Errorf("RecvFrom: %d of %d, %v; want 100 of 1000", n, size, err)
	}
}

// A connected receive, with no address wanted, allocates nothing.
func TestRecvmsgRawAllocatesNothingWithoutAddress(t *testing.T) {
	r := dgramSocket(t, unix.AF_INET, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}})
	s := dgramSocket(t, unix.AF_INET, nil)
	rsa, err := unix.Getsockname(r)
	if err != nil {
		t.Fatal(err)
	}
	msg, buf := []byte("x"), make([]byte, 16)
	allocs := testing.AllocsPerRun(100, func() {
		if err := SendTo(s, msg, rsa); err != nil {
			t.Fatal(err)
		}
		if _, _, _, err := recvmsgRaw(r, buf, false); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 1 { // the sockaddr SendTo converts; the receive itself: 0
		t.Errorf("%.1f allocations per datagram", allocs)
	}
	if errno, ok := SendTo(-1, msg, rsa).(*os.SyscallError); !ok || errno.Err != syscall.EBADF {
		t.Errorf("SendTo on a bad fd: %v", errno)
	}
}
