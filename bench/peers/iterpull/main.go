// Command iterpull measures the floor under asyncio-go's Sleep(0): one bare
// iter.Pull next()/yield round trip, the coroutine switch a task's await is
// built on. It is not a scheduler, so it runs the switch workload only.
//
// Usage: iterpull switch
package main

import (
	"fmt"
	"iter"
	"os"
	"time"

	"github.com/asyncio-go/asyncio/bench/peers/internal/peer"
)

func main() {
	if len(os.Args) != 2 || os.Args[1] != "switch" {
		fmt.Fprintln(os.Stderr, "usage: iterpull switch")
		os.Exit(2)
	}
	s := peer.SizesFor("switch")
	next, stop := iter.Pull(func(yield func(int) bool) {
		for i := 0; yield(i); i++ {
		}
	})
	defer stop()
	for range s.Warmup {
		next()
	}
	start := time.Now()
	var count int64
	for range s.N {
		if _, ok := next(); ok {
			count++
		}
	}
	ns := float64(time.Since(start).Nanoseconds()) / float64(s.N)
	peer.Emit(peer.Result{Runtime: "go-iterpull", Workload: "switch", N: s.N, Warmup: s.Warmup,
		Value: ns, Unit: "ns/switch", Checksum: count})
}
