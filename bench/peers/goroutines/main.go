// Command goroutines is the plain-Go peer of the cross-runtime benchmarks:
// the workloads written with goroutines and channels, as a Go programmer
// would write them without asyncio-go. bench/run runs it with GOMAXPROCS=1
// (go-gmp1) and with the default (go-default).
//
// Usage: goroutines switch|pingpong|spawn|sleepers|queue
package main

import (
	"fmt"
	"os"
	"runtime"
	"time"

	"github.com/asyncio-go/asyncio/bench/peers/internal/peer"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: goroutines switch|pingpong|spawn|sleepers|queue")
		os.Exit(2)
	}
	name := "go-default"
	if runtime.GOMAXPROCS(0) == 1 {
		name = "go-gmp1"
	}
	w := os.Args[1]
	s := peer.SizesFor(w)
	r := peer.Result{Runtime: name, Workload: w, N: s.N, Warmup: s.Warmup}
	switch w {
	case "switch":
		r.Value, r.Checksum = switchWorkload(s)
		r.Unit = "ns/switch"
	case "pingpong":
		r.Value, r.Checksum = pingpong(s)
		r.Unit = "ns/roundtrip"
	case "spawn":
		before := peer.StatusKiB("VmRSS")
		r.Value, r.Checksum = spawn(s.N)
		r.Unit, r.RSSBeforeKiB, r.BytesPerTask = "ns/task", before, peer.PerTask(before, s.N)
	case "sleepers":
		ds := peer.Delays(s.N)
		before := peer.StatusKiB("VmRSS")
		r.Value, r.Checksum = sleepers(ds)
		r.Unit, r.RSSBeforeKiB, r.BytesPerTask = "ms beyond longest", before, peer.PerTask(before, s.N)
		r.DelaySum = r.Checksum
	case "queue":
		queue(s.Warmup)
		start := time.Now()
		r.Checksum = queue(s.N)
		r.Value, r.Unit = perOp(time.Since(start), s.N), "ns/item"
	}
	peer.Emit(r)
}

func perOp(d time.Duration, n int) float64 { return float64(d.Nanoseconds()) / float64(n) }

func switchWorkload(s peer.Sizes) (float64, int64) {
	type out struct {
		ns    float64
		count int64
	}
	done := make(chan out)
	go func() {
		for range s.Warmup {
			runtime.Gosched()
		}
		start := time.Now()
		var count int64
		for range s.N {
			runtime.Gosched()
			count++
		}
		done <- out{perOp(time.Since(start), s.N), count}
	}()
	o := <-done
	return o.ns, o.count
}

func pingpong(s peer.Sizes) (float64, int64) {
	toA, toB := make(chan int), make(chan int)
	go func() {
		for v := range toB {
			toA <- v + 1
		}
	}()
	defer close(toB)
	v := 0
	var start time.Time
	for i := range s.Warmup + s.N {
		if i == s.Warmup {
			start = time.Now()
		}
		toB <- v
		v = <-toA
	}
	return perOp(time.Since(start), s.N), int64(v)
}

func spawn(n int) (float64, int64) {
	start := time.Now()
	results := make(chan int, n)
	for i := range n {
		go func() { results <- i * 2 }()
	}
	var sum int64
	for range n {
		sum += int64(<-results)
	}
	return perOp(time.Since(start), n), sum
}

func sleepers(ds []int) (float64, int64) {
	longest := 0
	for _, d := range ds {
		longest = max(longest, d)
	}
	start := time.Now()
	results := make(chan int, len(ds))
	for _, d := range ds {
		go func() {
			time.Sleep(time.Duration(d) * time.Millisecond)
			results <- d
		}()
	}
	var sum int64
	for range ds {
		sum += int64(<-results)
	}
	beyond := time.Since(start) - time.Duration(longest)*time.Millisecond
	return float64(beyond.Nanoseconds()) / 1e6, sum
}

// queue counts n items instead of waiting for a close, so that no runtime
// pays for a shutdown; the main goroutine waits for both sides.
func queue(n int) int64 {
	ch := make(chan int, 100)
	produced := make(chan struct{})
	go func() {
		for i := range n {
			ch <- i
		}
		close(produced)
	}()
	sum := make(chan int64)
	go func() {
		var s int64
		for range n {
			s += int64(<-ch)
		}
		sum <- s
	}()
	<-produced
	return <-sum
}
