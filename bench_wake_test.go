package asyncio_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
)

// wakeSizes are the crowds the one-by-one wake benchmarks park: doubling the
// crowd should double the time, since each wake-up costs O(1).
var wakeSizes = []int{10_000, 20_000, 40_000}

// benchWakeEach runs, for each size n, a main coroutine that parks n tasks in
// wait (made fresh by newWait for each run) and then calls wake, which wakes
// them one by one, before any of them runs, and returns how long that took.
// It reports that time as wake-ns/op, the figure that must stay linear in n,
// and per waiter as ns/waiter.
func benchWakeEach(b *testing.B, newWait func() (wait func(ctx context.Context) error, wake func(ctx context.Context, n int) (time.Duration, error))) {
	for _, n := range wakeSizes {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			var wakeTime time.Duration
			for range b.N {
				err := asyncio.Run(func(ctx context.Context) error {
					wait, wake := newWait()
					tasks := make([]asyncio.Awaitable[struct{}], n)
					for i := range tasks {
						tasks[i] = asyncio.Go(ctx, wait)
					}
					if err := asyncio.Sleep(ctx, 0); err != nil { // every task parks
						return err
					}
					d, err := wake(ctx, n)
					if err != nil {
						return err
					}
					wakeTime += d
					_, err = asyncio.Gather(ctx, tasks...)
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(wakeTime.Nanoseconds())/float64(b.N), "wake-ns/op")
			b.ReportMetric(float64(wakeTime.Nanoseconds())/float64(b.N)/float64(n), "ns/waiter")
		})
	}
}

// repeat times n calls of f.
func repeat(n int, f func() error) (time.Duration, error) {
	start := time.Now()
	for range n {
		if err := f(); err != nil {
			return 0, err
		}
	}
	return time.Since(start), nil
}

// BenchmarkSemaphoreReleaseEach releases n parked Acquires one Release at a
// time: each woken waiter stays queued until it runs, so a Release that
// searched from the head would make this quadratic.
func BenchmarkSemaphoreReleaseEach(b *testing.B) {
	benchWakeEach(b, func() (func(context.Context) error, func(context.Context, int) (time.Duration, error)) {
		s := asyncio.NewSemaphore(0)
		return s.Acquire, func(_ context.Context, n int) (time.Duration, error) { return repeat(n, s.Release) }
	})
}

// BenchmarkConditionNotifyEach wakes n coroutines parked in Condition.Wait
// with n calls of Notify(1).
func BenchmarkConditionNotifyEach(b *testing.B) {
	benchWakeEach(b, func() (func(context.Context) error, func(context.Context, int) (time.Duration, error)) {
		c := asyncio.NewCondition(nil)
		wait := func(ctx context.Context) error {
			if err := c.Acquire(ctx); err != nil {
				return err
			}
			err := c.Wait(ctx)
			if rerr := c.Release(); err == nil {
				err = rerr
			}
			return err
		}
		wake := func(ctx context.Context, n int) (time.Duration, error) {
			if err := c.Acquire(ctx); err != nil {
				return 0, err
			}
			d, err := repeat(n, func() error { return c.Notify(1) })
			if rerr := c.Release(); err == nil {
				err = rerr
			}
			return d, err
		}
		return wait, wake
	})
}

// BenchmarkEventWaitersSet wakes n coroutines parked in Event.Wait with one
// Set, for comparison: the crowd leaves the queue one waiter at a time.
func BenchmarkEventWaitersSet(b *testing.B) {
	benchWakeEach(b, func() (func(context.Context) error, func(context.Context, int) (time.Duration, error)) {
		e := new(asyncio.Event)
		return e.Wait, func(context.Context, int) (time.Duration, error) { return repeat(1, e.Set) }
	})
}
