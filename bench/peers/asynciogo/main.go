// Command asynciogo is asyncio-go's peer in the cross-runtime benchmarks:
// the workloads written with the library's public API as a user would write
// them, each the counterpart of the CPython asyncio program line for line.
// bench/run runs it with GOMAXPROCS=1 (asyncio-go, the baseline of every
// ratio) and with the default (asyncio-go-default).
//
// Usage: asynciogo switch|pingpong|spawn|sleepers|queue|echo
//
// asyncio-go has no network I/O yet, so echo prints a skip line.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"time"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/bench/peers/internal/peer"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: asynciogo switch|pingpong|spawn|sleepers|queue|echo")
		os.Exit(2)
	}
	name := "asyncio-go-default"
	if runtime.GOMAXPROCS(0) == 1 {
		name = "asyncio-go"
	}
	w := os.Args[1]
	if w == "echo" {
		b, _ := json.Marshal(map[string]string{"runtime": name, "workload": "echo", "skipped": "no network I/O yet"})
		fmt.Println(string(b))
		return
	}
	s := peer.SizesFor(w)
	r := peer.Result{Runtime: name, Workload: w, N: s.N, Warmup: s.Warmup}
	var err error
	switch w {
	case "switch":
		r.Unit = "ns/switch"
		err = asyncio.Run(func(ctx context.Context) error {
			r.Value, r.Checksum, err = switchWorkload(ctx, s)
			return err
		})
	case "pingpong":
		r.Unit = "ns/roundtrip"
		err = asyncio.Run(func(ctx context.Context) error {
			r.Value, r.Checksum, err = pingpong(ctx, s)
			return err
		})
	case "spawn":
		r.Unit = "ns/task"
		err = asyncio.Run(func(ctx context.Context) error {
			r.RSSBeforeKiB = peer.StatusKiB("VmRSS")
			r.Value, r.Checksum, err = spawn(ctx, s.N)
			r.BytesPerTask = peer.PerTask(r.RSSBeforeKiB, s.N)
			return err
		})
	case "sleepers":
		r.Unit = "ms beyond longest"
		ds := peer.Delays(s.N)
		err = asyncio.Run(func(ctx context.Context) error {
			r.RSSBeforeKiB = peer.StatusKiB("VmRSS")
			r.Value, r.Checksum, err = sleepers(ctx, ds)
			r.BytesPerTask = peer.PerTask(r.RSSBeforeKiB, s.N)
			return err
		})
		r.DelaySum = r.Checksum
	case "queue":
		r.Unit = "ns/item"
		err = asyncio.Run(func(ctx context.Context) error {
			if _, err := queue(ctx, s.Warmup); err != nil {
				return err
			}
			start := time.Now()
			r.Checksum, err = queue(ctx, s.N)
			r.Value = perOp(time.Since(start), s.N)
			return err
		})
	default:
		fmt.Fprintf(os.Stderr, "unknown workload %q\n", w)
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "asynciogo:", err)
		os.Exit(1)
	}
	peer.Emit(r)
}

func perOp(d time.Duration, n int) float64 { return float64(d.Nanoseconds()) / float64(n) }

func switchWorkload(ctx context.Context, s peer.Sizes) (float64, int64, error) {
	for range s.Warmup {
		if err := asyncio.Sleep(ctx, 0); err != nil {
			return 0, 0, err
		}
	}
	start := time.Now()
	var count int64
	for range s.N {
		if err := asyncio.Sleep(ctx, 0); err != nil {
			return 0, 0, err
		}
		count++
	}
	return perOp(time.Since(start), s.N), count, nil
}

// pingpong makes two fresh futures per round trip, as the asyncio program
// does with loop.create_future().
func pingpong(ctx context.Context, s peer.Sizes) (float64, int64, error) {
	loop, err := asyncio.GetRunningLoop(ctx)
	if err != nil {
		return 0, 0, err
	}
	var toA *asyncio.Future[int]
	toB := asyncio.NewFuture[int](loop)
	pong := asyncio.CreateTask(ctx, func(ctx context.Context) (struct{}, error) {
		for {
			v, err := toB.Await(ctx)
			if err != nil {
				return struct{}{}, err
			}
			toB = asyncio.NewFuture[int](loop)
			toA.SetResult(v + 1)
		}
	})
	defer pong.Cancel()
	v := 0
	var start time.Time
	for i := range s.Warmup + s.N {
		if i == s.Warmup {
			start = time.Now()
		}
		toA = asyncio.NewFuture[int](loop)
		toB.SetResult(v)
		if v, err = toA.Await(ctx); err != nil {
			return 0, 0, err
		}
	}
	return perOp(time.Since(start), s.N), int64(v), nil
}

func spawn(ctx context.Context, n int) (float64, int64, error) {
	start := time.Now()
	tasks := make([]asyncio.Awaitable[int], n)
	for i := range tasks {
		tasks[i] = asyncio.CreateTask(ctx, func(context.Context) (int, error) { return i * 2, nil })
	}
	vals, err := asyncio.Gather(ctx, tasks...)
	if err != nil {
		return 0, 0, err
	}
	var sum int64
	for _, v := range vals {
		sum += int64(v)
	}
	return perOp(time.Since(start), n), sum, nil
}

func sleepers(ctx context.Context, ds []int) (float64, int64, error) {
	longest := 0
	for _, d := range ds {
		longest = max(longest, d)
	}
	start := time.Now()
	tasks := make([]asyncio.Awaitable[int], len(ds))
	for i, d := range ds {
		tasks[i] = asyncio.CreateTask(ctx, func(ctx context.Context) (int, error) {
			return d, asyncio.Sleep(ctx, time.Duration(d)*time.Millisecond)
		})
	}
	vals, err := asyncio.Gather(ctx, tasks...)
	if err != nil {
		return 0, 0, err
	}
	beyond := time.Since(start) - time.Duration(longest)*time.Millisecond
	var sum int64
	for _, v := range vals {
		sum += int64(v)
	}
	return float64(beyond.Nanoseconds()) / 1e6, sum, nil
}

// queue counts n items instead of waiting for a shutdown, so that no runtime
// pays for one; the main task waits for both sides.
func queue(ctx context.Context, n int) (int64, error) {
	q := asyncio.NewQueue[int](100)
	producer := asyncio.CreateTask(ctx, func(ctx context.Context) (int64, error) {
		for i := range n {
			if err := q.Put(ctx, i); err != nil {
				return 0, err
			}
		}
		return 0, nil
	})
	consumer := asyncio.CreateTask(ctx, func(ctx context.Context) (int64, error) {
		var sum int64
		for range n {
			v, err := q.Get(ctx)
			if err != nil {
				return 0, err
			}
			sum += int64(v)
		}
		return sum, nil
	})
	vals, err := asyncio.Gather[int64](ctx, producer, consumer)
	if err != nil {
		return 0, err
	}
	return vals[1], nil
}
