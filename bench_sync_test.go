package asyncio_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"

	"github.com/asyncio-go/asyncio"
)

// The synchronization benchmarks, each beside its Go equivalent measured in
// the same run; bench/RESULTS.md has the figures.

// queueSizes are the bounds the queue benchmarks run at: 1, where every item
// is a hand-off between the two sides, and 100, where each side moves a batch
// per turn.
var queueSizes = []int{1, 100}

// BenchmarkQueuePutGet moves items from a producer task to a consumer task
// over a bounded Queue, one item per op.
func BenchmarkQueuePutGet(b *testing.B) {
	for _, size := range queueSizes {
		b.Run(fmt.Sprintf("maxsize=%d", size), func(b *testing.B) {
			b.ReportAllocs()
			n := b.N
			err := asyncio.Run(func(ctx context.Context) error {
				q := asyncio.NewQueue[int](size)
				producer := asyncio.Go(ctx, func(ctx context.Context) error {
					for i := range n {
						if err := q.Put(ctx, i); err != nil {
							return err
						}
					}
					return nil
				})
				for range n {
					if _, err := q.Get(ctx); err != nil {
						return err
					}
				}
				_, err := producer.Await(ctx)
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
		})
	}
}

// BenchmarkChanQueuePutGet is BenchmarkQueuePutGet's Go equivalent: a
// producer goroutine and a consumer goroutine over a buffered channel.
func BenchmarkChanQueuePutGet(b *testing.B) {
	for _, size := range queueSizes {
		b.Run(fmt.Sprintf("cap=%d", size), func(b *testing.B) {
			b.ReportAllocs()
			ch := make(chan int, size)
			go func() {
				for i := range b.N {
					ch <- i
				}
			}()
			for range b.N {
				<-ch
			}
		})
	}
}

// contenders is how many tasks, or goroutines, compete for the lock.
const contenders = 10

// BenchmarkLockContended has 10 tasks take turns at a Lock, each holding it
// across a yield to the loop so that the others queue; one acquire and
// release per op.
func BenchmarkLockContended(b *testing.B) {
	b.ReportAllocs()
	n := b.N
	err := asyncio.Run(func(ctx context.Context) error {
		var mu asyncio.Lock
		counter := 0
		tasks := make([]asyncio.Awaitable[struct{}], contenders)
		for c := range tasks {
			tasks[c] = asyncio.Go(ctx, func(ctx context.Context) error {
				for i := c; i < n; i += contenders {
					if err := mu.Acquire(ctx); err != nil {
						return err
					}
					counter++
					err := asyncio.Sleep(ctx, 0)
					mu.Release()
					if err != nil {
						return err
					}
				}
				return nil
			})
		}
		_, err := asyncio.Gather(ctx, tasks...)
		if counter != n {
			b.Errorf("counter = %d, want %d", counter, n)
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkMutexContended is BenchmarkLockContended's Go equivalent: 10
// goroutines take turns at a sync.Mutex, each yielding its processor
// (runtime.Gosched) while holding it.
func BenchmarkMutexContended(b *testing.B) {
	b.ReportAllocs()
	var mu sync.Mutex
	var wg sync.WaitGroup
	counter := 0
	for c := range contenders {
		wg.Go(func() {
			for i := c; i < b.N; i += contenders {
				mu.Lock()
				counter++
				runtime.Gosched()
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if counter != b.N {
		b.Errorf("counter = %d, want %d", counter, b.N)
	}
}
