package asyncio_test

// Cases from CPython 3.13's test_locks.py and test_queues.py that the
// conformance checklist does not list, found by an audit of the
// synchronization primitives against asyncio. Each test names the asyncio
// behaviour it pins down.

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

// auYield yields n times, reporting a failure to yield with t.Errorf (never
// t.Fatal: it runs on a coroutine's goroutine).
func auYield(t *testing.T, ctx context.Context, n int) {
	t.Helper()
	if err := yieldN(ctx, n); err != nil {
		t.Errorf("yield: %v", err)
	}
}

// auNoErr reports a non-nil err with t.Errorf, naming what returned it.
func auNoErr(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Errorf("%s: %v", what, err)
	}
}

// test_blocking_tasks_while_draining: a party that waits again while its round drains waits for the next round.
func TestBarrier_BlockingTasksWhileDraining(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		const n, rewait = 5, 2
		b := asyncio.NewBarrier(n)
		nowaiting := asyncio.NewBarrier(n - rewait)
		left := rewait
		return syGatherN(ctx, n, func(ctx context.Context) error {
			if _, err := b.Wait(ctx); err != nil {
				return err
			}
			if left > 0 {
				left--
				_, err := b.Wait(ctx)
				return err
			}
			if _, err := nowaiting.Wait(ctx); err != nil {
				return err
			}
			_, err := b.Wait(ctx)
			return err
		})
	})
}

// test_reset_barrier_when_tasks_half_draining: a Reset during draining breaks the parties that have not left yet.
func TestBarrier_ResetWhenHalfDraining(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		const n = 5
		b := asyncio.NewBarrier(n)
		broken, returned := 0, 0
		err := syGatherN(ctx, n, func(ctx context.Context) error {
			_, err := b.Wait(ctx)
			if errors.Is(err, asyncio.ErrBrokenBarrier) {
				broken++
				return nil
			}
			if err != nil {
				return err
			}
			returned++
			if returned == n-n/2 {
				return b.Reset()
			}
			return nil
		})
		if broken != n/2 || b.NWaiting() != 0 || b.Broken() {
			t.Errorf("broken %d, NWaiting %d, Broken %t", broken, b.NWaiting(), b.Broken())
		}
		return err
	})
}

// test_reset_barrier_when_tasks_half_draining_half_blocking.
func TestBarrier_ResetHalfDrainingHalfBlocking(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		const n = 5
		b := asyncio.NewBarrier(n)
		blocking := n / 2
		var r1, r2, count int
		err := syGatherN(ctx, n, func(ctx context.Context) error {
			_, err := b.Wait(ctx)
			if errors.Is(err, asyncio.ErrBrokenBarrier) {
				r1++
				_, err = b.Wait(ctx)
				return err
			}
			if err != nil {
				return err
			}
			count++
			if count > blocking {
				if err := b.Reset(); err != nil {
					return err
				}
				_, err = b.Wait(ctx)
				return err
			}
			_, err = b.Wait(ctx)
			if errors.Is(err, asyncio.ErrBrokenBarrier) {
				r2++
				return nil
			}
			return err
		})
		if r1 != blocking || r2 != 0 || b.NWaiting() != 0 || b.Broken() {
			t.Errorf("r1 %d r2 %d NWaiting %d Broken %t", r1, r2, b.NWaiting(), b.Broken())
		}
		return err
	})
}

// test_reset_barrier_while_tasks_waiting_and_waiting_again: broken parties can fill the barrier again.
func TestBarrier_ResetWhileWaitingAndWaitingAgain(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		const n = 5
		b := asyncio.NewBarrier(n)
		var r1, r2 int
		var tasks []asyncio.Awaitable[struct{}]
		for range n - 1 {
			tasks = append(tasks, asyncio.Go(ctx, func(ctx context.Context) error {
				_, err := b.Wait(ctx)
				if errors.Is(err, asyncio.ErrBrokenBarrier) {
					r1++
				} else if err != nil {
					return err
				}
				if _, err := b.Wait(ctx); err != nil {
					return err
				}
				r2++
				return nil
			}))
		}
		asyncio.Go(ctx, func(ctx context.Context) error { return b.Reset() })
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		asyncio.Go(ctx, func(ctx context.Context) error {
			if _, err := b.Wait(ctx); err != nil {
				return err
			}
			r2++
			return nil
		})
		if _, err := asyncio.Gather(ctx, tasks...); err != nil {
			return err
		}
		if b.Broken() || r1 != n-1 || r2 != n || b.NWaiting() != 0 {
			t.Errorf("r1 %d r2 %d NWaiting %d Broken %t", r1, r2, b.NWaiting(), b.Broken())
		}
		return nil
	})
}

// test_reset_barrier_while_tasks_draining: a Reset by the last party to leave breaks nobody.
func TestBarrier_ResetWhileDraining(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		const n = 5
		b := asyncio.NewBarrier(n)
		var r1, r2, r3, count int
		err := syGatherN(ctx, n, func(ctx context.Context) error {
			if _, err := b.Wait(ctx); err != nil {
				return err
			}
			count++
			if count == n {
				if err := b.Reset(); err != nil {
					return err
				}
				if _, err := b.Wait(ctx); err != nil {
					return err
				}
			} else {
				if _, err := b.Wait(ctx); err != nil {
					r2++
				} else {
					r1++
				}
			}
			if _, err := b.Wait(ctx); err != nil {
				return err
			}
			r3++
			return nil
		})
		if b.Broken() || r1 != n-1 || r2 != 0 || r3 != n || b.NWaiting() != 0 {
			t.Errorf("r1 %d r2 %d r3 %d NWaiting %d Broken %t", r1, r2, r3, b.NWaiting(), b.Broken())
		}
		return err
	})
}

// test_abort_barrier_when_tasks_half_draining_half_blocking.
func TestBarrier_AbortHalfDrainingHalfBlocking(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		const n = 5
		b := asyncio.NewBarrier(n)
		blocking := n / 2
		var r1, r2, count int
		err := syGatherN(ctx, n, func(ctx context.Context) error {
			_, err := b.Wait(ctx)
			if errors.Is(err, asyncio.ErrBrokenBarrier) {
				r1++
				return nil
			}
			if err != nil {
				return err
			}
			count++
			if count > blocking {
				return b.Abort()
			}
			_, err = b.Wait(ctx)
			if errors.Is(err, asyncio.ErrBrokenBarrier) {
				r2++
				return nil
			}
			return err
		})
		if !b.Broken() || r1 != blocking || r2 != n-blocking-1 || b.NWaiting() != 0 {
			t.Errorf("r1 %d r2 %d NWaiting %d Broken %t", r1, r2, b.NWaiting(), b.Broken())
		}
		return err
	})
}

// test_abort_barrier_when_exception_then_resetting: Reset mends an aborted barrier for all parties.
func TestBarrier_AbortOnErrorThenReset(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		const n = 5
		b1, b2 := asyncio.NewBarrier(n), asyncio.NewBarrier(n)
		var r1, r2, r3 int
		err := syGatherN(ctx, n, func(ctx context.Context) error {
			i, err := b1.Wait(ctx)
			switch {
			case err != nil:
				r2++
			case i == n/2:
				if err := b1.Abort(); err != nil {
					return err
				}
			default:
				if _, err := b1.Wait(ctx); err != nil {
					if !errors.Is(err, asyncio.ErrBrokenBarrier) {
						return err
					}
					r2++
				} else {
					r1++
				}
			}
			i, err = b2.Wait(ctx)
			if err != nil {
				return err
			}
			if i == n/2 {
				if err := b1.Reset(); err != nil {
					return err
				}
			}
			if _, err := b2.Wait(ctx); err != nil {
				return err
			}
			if _, err := b1.Wait(ctx); err != nil {
				return err
			}
			r3++
			return nil
		})
		if b1.Broken() || r1 != 0 || r2 != n-1 || r3 != n || b1.NWaiting() != 0 {
			t.Errorf("r1 %d r2 %d r3 %d", r1, r2, r3)
		}
		return err
	})
}

// test_filling_tasks_cancel_one: a cancelled party no longer counts as arrived.
func TestBarrier_FillingTasksCancelOne(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		b := asyncio.NewBarrier(3)
		t1 := asyncio.CreateTask(ctx, b.Wait)
		auYield(t, ctx, 1)
		t2 := asyncio.CreateTask(ctx, b.Wait)
		auYield(t, ctx, 1)
		if b.NWaiting() != 2 {
			t.Errorf("NWaiting %d", b.NWaiting())
		}
		t1.Cancel()
		auYield(t, ctx, 1)
		if b.NWaiting() != 1 || !t1.Cancelled() {
			t.Errorf("after cancel NWaiting %d, cancelled %t", b.NWaiting(), t1.Cancelled())
		}
		t3 := asyncio.CreateTask(ctx, b.Wait)
		auYield(t, ctx, 1)
		if b.NWaiting() != 2 {
			t.Errorf("NWaiting %d", b.NWaiting())
		}
		t4 := asyncio.CreateTask(ctx, b.Wait)
		_, err := asyncio.Gather(ctx, t2, t3, t4)
		if b.NWaiting() != 0 || b.Broken() {
			t.Errorf("end NWaiting %d", b.NWaiting())
		}
		return err
	})
}

// test_maxsize: a putter blocks on the full queue and resumes one step after a Get.
func TestQueue_Maxsize(t *testing.T) {
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
		auYield(t, ctx, 2)
		if !slices.Equal(put, []int{0, 1}) {
			t.Errorf("put %v", put)
		}
		if v, _ := q.Get(ctx); v != 0 {
			t.Errorf("get %d", v)
		}
		auYield(t, ctx, 1)
		if !slices.Equal(put, []int{0, 1, 2}) || !p.Done() {
			t.Errorf("put %v done %t", put, p.Done())
		}
		return nil
	})
}

// test_get_with_waiting_putters: blocked putters deliver in order to successive Gets.
func TestQueue_GetWithWaitingPutters(t *testing.T) {
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
func TestQueue_PutCancelDrop(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		q := asyncio.NewQueue[int](1)
		auNoErr(t, "q.PutNowait(1)", q.PutNowait(1))
		w := asyncio.Go(ctx, func(ctx context.Context) error { return q.Put(ctx, 2) })
		auYield(t, ctx, 1)
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

// test_shutdown_empty: Shutdown wakes a blocked Get with ErrQueueShutDown; Join returns at once; every put and get then fails.
func TestQueue_ShutdownEmpty(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var q asyncio.Queue[string]
		g := asyncio.CreateTask(ctx, q.Get)
		auYield(t, ctx, 1)
		auNoErr(t, "q.Shutdown(false)", q.Shutdown(false))
		if err := q.Join(ctx); err != nil {
			t.Errorf("join %v", err)
		}
		auYield(t, ctx, 1)
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

// test_why_are_putters_waiting: draining with GetNowait wakes every blocked putter (no hang).
func TestQueue_WhyArePuttersWaiting(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		q := asyncio.NewQueue[int](2)
		var ts []asyncio.Awaitable[struct{}]
		ts = append(ts, asyncio.Go(ctx, func(ctx context.Context) error {
			auYield(t, ctx, 1)
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
func TestQueue_WhyAreGettersWaiting(t *testing.T) {
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

// test_cancelled_wakeup_relock: a notified waiter cancelled while re-acquiring the lock passes the wake-up on.
func TestCondition_CancelledWakeupRelock(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var c asyncio.Condition
		state := 0
		consumer := func(ctx context.Context) error {
			if err := c.Acquire(ctx); err != nil {
				return err
			}
			defer c.Release()
			for {
				if err := c.WaitFor(ctx, func() bool { return state != 0 }); err != nil {
					return err
				}
				if state < 0 {
					return nil
				}
				state--
			}
		}
		c0, c1 := asyncio.Go(ctx, consumer), asyncio.Go(ctx, consumer)
		auYield(t, ctx, 1)
		if err := c.Acquire(ctx); err != nil {
			return err
		}
		state++
		auNoErr(t, "c.Notify(1)", c.Notify(1))
		auYield(t, ctx, 1)
		c0.Cancel()
		err := asyncio.Timeout(ctx, 10*time.Millisecond, func(ctx context.Context) error {
			return c.WaitFor(ctx, func() bool { return state == 0 })
		})
		if err != nil && !errors.Is(err, asyncio.ErrTimeout) {
			return err
		}
		if state != 0 {
			t.Errorf("state = %d", state)
		}
		state = -1
		c.NotifyAll()
		auNoErr(t, "c.Release()", c.Release())
		if _, err := c1.Await(ctx); err != nil {
			return err
		}
		if !c0.Cancelled() {
			t.Errorf("c0 %v", c0)
		}
		return nil
	})
}

// test_wait_cancel_after_notify (bpo-32841): a notified waiter cancelled while re-acquiring ends cancelled.
func TestCondition_WaitCancelAfterNotify(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var c asyncio.Condition
		waited := false
		w := asyncio.Go(ctx, func(ctx context.Context) error {
			if err := c.Acquire(ctx); err != nil {
				return err
			}
			defer c.Release()
			waited = true
			return c.Wait(ctx)
		})
		auYield(t, ctx, 1)
		auNoErr(t, "c.Acquire(ctx)", c.Acquire(ctx))
		auNoErr(t, "c.Notify(1)", c.Notify(1))
		auYield(t, ctx, 1)
		w.Cancel()
		auYield(t, ctx, 1)
		auNoErr(t, "c.Release()", c.Release())
		auYield(t, ctx, 1)
		if !w.Cancelled() || !waited {
			t.Errorf("w %v waited %t", w, waited)
		}
		return nil
	})
}

// test_wait_cancel_contested: whatever the outcome, Wait returns holding the lock.
func TestCondition_WaitCancelContested(t *testing.T) {
	runWithLoop(t, func(ctx context.Context, loop *asyncio.EventLoop) {
		var c asyncio.Condition
		auNoErr(t, "c.Acquire(ctx)", c.Acquire(ctx))
		w := asyncio.Go(ctx, c.Wait)
		auYield(t, ctx, 1)
		if c.Locked() {
			t.Error("locked while waiting")
		}
		auNoErr(t, "c.Acquire(ctx)", c.Acquire(ctx))
		auNoErr(t, "c.Notify(1)", c.Notify(1))
		loop.CallSoon(func() { w.Cancel() })
		loop.CallSoon(func() { c.Release() })
		if _, err := w.Await(ctx); err != nil && !syCancelled(err) {
			t.Errorf("waiter: %v", err)
		}
		if !c.Locked() {
			t.Error("not locked after")
		}
	})
}

// test_timeout_in_block: WaitFor(Wait) times out and the lock is held again.
func TestCondition_TimeoutInBlock(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var c asyncio.Condition
		auNoErr(t, "c.Acquire(ctx)", c.Acquire(ctx))
		_, err := asyncio.WaitFor(ctx, asyncio.Func(c.Wait), 500*time.Millisecond)
		if !errors.Is(err, asyncio.ErrTimeout) || !c.Locked() {
			t.Errorf("err %v locked %t", err, c.Locked())
		}
		return nil
	})
}

// test_notify: Notify(1) wakes one; Notify(1) then Notify(2048) wake the rest, in order.
func TestCondition_NotifyCounts(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var c asyncio.Condition
		var got []int
		for id := 1; id <= 3; id++ {
			asyncio.Go(ctx, func(ctx context.Context) error {
				auNoErr(t, "c.Acquire(ctx)", c.Acquire(ctx))
				if err := c.Wait(ctx); err != nil {
					return err
				}
				got = append(got, id)
				return c.Release()
			})
		}
		auYield(t, ctx, 1)
		auNoErr(t, "c.Acquire(ctx)", c.Acquire(ctx))
		auNoErr(t, "c.Notify(1)", c.Notify(1))
		auNoErr(t, "c.Release()", c.Release())
		auYield(t, ctx, 1)
		if !slices.Equal(got, []int{1}) {
			t.Errorf("got %v", got)
		}
		auNoErr(t, "c.Acquire(ctx)", c.Acquire(ctx))
		auNoErr(t, "c.Notify(1)", c.Notify(1))
		auNoErr(t, "c.Notify(2048)", c.Notify(2048))
		auNoErr(t, "c.Release()", c.Release())
		auYield(t, ctx, 1)
		if !slices.Equal(got, []int{1, 2, 3}) {
			t.Errorf("got %v", got)
		}
		return nil
	})
}

// test_acquire: two Releases hand permits to the two oldest waiters before a newcomer.
func TestSemaphore_AcquireRace(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		s := asyncio.NewSemaphore(3)
		var got []int
		auNoErr(t, "s.Acquire(ctx)", s.Acquire(ctx))
		auNoErr(t, "s.Acquire(ctx)", s.Acquire(ctx))
		if s.Locked() {
			t.Error("locked")
		}
		var ts []*asyncio.Task[struct{}]
		for id := 1; id <= 3; id++ {
			ts = append(ts, asyncio.Go(ctx, syAcquirer(s, &got, id)))
		}
		auYield(t, ctx, 1)
		if !slices.Equal(got, []int{1}) || !s.Locked() {
			t.Errorf("got %v", got)
		}
		ts = append(ts, asyncio.Go(ctx, syAcquirer(s, &got, 4)))
		auNoErr(t, "s.Release()", s.Release())
		auNoErr(t, "s.Release()", s.Release())
		auYield(t, ctx, 1)
		if len(got) != 3 || !s.Locked() {
			t.Errorf("got %v", got)
		}
		auNoErr(t, "s.Release()", s.Release())
		for _, x := range ts {
			if _, err := x.Await(ctx); err != nil {
				return err
			}
		}
		return nil
	})
}

// test_acquire_fifo_order: a re-acquire queues behind the waiters already queued.
func TestSemaphore_AcquireFIFOWithSleeps(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		s := asyncio.NewSemaphore(1)
		var got []string
		coro := func(tag string) func(ctx context.Context) error {
			return func(ctx context.Context) error {
				for _, k := range []string{"1", "2"} {
					if err := s.Acquire(ctx); err != nil {
						return err
					}
					got = append(got, tag+"_"+k)
					if err := asyncio.Sleep(ctx, 10*time.Millisecond); err != nil {
						return err
					}
					auNoErr(t, "s.Release()", s.Release())
				}
				return nil
			}
		}
		err := syGatherN(ctx, 1, func(ctx context.Context) error {
			a, b, c := asyncio.Go(ctx, coro("c1")), asyncio.Go(ctx, coro("c2")), asyncio.Go(ctx, coro("c3"))
			_, err := asyncio.Gather[struct{}](ctx, a, b, c)
			return err
		})
		if want := []string{"c1_1", "c2_1", "c3_1", "c1_2", "c2_2", "c3_2"}; !slices.Equal(got, want) {
			t.Errorf("got %v", got)
		}
		return err
	})
}

// test_acquire_hang: a Release with the head waiter cancelled goes to the next one.
func TestSemaphore_AcquireHang(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		s := asyncio.NewSemaphore(0)
		t1 := asyncio.Go(ctx, s.Acquire)
		t2 := asyncio.Go(ctx, s.Acquire)
		auYield(t, ctx, 1)
		t1.Cancel()
		auNoErr(t, "s.Release()", s.Release())
		auYield(t, ctx, 2)
		if !s.Locked() || !t2.Done() {
			t.Errorf("locked %t t2 %v", s.Locked(), t2)
		}
		return nil
	})
}

// Condition.wait_for calls the predicate once, then waits, then calls it again
// after each wake-up: it must not call it twice before the first wait (a
// predicate that turns true on its second call must still wait for a
// Notify). Found by the audit: WaitFor called it twice and skipped the wait.
func TestCondition_WaitForCallsPredicateOnceBeforeWaiting(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var c asyncio.Condition
		calls := 0
		pred := func() bool { calls++; return calls >= 2 }
		w := asyncio.Go(ctx, func(ctx context.Context) error {
			if err := c.Acquire(ctx); err != nil {
				return err
			}
			defer c.Release()
			return c.WaitFor(ctx, pred)
		})
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		if calls != 1 || w.Done() {
			t.Errorf("before Notify: %d predicate calls, done %t; want 1 call, still waiting", calls, w.Done())
		}
		if err := c.Acquire(ctx); err != nil {
			return err
		}
		if err := c.Notify(1); err != nil {
			return err
		}
		if err := c.Release(); err != nil {
			return err
		}
		if _, err := w.Await(ctx); err != nil {
			return err
		}
		if calls != 2 {
			t.Errorf("after Notify: %d predicate calls, want 2", calls)
		}
		return nil
	})
}

// test_filling_tasks_wait_twice, test_filling_tasks_check_return_value: a
// round that ends lets the same parties pass a second round, each index once.
func TestBarrier_SamePartiesPassTwoRounds(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		const n = 5
		b := asyncio.NewBarrier(n)
		var first, second []int
		err := syGatherN(ctx, n, func(ctx context.Context) error {
			i, err := b.Wait(ctx)
			if err != nil {
				return err
			}
			first = append(first, i)
			if i, err = b.Wait(ctx); err != nil {
				return err
			}
			second = append(second, i)
			return nil
		})
		slices.Sort(first)
		slices.Sort(second)
		if !syIsRange(first, n) || !syIsRange(second, n) || b.NWaiting() != 0 || b.Broken() {
			t.Errorf("indices %v then %v, NWaiting %d, Broken %t", first, second, b.NWaiting(), b.Broken())
		}
		return err
	})
}

// test_reset_barrier, test_abort_barrier: on a Barrier nobody waits on, Reset
// leaves it usable and Abort breaks it.
func TestBarrier_ResetAndAbortOfAnIdleBarrier(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		b := asyncio.NewBarrier(1)
		auNoErr(t, "Reset", b.Reset())
		if b.NWaiting() != 0 || b.Broken() {
			t.Errorf("after Reset: NWaiting %d, Broken %t", b.NWaiting(), b.Broken())
		}
		auNoErr(t, "Abort", b.Abort())
		if b.NWaiting() != 0 || !b.Broken() {
			t.Errorf("after Abort: NWaiting %d, Broken %t", b.NWaiting(), b.Broken())
		}
		if _, err := b.Wait(ctx); !errors.Is(err, asyncio.ErrBrokenBarrier) {
			t.Errorf("Wait on aborted barrier = %v, want ErrBrokenBarrier", err)
		}
		return nil
	})
}

// test_cancelled_put_silence_value_error_exception: a putter woken by
// GetNowait and then cancelled returns the cancellation, and the free slot
// stays free.
func TestQueue_WokenPutterCancelledReturnsCancellation(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		q := asyncio.NewQueue[int](1)
		auNoErr(t, "PutNowait", q.PutNowait(1))
		p := asyncio.Go(ctx, func(ctx context.Context) error { return q.Put(ctx, 2) })
		auYield(t, ctx, 1)
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

// test_blocking_get_wait, test_blocking_put_wait: a Get (a Put) blocked on an
// empty (a full) queue is released by a GetNowait (a PutNowait) made from a
// timer callback, at the timer's time.
func TestQueue_NowaitFromCallbackReleasesBlockedCoroutines(t *testing.T) {
	runWithLoop(t, func(ctx context.Context, loop *asyncio.EventLoop) {
		q := asyncio.NewQueue[int](1)
		start := loop.Time()
		loop.CallLater(10*time.Millisecond, func() { auNoErr(t, "PutNowait", q.PutNowait(1)) })
		if v, err := q.Get(ctx); v != 1 || err != nil || loop.Time()-start != 10*time.Millisecond {
			t.Errorf("Get = %d, %v after %v; want 1 after 10ms", v, err, loop.Time()-start)
		}
		auNoErr(t, "PutNowait", q.PutNowait(2))
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
