package poll

import (
	"testing"
	"time"
)

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
