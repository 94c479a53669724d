//go:build linux

// Command noise measures host noise: on each CPU in turn, one thread pinned
// there spins on the monotonic clock, and every gap over 100 µs between two
// readings counts as time the CPU was taken away (by the host's scheduler on
// a VM, or by another process). It prints one JSON line per CPU.
//
// Usage: noise -spin 1.5s -pass 1 -when start
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"time"

	"golang.org/x/sys/unix"
)

type probe struct {
	Kind    string  `json:"kind"`
	Pass    int     `json:"pass"`
	When    string  `json:"when"`
	CPU     int     `json:"cpu"`
	SpinS   float64 `json:"spin_s"`
	LostMS  float64 `json:"lost_ms"`
	LostPct float64 `json:"lost_pct"`
	Gaps    int     `json:"gaps"`
}

func main() {
	spin := flag.Duration("spin", 1500*time.Millisecond, "spin time per CPU")
	pass := flag.Int("pass", 0, "pass number for the result lines")
	when := flag.String("when", "", "start or end of the pass")
	flag.Parse()
	for cpu := range runtime.NumCPU() {
		p, err := spinOn(cpu, *spin)
		if err != nil {
			fmt.Fprintln(os.Stderr, "noise:", err)
			os.Exit(1)
		}
		p.Pass, p.When = *pass, *when
		b, _ := json.Marshal(p)
		fmt.Println(string(b))
	}
}

// spinOn runs on a fresh locked thread so that pinning it leaves the main
// thread's affinity alone; the thread exits with the goroutine.
func spinOn(cpu int, spin time.Duration) (probe, error) {
	type out struct {
		p   probe
		err error
	}
	ch := make(chan out)
	go func() {
		runtime.LockOSThread()
		var set unix.CPUSet
		set.Set(cpu)
		if err := unix.SchedSetaffinity(0, &set); err != nil {
			ch <- out{err: err}
			return
		}
		const gap = 100 * time.Microsecond
		var lost time.Duration
		gaps := 0
		start := time.Now()
		last := start
		for {
			now := time.Now()
			if d := now.Sub(last); d > gap {
				lost += d
				gaps++
			}
			last = now
			if now.Sub(start) >= spin {
				break
			}
		}
		total := last.Sub(start)
		ch <- out{p: probe{Kind: "noise", CPU: cpu, SpinS: total.Seconds(), Gaps: gaps,
			LostMS: float64(lost.Microseconds()) / 1e3, LostPct: 100 * lost.Seconds() / total.Seconds()}}
	}()
	o := <-ch
	return o.p, o.err
}
