package asyncio_test

// TaskDone, Join and Shutdown: the QU cases about unfinished items and
// shutting a queue down, and a large producer/consumer pipeline.

import (
	"context"
	"errors"
	"testing"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

func TestQU10_JoinWaitsForEveryTaskDone(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var q asyncio.Queue[int]
		if err := q.Join(ctx); err != nil {
			return err
		}
		q.PutNowait(1)
		q.PutNowait(2)
		join := asyncio.Go(ctx, q.Join)
		for i := range 2 {
			if _, err := q.Get(ctx); err != nil {
				return err
			}
			if err := q.TaskDone(); err != nil {
				return err
			}
			if err := yieldN(ctx, 1); err != nil {
				return err
			}
			if join.Done() != (i == 1) {
				t.Errorf("after %d TaskDone: join done = %t", i+1, join.Done())
			}
		}
		return nil
	})
}

func TestQU11_TaskDoneUnderflow(t *testing.T) {
	var q asyncio.Queue[int]
	if err := q.TaskDone(); !errors.Is(err, asyncio.ErrTooManyTaskDone) {
		t.Errorf("TaskDone on a fresh queue = %v, want ErrTooManyTaskDone", err)
	}
}

func TestQU12_WorkersAndJoin(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var q asyncio.Queue[int]
		for i := range 100 {
			q.PutNowait(i)
		}
		sum := 0
		worker := func(ctx context.Context) error {
			for {
				v, err := q.Get(ctx)
				if err != nil {
					return err
				}
				sum += v
				q.TaskDone()
			}
		}
		w1, w2 := asyncio.Go(ctx, worker), asyncio.Go(ctx, worker)
		if err := q.Join(ctx); err != nil {
			return err
		}
		if sum != 4950 {
			t.Errorf("sum = %d, want 4950", sum)
		}
		w1.Cancel()
		w2.Cancel()
		return nil
	})
}

func TestQU14_ShutdownLetsGettersDrain(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		q := asyncio.NewQueue[string](1)
		q.PutNowait("data")
		join := asyncio.Go(ctx, q.Join)
		put := asyncio.Go(ctx, func(ctx context.Context) error { return q.Put(ctx, "data2") })
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		if err := q.Shutdown(false); err != nil {
			return err
		}
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		if _, err := put.Await(ctx); !errors.Is(err, asyncio.ErrQueueShutDown) {
			t.Errorf("blocked Put = %v, want ErrQueueShutDown", err)
		}
		if v, err := q.Get(ctx); v != "data" || err != nil {
			t.Errorf("Get = %q, %v; want data", v, err)
		}
		if join.Done() {
			t.Error("join done before TaskDone")
		}
		if _, err := q.Get(ctx); !errors.Is(err, asyncio.ErrQueueShutDown) {
			t.Errorf("Get on a drained shut-down queue = %v, want ErrQueueShutDown", err)
		}
		if err := q.PutNowait("x"); !errors.Is(err, asyncio.ErrQueueShutDown) {
			t.Errorf("PutNowait after Shutdown = %v, want ErrQueueShutDown", err)
		}
		q.TaskDone()
		_, err := join.Await(ctx)
		return err
	})
}

// syJoinThenShutDownNow starts a task joining q, shuts q down immediately
// once the task waits, and yields once more. It returns the joining task.
func syJoinThenShutDownNow(ctx context.Context, q *asyncio.Queue[int]) (*asyncio.Task[struct{}], error) {
	join := asyncio.Go(ctx, q.Join)
	if err := yieldN(ctx, 1); err != nil {
		return nil, err
	}
	q.Shutdown(true)
	return join, yieldN(ctx, 1)
}

func TestQU15_ImmediateShutdownMarksDroppedItemsDone(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var q asyncio.Queue[int]
		q.PutNowait(1)
		join, err := syJoinThenShutDownNow(ctx, &q)
		if err != nil {
			return err
		}
		if q.Qsize() != 0 || !join.Done() {
			t.Errorf("Qsize %d, join done %t; want 0, true", q.Qsize(), join.Done())
		}
		if _, err := q.Get(ctx); !errors.Is(err, asyncio.ErrQueueShutDown) {
			t.Errorf("Get = %v, want ErrQueueShutDown", err)
		}
		if err := q.TaskDone(); !errors.Is(err, asyncio.ErrTooManyTaskDone) {
			t.Errorf("extra TaskDone = %v, want ErrTooManyTaskDone", err)
		}
		return nil
	})
}

func TestQU16_ImmediateShutdownKeepsTakenItemsUnfinished(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var q asyncio.Queue[int]
		q.PutNowait(1)
		q.PutNowait(2)
		if _, err := q.GetNowait(); err != nil {
			return err
		}
		join, err := syJoinThenShutDownNow(ctx, &q)
		if err != nil {
			return err
		}
		if join.Done() {
			t.Error("join done while a taken item is unfinished")
		}
		q.TaskDone()
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		if !join.Done() {
			t.Error("join still pending after the last TaskDone")
		}
		return nil
	})
}

func TestQueueImmediateShutdownWakesEveryWaiter(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		full := asyncio.NewQueue[int](2)
		full.PutNowait(1)
		full.PutNowait(2)
		var empty asyncio.Queue[int]
		var waiters []*asyncio.Task[struct{}]
		for range 3 {
			waiters = append(waiters,
				asyncio.Go(ctx, func(ctx context.Context) error { return full.Put(ctx, 3) }),
				asyncio.Go(ctx, func(ctx context.Context) error { _, err := empty.Get(ctx); return err }))
		}
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		full.Shutdown(true)
		empty.Shutdown(true)
		if full.Qsize() != 0 {
			t.Errorf("Qsize after an immediate Shutdown = %d, want 0", full.Qsize())
		}
		for _, w := range waiters {
			if _, err := w.Await(ctx); !errors.Is(err, asyncio.ErrQueueShutDown) {
				t.Errorf("waiter got %v, want ErrQueueShutDown", err)
			}
		}
		return full.Join(ctx) // the dropped items count as done
	})
}

func TestQueuePipelineMovesAMillionItems(t *testing.T) {
	const producers, consumers, perProducer = 10, 10, 100_000
	asynciotest.Run(t, func(ctx context.Context) error {
		q := asyncio.NewQueue[int](100)
		seen := make([]bool, producers*perProducer)
		var count int
		var sum int64 // the sum of a million items overflows a 32-bit int
		var prods []asyncio.Awaitable[struct{}]
		for p := range producers {
			prods = append(prods, asyncio.Go(ctx, func(ctx context.Context) error {
				for i := range perProducer {
					if err := q.Put(ctx, p*perProducer+i); err != nil {
						return err
					}
				}
				return nil
			}))
		}
		var cons []asyncio.Awaitable[struct{}]
		for range consumers {
			cons = append(cons, asyncio.Go(ctx, func(ctx context.Context) error {
				for {
					v, err := q.Get(ctx)
					if errors.Is(err, asyncio.ErrQueueShutDown) {
						return nil
					} else if err != nil {
						return err
					}
					if seen[v] {
						t.Errorf("item %d received twice", v)
					}
					seen[v] = true
					count++
					sum += int64(v)
					q.TaskDone()
				}
			}))
		}
		if _, err := asyncio.Gather(ctx, prods...); err != nil {
			return err
		}
		if err := q.Join(ctx); err != nil {
			return err
		}
		q.Shutdown(false)
		if _, err := asyncio.Gather(ctx, cons...); err != nil {
			return err
		}
		const n = producers * perProducer
		if count != n || sum != int64(n)*(n-1)/2 {
			t.Errorf("received %d items summing to %d, want %d summing to %d", count, sum, n, int64(n)*(n-1)/2)
		}
		return nil
	})
}

func TestQueueShutdownWakesBlockedGetters(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var q asyncio.Queue[int]
		g1, g2 := asyncio.CreateTask(ctx, q.Get), asyncio.CreateTask(ctx, q.Get)
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		if err := q.Shutdown(false); err != nil {
			return err
		}
		for _, g := range []*asyncio.Task[int]{g1, g2} {
			if _, err := g.Await(ctx); !errors.Is(err, asyncio.ErrQueueShutDown) {
				t.Errorf("blocked Get = %v, want ErrQueueShutDown", err)
			}
		}
		if err := q.Put(ctx, 1); !errors.Is(err, asyncio.ErrQueueShutDown) {
			t.Errorf("Put after Shutdown = %v, want ErrQueueShutDown", err)
		}
		return nil
	})
}

// syFullQueue is the whole method set the three queue kinds share.
type syFullQueue interface {
	syQueue
	PutNowait(v int) error
	GetNowait() (int, error)
	TaskDone() error
	Join(ctx context.Context) error
	Shutdown(immediate bool) error
	Qsize() int
	Empty() bool
	Full() bool
	Maxsize() int
}

func TestEveryQueueKindBoundsJoinsAndShutsDown(t *testing.T) {
	for _, q := range []syFullQueue{
		asyncio.NewQueue[int](2),
		asyncio.NewLifoQueue[int](2),
		asyncio.NewOrderedPriorityQueue[int](2),
	} {
		asynciotest.Run(t, func(ctx context.Context) error {
			if q.Maxsize() != 2 || !q.Empty() {
				t.Errorf("%T: Maxsize %d, Empty %t; want 2, true", q, q.Maxsize(), q.Empty())
			}
			for _, v := range []int{5, 6} {
				if err := q.PutNowait(v); err != nil {
					return err
				}
			}
			if err := q.PutNowait(7); !errors.Is(err, asyncio.ErrQueueFull) || !q.Full() || q.Qsize() != 2 {
				t.Errorf("%T: PutNowait on full = %v", q, err)
			}
			putter := asyncio.Go(ctx, func(ctx context.Context) error { return q.Put(ctx, 7) })
			joiner := asyncio.Go(ctx, q.Join)
			sum := 0
			for range 3 {
				v, err := q.Get(ctx)
				if err != nil {
					return err
				}
				sum += v
				if err := q.TaskDone(); err != nil {
					return err
				}
			}
			if _, err := asyncio.Gather(ctx, putter, joiner); err != nil || sum != 18 {
				t.Errorf("%T: sum %d, putter and joiner %v; want 18, nil", q, sum, err)
			}
			q.PutNowait(8)
			if err := q.Shutdown(true); err != nil {
				return err
			}
			if _, err := q.GetNowait(); !errors.Is(err, asyncio.ErrQueueShutDown) {
				t.Errorf("%T: GetNowait after Shutdown = %v, want ErrQueueShutDown", q, err)
			}
			return q.Join(ctx)
		})
	}
}

// test_shutdown_empty: Shutdown wakes a blocked Get with ErrQueueShutDown; Join returns at once; every put and get then fails.
func TestQueueShutdownOfAnEmptyQueueWakesGettersAndRefusesEverything(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var q asyncio.Queue[string]
		g := asyncio.CreateTask(ctx, q.Get)
		syYield(t, ctx, 1)
		syNoErr(t, "q.Shutdown(false)", q.Shutdown(false))
		if err := q.Join(ctx); err != nil {
			t.Errorf("join %v", err)
		}
		syYield(t, ctx, 1)
		if _, err := g.Result(); !errors.Is(err, asyncio.ErrQueueShutDown) {
			t.Errorf("getter %v", err)
		}
		if err := q.Put(ctx, "x"); !errors.Is(err, asyncio.ErrQueueShutDown) {
			t.Errorf("put %v", err)
		}
		if err := q.PutNowait("x"); !errors.Is(err, asyncio.ErrQueueShutDown) {
			t.Errorf("putnowait %v", err)
		}
		if _, err := q.Get(ctx); !errors.Is(err, asyncio.ErrQueueShutDown) {
			t.Errorf("get %v", err)
		}
		if _, err := q.GetNowait(); !errors.Is(err, asyncio.ErrQueueShutDown) {
			t.Errorf("getnowait %v", err)
		}
		return nil
	})
}
