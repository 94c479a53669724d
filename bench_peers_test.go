package asyncio_test

import (
	"context"
	"iter"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
)

// The BenchmarkPeers pairs run the cross-runtime workloads of bench/peers at
// the peers' sizes, each beside its plain-Go equivalent in the same binary,
// so that one run gives the same-run ratios bench/RESULTS.md reports. Run
// them pinned to one CPU with GOMAXPROCS=1, as the peers are:
//
//	GOMAXPROCS=1 taskset -c 1 go test -run '^$' -bench 'Peers' -count 5 .
//
// The bytes per task are the peers' figure: the growth of the process's
// resident set from before the spawn to its peak, per task (Linux resets
// the peak through /proc/self/clear_refs; elsewhere the metric is left out).

const (
	peersSpawnN    = 200_000
	peersSleepersN = 100_000
)

// BenchmarkPeersSwitch is workload A: one task yielding with Sleep(ctx, 0),
// one switch per op, beside a goroutine's runtime.Gosched and a bare
// iter.Pull round trip.
func BenchmarkPeersSwitch(b *testing.B) {
	b.Run("asyncio", func(b *testing.B) {
		defer startCPU().report(b, 1, "cpu-ns/op")
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
	})
	b.Run("go", func(b *testing.B) {
		defer startCPU().report(b, 1, "cpu-ns/op")
		done := make(chan struct{})
		go func() {
			defer close(done)
			for b.Loop() {
				runtime.Gosched()
			}
		}()
		<-done
	})
	// The floor the Sleep(0) target is stated against: one bare iter.Pull
	// next/yield round trip, measured in the same process.
	b.Run("iterpull", func(b *testing.B) {
		defer startCPU().report(b, 1, "cpu-ns/op")
		next, stop := iter.Pull(func(yield func(int) bool) {
			for yield(0) {
			}
		})
		defer stop()
		for b.Loop() {
			next()
		}
	})
}

// BenchmarkPeersPingPong is workload B: two tasks passing a counter through
// two fresh futures per round trip, one round trip per op; Go's counterpart
// passes it over two unbuffered channels.
func BenchmarkPeersPingPong(b *testing.B) {
	b.Run("asyncio", func(b *testing.B) {
		defer startCPU().report(b, 1, "cpu-ns/op")
		err := asyncio.Run(func(ctx context.Context) error {
			loop, err := asyncio.GetRunningLoop(ctx)
			if err != nil {
				return err
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
					_ = toA.SetResult(v + 1)
				}
			})
			defer pong.Cancel()
			v := 0
			for b.Loop() {
				toA = asyncio.NewFuture[int](loop)
				_ = toB.SetResult(v)
				if v, err = toA.Await(ctx); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	})
	b.Run("go", func(b *testing.B) {
		defer startCPU().report(b, 1, "cpu-ns/op")
		toA, toB := make(chan int), make(chan int)
		go func() {
			for v := range toB {
				toA <- v + 1
			}
		}()
		defer close(toB)
		v := 0
		for b.Loop() {
			toB <- v
			v = <-toA
		}
	})
}

// BenchmarkPeersSpawn200k is workload C: 200,000 tasks that each return i*2,
// gathered and summed; one op is the whole batch. Go's counterpart starts
// 200,000 goroutines and waits for them with a WaitGroup.
func BenchmarkPeersSpawn200k(b *testing.B) {
	const n = peersSpawnN
	want := int64(n) * int64(n-1)
	b.Run("asyncio", func(b *testing.B) {
		var peak peakRSS
		err := asyncio.Run(func(ctx context.Context) error {
			for b.Loop() {
				peak.start(b)
				tasks := make([]asyncio.Awaitable[int], n)
				for i := range tasks {
					tasks[i] = asyncio.CreateTask(ctx, func(context.Context) (int, error) { return i * 2, nil })
				}
				vals, err := asyncio.Gather(ctx, tasks...)
				if err != nil {
					return err
				}
				var sum int64
				for _, v := range vals {
					sum += int64(v)
				}
				if sum != want {
					b.Fatalf("sum %d, want %d", sum, want)
				}
				peak.stop(b)
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		reportPerTask(b, n, &peak)
	})
	b.Run("go", func(b *testing.B) {
		var peak peakRSS
		for b.Loop() {
			peak.start(b)
			results := make([]int, n)
			var wg sync.WaitGroup
			wg.Add(n)
			for i := range n {
				go func() {
					results[i] = i * 2
					wg.Done()
				}()
			}
			wg.Wait()
			var sum int64
			for _, v := range results {
				sum += int64(v)
			}
			if sum != want {
				b.Fatalf("sum %d, want %d", sum, want)
			}
			peak.stop(b)
		}
		reportPerTask(b, n, &peak)
	})
}

// BenchmarkPeersSleepers100kRealClock is workload D: 100,000 tasks each
// sleeping the peers' pseudo-random 0-1000 ms on the real clock, gathered;
// one op is the whole batch, and ms-beyond is its wall time minus the longest
// delay. Go's counterpart is 100,000 goroutines in time.Sleep.
func BenchmarkPeersSleepers100kRealClock(b *testing.B) {
	ds := peersDelays(peersSleepersN)
	longest := time.Duration(0)
	for _, d := range ds {
		longest = max(longest, d)
	}
	report := func(b *testing.B, beyond time.Duration, peak *peakRSS) {
		b.ReportMetric(float64(beyond.Milliseconds())/float64(b.N), "ms-beyond")
		if peak.cpuOK {
			b.ReportMetric(float64(peak.cpu.Milliseconds())/float64(b.N), "cpu-ms")
		}
		reportBytes(b, len(ds), peak)
	}
	b.Run("asyncio", func(b *testing.B) {
		var peak peakRSS
		var beyond time.Duration
		err := asyncio.Run(func(ctx context.Context) error {
			for b.Loop() {
				peak.start(b)
				start := time.Now()
				tasks := make([]asyncio.Awaitable[time.Duration], len(ds))
				for i, d := range ds {
					tasks[i] = asyncio.CreateTask(ctx, func(ctx context.Context) (time.Duration, error) {
						return d, asyncio.Sleep(ctx, d)
					})
				}
				if _, err := asyncio.Gather(ctx, tasks...); err != nil {
					return err
				}
				beyond += time.Since(start) - longest
				peak.stop(b)
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		report(b, beyond, &peak)
	})
	b.Run("go", func(b *testing.B) {
		var peak peakRSS
		var beyond time.Duration
		for b.Loop() {
			peak.start(b)
			start := time.Now()
			var wg sync.WaitGroup
			wg.Add(len(ds))
			for _, d := range ds {
				go func() {
					time.Sleep(d)
					wg.Done()
				}()
			}
			wg.Wait()
			beyond += time.Since(start) - longest
			peak.stop(b)
		}
		report(b, beyond, &peak)
	})
}

// BenchmarkPeersQueue1M is workload F: a producer task puts integers into a
// Queue of capacity 100 and a consumer task takes them; one op is one item
// (the peers pass 1,000,000). Go's counterpart is a channel of capacity 100
// between two goroutines.
func BenchmarkPeersQueue1M(b *testing.B) {
	b.Run("asyncio", func(b *testing.B) {
		defer startCPU().report(b, 1, "cpu-ns/op")
		err := asyncio.Run(func(ctx context.Context) error {
			n := b.N
			q := asyncio.NewQueue[int](100)
			b.ResetTimer()
			producer := asyncio.Go(ctx, func(ctx context.Context) error {
				for i := range n {
					if err := q.Put(ctx, i); err != nil {
						return err
					}
				}
				return nil
			})
			consumer := asyncio.Go(ctx, func(ctx context.Context) error {
				for range n {
					if _, err := q.Get(ctx); err != nil {
						return err
					}
				}
				return nil
			})
			_, err := asyncio.Gather[struct{}](ctx, producer, consumer)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	})
	b.Run("go", func(b *testing.B) {
		defer startCPU().report(b, 1, "cpu-ns/op")
		n := b.N
		ch := make(chan int, 100)
		done := make(chan struct{})
		b.ResetTimer()
		go func() {
			for i := range n {
				ch <- i
			}
		}()
		go func() {
			for range n {
				<-ch
			}
			close(done)
		}()
		<-done
	})
}

// cpuMeter reports the process's CPU time per op beside a benchmark's wall
// time, divided further by per (the tasks in one op).
type cpuMeter struct {
	start time.Duration
	ok    bool
}

func startCPU() cpuMeter {
	c, ok := processCPU()
	return cpuMeter{c, ok}
}

func (m cpuMeter) report(b *testing.B, per int, unit string) {
	c, ok := processCPU()
	if !m.ok || !ok {
		return
	}
	b.ReportMetric(float64((c-m.start).Nanoseconds())/float64(b.N)/float64(per), unit)
}

// peersDelays returns the sleepers' n delays: xorshift32 from seed
// 2463534242, each state modulo 1001 milliseconds, the same in every peer.
func peersDelays(n int) []time.Duration {
	x := uint32(2463534242)
	ds := make([]time.Duration, n)
	for i := range ds {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		ds[i] = time.Duration(x%1001) * time.Millisecond
	}
	return ds
}

// peakRSS sums, over a benchmark's ops, the growth of the resident set from
// the start of each op to its peak, as the peers measure it with VmHWM.
// It also sums the process's CPU time over the same spans.
type peakRSS struct {
	kib   int64
	ok    bool
	cpu   time.Duration
	cpuOK bool
	cpu0  time.Duration
}

func (p *peakRSS) start(b *testing.B) {
	b.StopTimer()
	runtime.GC()
	debug.FreeOSMemory()
	// Writing 5 resets VmHWM to the current resident set (Linux 4.0 on).
	p.ok = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
	p.kib -= procStatusKiB("VmRSS")
	p.cpu0, p.cpuOK = processCPU()
	b.StartTimer()
}

func (p *peakRSS) stop(b *testing.B) {
	b.StopTimer()
	c, _ := processCPU()
	p.cpu += c - p.cpu0
	p.kib += procStatusKiB("VmHWM")
	b.StartTimer()
}

func reportPerTask(b *testing.B, n int, p *peakRSS) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/task")
	if p.cpuOK {
		b.ReportMetric(float64(p.cpu.Nanoseconds())/float64(b.N)/float64(n), "cpu-ns/task")
	}
	reportBytes(b, n, p)
}

func reportBytes(b *testing.B, n int, p *peakRSS) {
	if p.ok {
		b.ReportMetric(float64(p.kib)*1024/float64(b.N)/float64(n), "B/task")
	}
}

// procStatusKiB reads one "Name: N kB" field of /proc/self/status, or 0.
func procStatusKiB(field string) int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(data)) {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			v, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return v
		}
	}
	return 0
}
