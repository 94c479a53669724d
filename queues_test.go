package asyncio_test

// Queue, LifoQueue and PriorityQueue: the QU cases of the conformance
// checklist, FIFO service of waiters, hand-off on cancellation, join and
// shutdown, and a large pipeline.
//
// Not applicable to Go, so not tested:
//   - QU-04 (float half): Queue(maxsize=1.3) admits two items; Go's maxsize
//     is an int. The unbounded half is TestQU04_NonPositiveMaxsizeIsUnbounded.

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

// syQueue is what the three queue types have in common, for tests that run
// on each.
type syQueue interface {
	Put(ctx context.Context, v int) error
	Get(ctx context.Context) (int, error)
}

func TestQU01_OrderOfEachQueueKind(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		for _, c := range []struct {
			q    syQueue
			want []int
		}{
			{asyncio.NewQueue[int](0), []int{1, 3, 2}},
			{asyncio.NewLifoQueue[int](0), []int{2, 3, 1}},
			{asyncio.NewOrderedPriorityQueue[int](0), []int{1, 2, 3}},
		} {
			var got []int
			for _, v := range []int{1, 3, 2} {
				if err := c.q.Put(ctx, v); err != nil {
					return err
				}
			}
			for range 3 {
				v, err := c.q.Get(ctx)
				if err != nil {
					return err
				}
				got = append(got, v)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("%T: got %v, want %v", c.q, got, c.want)
			}
		}
		return nil
	})
}

func TestPriorityQueueEqualItemsStayFIFO(t *testing.T) {
	type job struct {
		prio int
		name string
	}
	q := asyncio.NewPriorityQueue(0, func(a, b job) bool { return a.prio < b.prio })
	for _, j := range []job{{2, "a"}, {1, "b"}, {2, "c"}, {1, "d"}, {2, "e"}, {0, "f"}} {
		if err := q.PutNowait(j); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for !q.Empty() {
		j, err := q.GetNowait()
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, j.name)
	}
	if want := []string{"f", "b", "d", "a", "c", "e"}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestPriorityQueueZeroValueRefusesPuts(t *testing.T) {
	var q asyncio.PriorityQueue[int]
	if err := q.PutNowait(1); !errors.Is(err, asyncio.ErrInvalidState) || q.Qsize() != 0 {
		t.Errorf("PutNowait on a zero PriorityQueue = %v (Qsize %d), want an error", err, q.Qsize())
	}
}

func TestQU03_NowaitOnEmptyAndFull(t *testing.T) {
	q := asyncio.NewQueue[int](1)
	if _, err := q.GetNowait(); !errors.Is(err, asyncio.ErrQueueEmpty) {
		t.Errorf("GetNowait on empty = %v, want ErrQueueEmpty", err)
	}
	if err := q.PutNowait(1); err != nil {
		t.Fatal(err)
	}
	if err := q.PutNowait(2); !errors.Is(err, asyncio.ErrQueueFull) || q.Qsize() != 1 || !q.Full() {
		t.Errorf("PutNowait on full = %v (Qsize %d), want ErrQueueFull", err, q.Qsize())
	}
}

func TestQU04_NonPositiveMaxsizeIsUnbounded(t *testing.T) {
	var zero asyncio.Queue[int]
	for _, q := range []*asyncio.Queue[int]{asyncio.NewQueue[int](0), asyncio.NewQueue[int](-1), &zero} {
		for i := range 1000 {
			if err := q.PutNowait(i); err != nil {
				t.Fatal(err)
			}
		}
		if q.Full() || q.Qsize() != 1000 || q.Maxsize() > 0 {
			t.Errorf("Full %t, Qsize %d, Maxsize %d; want false, 1000, <= 0", q.Full(), q.Qsize(), q.Maxsize())
		}
	}
}

func TestQU05_PutWakesAWaitingGetter(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var q asyncio.Queue[string]
		getter := asyncio.CreateTask(ctx, q.Get)
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		if err := q.Put(ctx, "a"); err != nil {
			return err
		}
		if v, err := getter.Await(ctx); v != "a" || err != nil {
			t.Errorf("getter = %q, %v; want a", v, err)
		}
		return nil
	})
}

func TestQU06_ItemOfCancelledGetterStaysQueued(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var q asyncio.Queue[int]
		reader := asyncio.CreateTask(ctx, q.Get)
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		q.PutNowait(1)
		q.PutNowait(2)
		reader.Cancel()
		if _, err := reader.Await(ctx); !syCancelled(err) {
			t.Errorf("cancelled reader = %v, want a cancellation", err)
		}
		v, err := asyncio.CreateTask(ctx, q.Get).Await(ctx)
		if v != 1 || err != nil {
			t.Errorf("new reader = %d, %v; want 1", v, err)
		}
		return nil
	})
}

func TestQU07_SecondGetterGetsTheItem(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var q asyncio.Queue[string]
		g1, g2 := asyncio.CreateTask(ctx, q.Get), asyncio.CreateTask(ctx, q.Get)
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		g1.Cancel()
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		if err := q.Put(ctx, "a"); err != nil {
			return err
		}
		if v, err := g2.Await(ctx); v != "a" || err != nil || !g1.Cancelled() {
			t.Errorf("g2 = %q, %v (g1 cancelled %t); want a", v, err, g1.Cancelled())
		}
		return nil
	})
}

func TestQU09_TimedOutGetLeavesNoGetter(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var q asyncio.Queue[int]
		err := asyncio.Timeout(ctx, 10*time.Millisecond, func(ctx context.Context) error {
			_, err := q.Get(ctx)
			return err
		})
		if !errors.Is(err, asyncio.ErrTimeout) {
			t.Errorf("Get under a 10ms timeout = %v, want ErrTimeout", err)
		}
		if g, _ := asyncio.QueueWaiters(&q); g != 0 {
			t.Errorf("%d getters left behind", g)
		}
		return nil
	})
}

func TestQueueTimedOutPutLeavesNoPutter(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		q := asyncio.NewQueue[int](1)
		q.PutNowait(1)
		err := asyncio.Timeout(ctx, 10*time.Millisecond, func(ctx context.Context) error { return q.Put(ctx, 2) })
		if !errors.Is(err, asyncio.ErrTimeout) || q.Qsize() != 1 {
			t.Errorf("Put under a 10ms timeout = %v (Qsize %d), want ErrTimeout", err, q.Qsize())
		}
		if _, p := asyncio.QueueWaiters(q); p != 0 {
			t.Errorf("%d putters left behind", p)
		}
		return nil
	})
}

func TestQU17_ContendedGettersShareTheItems(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var q asyncio.Queue[int]
		g1, g2, g3 := asyncio.CreateTask(ctx, q.Get), asyncio.CreateTask(ctx, q.Get), asyncio.CreateTask(ctx, q.Get)
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		q.PutNowait(1)
		q.PutNowait(2)
		g1.Cancel()
		got, err := asyncio.Gather(ctx, g2, g3)
		slices.Sort(got)
		if err != nil || !slices.Equal(got, []int{1, 2}) || !g1.Cancelled() {
			t.Errorf("got %v, %v; want {1, 2} and g1 cancelled", got, err)
		}
		return nil
	})
}

func TestQU18_BlockedGettersServedInArrivalOrder(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var q asyncio.Queue[string]
		gs := []*asyncio.Task[string]{asyncio.CreateTask(ctx, q.Get), asyncio.CreateTask(ctx, q.Get), asyncio.CreateTask(ctx, q.Get)}
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		for _, v := range []string{"a", "b", "c"} {
			q.PutNowait(v)
		}
		got, err := asyncio.Gather(ctx, gs[0], gs[1], gs[2])
		if err != nil || !slices.Equal(got, []string{"a", "b", "c"}) {
			t.Errorf("got %v, %v; want [a b c]", got, err)
		}
		return nil
	})
}

func TestQueueGetFIFOOrderOf100Waiters(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var q asyncio.Queue[int]
		var getters []asyncio.Awaitable[int]
		for range 100 {
			getters = append(getters, asyncio.CreateTask(ctx, q.Get))
		}
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		for i := range 100 {
			if err := q.Put(ctx, i); err != nil {
				return err
			}
			if i%10 == 0 {
				if err := yieldN(ctx, 1); err != nil {
					return err
				}
			}
		}
		got, err := asyncio.Gather(ctx, getters...)
		if err != nil || !syIsRange(got, 100) {
			t.Errorf("getter i got %v, %v; want i", got, err)
		}
		return nil
	})
}

func TestQueueBlockedPuttersServedInArrivalOrder(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		q := asyncio.NewQueue[int](1)
		q.PutNowait(0)
		for i := 1; i <= 3; i++ {
			asyncio.Go(ctx, func(ctx context.Context) error { return q.Put(ctx, i) })
		}
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		var got []int
		for range 4 {
			v, err := q.Get(ctx)
			if err != nil {
				return err
			}
			got = append(got, v)
		}
		if !syIsRange(got, 4) {
			t.Errorf("got %v, want [0 1 2 3]", got)
		}
		return nil
	})
}

func TestQueueWokenPutterCancelledPassesTheSlotOn(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		q := asyncio.NewQueue[string](1)
		q.PutNowait("a")
		p1 := asyncio.Go(ctx, func(ctx context.Context) error { return q.Put(ctx, "b") })
		p2 := asyncio.Go(ctx, func(ctx context.Context) error { return q.Put(ctx, "c") })
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		if v, err := q.GetNowait(); v != "a" || err != nil { // wakes p1...
			t.Errorf("GetNowait = %q, %v", v, err)
		}
		p1.Cancel() // ...which is cancelled before it runs
		if _, err := p2.Await(ctx); err != nil {
			return err
		}
		v, err := q.GetNowait()
		if v != "c" || err != nil || !p1.Cancelled() {
			t.Errorf("queue holds %q (%v), p1 %v; want c and p1 cancelled", v, err, p1)
		}
		return nil
	})
}

func TestQueuePutCancelledRace(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		q := asyncio.NewQueue[string](1)
		putA := asyncio.Go(ctx, func(ctx context.Context) error { return q.Put(ctx, "a") })
		putB := asyncio.Go(ctx, func(ctx context.Context) error { return q.Put(ctx, "b") })
		putX := asyncio.Go(ctx, func(ctx context.Context) error { return q.Put(ctx, "X") })
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		if !putA.Done() || putB.Done() {
			t.Errorf("putA done %t, putB done %t; want true, false", putA.Done(), putB.Done())
		}
		putX.Cancel()
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		if v, _ := q.GetNowait(); v != "a" || !putX.Done() {
			t.Errorf("first item %q, putX done %t; want a, true", v, putX.Done())
		}
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		if v, _ := q.GetNowait(); v != "b" {
			t.Errorf("second item %q, want b", v)
		}
		_, err := putB.Await(ctx)
		return err
	})
}

func TestQueueNowaitFromAnotherGoroutineIsRefused(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var q asyncio.Queue[int]
		if err := q.Put(ctx, 1); err != nil { // binds q to this loop
			return err
		}
		errc := make(chan error, 3)
		go func() {
			errc <- q.PutNowait(2)
			_, err := q.GetNowait()
			errc <- err
			errc <- q.Shutdown(true)
		}()
		for range 3 {
			//asynciovet:ignore waits for a plain goroutine on purpose: the test checks a call made off the loop
			if err := <-errc; !errors.Is(err, asyncio.ErrWrongGoroutine) {
				t.Errorf("call from another goroutine = %v, want ErrWrongGoroutine", err)
			}
		}
		if q.Qsize() != 1 {
			t.Errorf("Qsize = %d after refused calls, want 1", q.Qsize())
		}
		return nil
	})
}

// test_maxsize: a putter blocks on the full queue and resumes one step after a Get.
func TestQueuePutterBlocksOnAFullQueueUntilAGet(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		q := asyncio.NewQueue[int](2)
		var put []int
		p := asyncio.Go(ctx, func(ctx context.Context) error {
			for i := range 3 {
				if err := q.Put(ctx, i); err != nil {
					return err
				}
				put = append(put, i)
			}
			return nil
		})
		syYield(t, ctx, 2)
		if !slices.Equal(put, []int{0, 1}) {
			t.Errorf("put %v", put)
		}
		//asynciovet:ignore the test checks only the value Get returns
		if v, _ := q.Get(ctx); v != 0 {
			t.Errorf("get %d", v)
		}
		syYield(t, ctx, 1)
		if !slices.Equal(put, []int{0, 1, 2}) || !p.Done() {
			t.Errorf("put %v done %t", put, p.Done())
		}
		return nil
	})
}

// test_get_with_waiting_putters: blocked putters deliver in order to successive Gets.
func TestQueueBlockedPuttersDeliverInOrderToSuccessiveGets(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		q := asyncio.NewQueue[string](1)
		asyncio.Go(ctx, func(ctx context.Context) error { return q.Put(ctx, "a") })
		asyncio.Go(ctx, func(ctx context.Context) error { return q.Put(ctx, "b") })
		a, err := q.Get(ctx)
		b, err2 := q.Get(ctx)
		if a != "a" || b != "b" || err != nil || err2 != nil {
			t.Errorf("%q %q %v %v", a, b, err, err2)
		}
		return nil
	})
}

// test_put_cancel_drop: a putter cancelled after a slot was freed for it loses no slot.
func TestQueuePutterCancelledAfterASlotFreedLosesNoSlot(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		q := asyncio.NewQueue[int](1)
		syNoErr(t, "q.PutNowait(1)", q.PutNowait(1))
		w := asyncio.Go(ctx, func(ctx context.Context) error { return q.Put(ctx, 2) })
		syYield(t, ctx, 1)
		if v, _ := q.GetNowait(); v != 1 {
			t.Errorf("v1 %d", v)
		}
		w.Cancel()
		if _, err := w.Await(ctx); err != nil {
			w = asyncio.Go(ctx, func(ctx context.Context) error { return q.Put(ctx, 2) })
			if _, err := w.Await(ctx); err != nil {
				return err
			}
		}
		if v, _ := q.GetNowait(); v != 2 || q.Qsize() != 0 {
			t.Errorf("v2 %d qsize %d", v, q.Qsize())
		}
		return nil
	})
}

// test_cancelled_put_silence_value_error_exception: a putter woken by
// GetNowait and then cancelled returns the cancellation, and the free slot
// stays free.
func TestQueueWokenPutterCancelledReturnsTheCancellation(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		q := asyncio.NewQueue[int](1)
		syNoErr(t, "PutNowait", q.PutNowait(1))
		p := asyncio.Go(ctx, func(ctx context.Context) error { return q.Put(ctx, 2) })
		syYield(t, ctx, 1)
		if _, err := q.GetNowait(); err != nil {
			return err
		}
		p.Cancel()
		if _, err := p.Await(ctx); !syCancelled(err) {
			t.Errorf("putter = %v, want cancelled", err)
		}
		if g, pu := asyncio.QueueWaiters(q); q.Qsize() != 0 || g != 0 || pu != 0 {
			t.Errorf("Qsize %d, getters %d, putters %d; want 0, 0, 0", q.Qsize(), g, pu)
		}
		return nil
	})
}

// test_why_are_putters_waiting: draining with GetNowait wakes every blocked putter (no hang).
func TestQueueDrainingWithGetNowaitWakesEveryBlockedPutter(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		q := asyncio.NewQueue[int](2)
		var ts []asyncio.Awaitable[struct{}]
		ts = append(ts, asyncio.Go(ctx, func(ctx context.Context) error {
			syYield(t, ctx, 1)
			for range q.Qsize() {
				if _, err := q.GetNowait(); err != nil {
					return err
				}
			}
			return nil
		}))
		for i := range 4 {
			ts = append(ts, asyncio.Go(ctx, func(ctx context.Context) error { return q.Put(ctx, i) }))
		}
		_, err := asyncio.Gather(ctx, ts...)
		return err
	})
}

// test_why_are_getters_waiting: a producer and a consumer on Queue(1) do not hang.
func TestQueueProducerAndConsumerOnAQueueOfOneDoNotHang(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		q := asyncio.NewQueue[int](1)
		p := asyncio.Go(ctx, func(ctx context.Context) error {
			for i := range 5 {
				if err := q.Put(ctx, i); err != nil {
					return err
				}
			}
			return nil
		})
		c := asyncio.Go(ctx, func(ctx context.Context) error {
			for range 5 {
				if _, err := q.Get(ctx); err != nil {
					return err
				}
			}
			return nil
		})
		_, err := asyncio.Gather[struct{}](ctx, p, c)
		return err
	})
}

// test_blocking_get_wait, test_blocking_put_wait: a Get (a Put) blocked on an
// empty (a full) queue is released by a GetNowait (a PutNowait) made from a
// timer callback, at the timer's time.
func TestQueueNowaitFromACallbackReleasesBlockedCoroutines(t *testing.T) {
	runWithLoop(t, func(ctx context.Context, loop *asyncio.EventLoop) {
		q := asyncio.NewQueue[int](1)
		start := loop.Time()
		loop.CallLater(10*time.Millisecond, func() { syNoErr(t, "PutNowait", q.PutNowait(1)) })
		if v, err := q.Get(ctx); v != 1 || err != nil || loop.Time()-start != 10*time.Millisecond {
			t.Errorf("Get = %d, %v after %v; want 1 after 10ms", v, err, loop.Time()-start)
		}
		syNoErr(t, "PutNowait", q.PutNowait(2))
		loop.CallLater(10*time.Millisecond, func() {
			if _, err := q.GetNowait(); err != nil {
				t.Errorf("GetNowait: %v", err)
			}
		})
		if err := q.Put(ctx, 3); err != nil || loop.Time()-start != 20*time.Millisecond {
			t.Errorf("Put = %v after %v; want nil after 20ms", err, loop.Time()-start)
		}
	})
}
