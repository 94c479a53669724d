package asyncio_test

import (
	"context"
	"iter"
	"runtime"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
)

// The benchmarks mirror the peer workloads that bench/peers/README.md
// describes, so their figures sit beside CPython's, uvloop's, tokio's and
// Go's own in bench/RESULTS.md.

// BenchmarkIterPullRoundTrip is the floor for a coroutine switch: one bare
// iter.Pull next() and yield round trip per op.
func BenchmarkIterPullRoundTrip(b *testing.B) {
	next, stop := iter.Pull(func(yield func(int) bool) {
		for yield(0) {
		}
	})
	defer stop()
	for b.Loop() {
		next()
	}
}

// BenchmarkChanPingPong is Go's own answer to a future ping-pong: two
// goroutines passing a counter over unbuffered channels, one round trip per op.
func BenchmarkChanPingPong(b *testing.B) {
	ping, pong := make(chan int), make(chan int)
	go func() {
		for v := range ping {
			pong <- v + 1
		}
		close(pong)
	}()
	v := 0
	for b.Loop() {
		ping <- v
		v = <-pong
	}
	close(ping)
	<-pong
}

// BenchmarkSleep0 is workload A: one task yielding to the loop, Sleep(ctx, 0)
// per op.
func BenchmarkSleep0(b *testing.B) {
	err := asyncio.Run(func(ctx context.Context) error {
		for b.Loop() {
			if err := asyncio.Sleep(ctx, 0); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkFuturePingPong is workload B: two tasks pass a counter back and
// forth through two fresh futures per round trip, one round trip per op.
func BenchmarkFuturePingPong(b *testing.B) {
	err := asyncio.Run(func(ctx context.Context) error {
		loop, _ := asyncio.GetRunningLoop(ctx)
		toA, toB := (*asyncio.Future[int])(nil), asyncio.NewFuture[int](loop)
		pong := asyncio.Go(ctx, func(ctx context.Context) error {
			for {
				v, err := toB.Await(ctx)
				if err != nil {
					return err
				}
				toB = asyncio.NewFuture[int](loop)
				toA.SetResult(v + 1)
			}
		})
		v := 0
		for b.Loop() {
			toA = asyncio.NewFuture[int](loop)
			toB.SetResult(v)
			var err error
			if v, err = toA.Await(ctx); err != nil {
				return err
			}
		}
		pong.Cancel()
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkSpawnGather is workload C: create a trivial task and collect its
// result, per op, gathering batches of 1000.
func BenchmarkSpawnGather(b *testing.B) {
	const batch = 1000
	trivial := func(ctx context.Context) (int, error) { return 2, nil }
	err := asyncio.Run(func(ctx context.Context) error {
		aws := make([]asyncio.Awaitable[int], batch)
		b.ReportAllocs()
		for n := 0; n < b.N; n += batch {
			k := min(batch, b.N-n)
			for i := range k {
				aws[i] = asyncio.CreateTask(ctx, trivial)
			}
			vals, err := asyncio.Gather(ctx, aws[:k]...)
			if err != nil {
				return err
			}
			if vals[k-1] != 2 {
				b.Fatalf("got %d", vals[k-1])
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkTimers is workload D on the virtual clock: 100,000 tasks each sleep
// a pseudo-random 0-1000 ms (xorshift32, seed 2463534242, the peers' delays).
// One op is the whole run; it reports the time from the first spawn to the
// last completion per task (the peers' "beyond 1 s", as virtual time takes
// none) and the heap and stack bytes per sleeping task.
func BenchmarkTimers(b *testing.B) {
	const tasks = 100_000
	var perTask float64
	var busy time.Duration
	for b.Loop() {
		err := asyncio.Run(func(ctx context.Context) error {
			var before runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			start := time.Now()
			x := uint32(2463534242)
			aws := make([]asyncio.Awaitable[struct{}], tasks)
			for i := range aws {
				x ^= x << 13
				x ^= x >> 17
				x ^= x << 5
				d := time.Duration(x%1001) * time.Millisecond
				aws[i] = asyncio.Go(ctx, func(ctx context.Context) error { return asyncio.Sleep(ctx, d) })
			}
			if err := asyncio.Sleep(ctx, 0); err != nil { // every task starts and sleeps
				return err
			}
			busy += time.Since(start)
			var during runtime.MemStats
			runtime.ReadMemStats(&during)
			perTask = float64((during.HeapInuse+during.StackInuse)-(before.HeapInuse+before.StackInuse)) / tasks
			start = time.Now()
			_, err := asyncio.Gather(ctx, aws...)
			busy += time.Since(start)
			return err
		}, asyncio.WithVirtualClock())
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(busy.Nanoseconds())/float64(b.N)/tasks, "ns/task")
	b.ReportMetric(float64(busy.Milliseconds())/float64(b.N), "ms/run")
	b.ReportMetric(perTask, "B/task")
}

// BenchmarkTimersFloor is what BenchmarkTimers cannot go below while each
// task has a coroutine goroutine: 100,000 bare iter.Pull coroutines created,
// parked, resumed and ended, with no loop, timers or tasks. One op is the
// whole run.
func BenchmarkTimersFloor(b *testing.B) {
	const coroutines = 100_000
	nexts := make([]func() (struct{}, bool), coroutines)
	for b.Loop() {
		for i := range nexts {
			nexts[i], _ = iter.Pull(func(yield func(struct{}) bool) { yield(struct{}{}) })
			nexts[i]() // start, and park at the yield
		}
		for _, next := range nexts {
			next() // resume: the coroutine returns and its goroutine ends
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/coroutines, "ns/task")
}
