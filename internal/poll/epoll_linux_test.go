package poll

import (
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// eventfdWrites reports how many Wakes reached an epoll poller's eventfd
// since it was last drained, leaving the count in place for Wait.
func eventfdWrites(t *testing.T, p api) (uint64, bool) {
	ep, ok := p.(*epoll)
	if !ok {
		return 0, false
	}
	var n uint64
	buf := (*[8]byte)(unsafe.Pointer(&n))[:]
	if _, err := unix.Read(ep.wakefd, buf); err != nil {
		t.Fatal(err)
	}
	if _, err := unix.Write(ep.wakefd, buf); err != nil {
		t.Fatal(err)
	}
	return n, true
}

// The same, one level down: a park that starts after the edge must find it
// by looking before it sleeps.
func TestEpollParkLooksBeforeSleeping(t *testing.T) {
	p := new(epoll)
	if err := p.open(); err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	a, b := socketpair(t)
	if err := p.Register(a, 1); err != nil {
		t.Fatal(err)
	}
	quiet(t, p, 20*time.Millisecond)
	write(t, b, "x")
	time.Sleep(20 * time.Millisecond)
	start := time.Now()
	if err := p.park(patience); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > time.Second || p.n == 0 {
		t.Fatalf("park returned after %v with %d events", d, p.n)
	}
	p.dispatch(func(uint64, Events) {})
}
