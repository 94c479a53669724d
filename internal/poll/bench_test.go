//go:build unix

package poll

import (
	"sync/atomic"
	"testing"
	"time"
)

// waker is what the round-trip benchmark needs of a backend: the suite's
// backends, plus on Linux a reference loop that blocks in epoll_wait.
type waker interface {
	Wait(timeout time.Duration, fn func(uint64, Events)) (int, error)
	Wake()
	Close() error
}

// BenchmarkWakeRoundTrip measures what decides the backend's design: the
// loop hands a job to an ordinary goroutine, goes idle in Wait(-1), and the
// goroutine answers and calls Wake. One op is one round trip. Run it with
// -cpu 1,2: at GOMAXPROCS=1 a loop that holds its P while idle makes the
// worker wait for sysmon.
func BenchmarkWakeRoundTrip(b *testing.B) {
	cases := []struct {
		name string
		open func() (waker, error)
	}{}
	for _, bc := range backends {
		cases = append(cases, struct {
			name string
			open func() (waker, error)
		}{bc.name, func() (waker, error) { return bc.open() }})
	}
	cases = append(cases, referenceWakers...)
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			p, err := c.open()
			if err != nil {
				b.Fatal(err)
			}
			defer p.Close()
			jobs := make(chan int64)
			var answer atomic.Int64
			answer.Store(-1)
			done := make(chan struct{})
			go func() {
				defer close(done)
				for j := range jobs {
					answer.Store(j)
					p.Wake()
				}
			}()
			noop := func(uint64, Events) {}
			var i int64
			for b.Loop() {
				jobs <- i
				for answer.Load() != i {
					if _, err := p.Wait(-1, noop); err != nil {
						b.Fatal(err)
					}
				}
				i++
			}
			close(jobs)
			<-done
		})
	}
}

// BenchmarkWait0Idle32 measures one non-blocking look with 32 idle sockets
// registered: what a loop with I/O pays each time it polls between tasks.
func BenchmarkWait0Idle32(b *testing.B) {
	for _, bc := range backends {
		b.Run(bc.name, func(b *testing.B) {
			p, err := bc.open()
			if err != nil {
				b.Fatal(err)
			}
			defer p.Close()
			for i := range 32 {
				a, _ := socketpair(b)
				if err := p.Register(a, uint64(i)); err != nil {
					b.Fatal(err)
				}
			}
			quiet(b, p, 50*time.Millisecond)
			noop := func(uint64, Events) {}
			for b.Loop() {
				if n, err := p.Wait(0, noop); n != 0 || err != nil {
					b.Fatal(n, err)
				}
			}
		})
	}
}
