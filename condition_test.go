package asyncio_test

// Condition: the CD cases of the conformance checklist and the wake-up rules.
//
// Not applicable to Go, so not tested as such:
//   - CD-05 (identity half): asyncio re-raises the very same CancelledError
//     object; a Go error carries no identity worth keeping, so
//     TestCD05_CancelMessageSurvivesTheReacquire checks the message.

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

// syCondWaiter returns a coroutine that acquires c, waits on it once,
// appends id to *log and returns, keeping the lock.
func syCondWaiter(c *asyncio.Condition, log *[]int, id int) func(context.Context) error {
	return func(ctx context.Context) error {
		if err := c.Acquire(ctx); err != nil {
			return err
		}
		if err := c.Wait(ctx); err != nil {
			return err
		}
		*log = append(*log, id)
		return nil
	}
}

func TestCD01_WaitAndNotifyNeedTheLock(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var c asyncio.Condition
		if err := c.Wait(ctx); !errors.Is(err, asyncio.ErrNotAcquired) {
			t.Errorf("Wait = %v, want ErrNotAcquired", err)
		}
		if err := c.Notify(1); !errors.Is(err, asyncio.ErrNotAcquired) {
			t.Errorf("Notify = %v, want ErrNotAcquired", err)
		}
		if err := c.NotifyAll(); !errors.Is(err, asyncio.ErrNotAcquired) {
			t.Errorf("NotifyAll = %v, want ErrNotAcquired", err)
		}
		return nil
	})
}

func TestConditionWaitReacquiresInOrder(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var c asyncio.Condition
		var got []int
		for id := 1; id <= 3; id++ {
			asyncio.Go(ctx, syCondWaiter(&c, &got, id))
		}
		check := func(want ...int) error {
			if err := yieldN(ctx, 1); err != nil {
				return err
			}
			if !slices.Equal(got, want) || !c.Locked() {
				t.Errorf("got %v (Locked %t), want %v and locked", got, c.Locked(), want)
			}
			return nil
		}
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		if c.Locked() {
			t.Error("Locked() = true with every task waiting")
		}
		if err := c.Acquire(ctx); err != nil {
			return err
		}
		c.Notify(1)
		if err := check(); err != nil { // woken, but the lock is ours
			return err
		}
		c.Release()
		if err := check(1); err != nil {
			return err
		}
		c.Notify(2) // the lock is locked, by task 1: notifying needs no more
		if err := check(1); err != nil {
			return err
		}
		c.Release()
		if err := check(1, 2); err != nil {
			return err
		}
		c.Release()
		return check(1, 2, 3)
	})
}

func TestConditionNotify2WakesExactlyTwo(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var c asyncio.Condition
		var got []int
		var tasks []*asyncio.Task[struct{}]
		for id := 1; id <= 4; id++ {
			tasks = append(tasks, asyncio.Go(ctx, func(ctx context.Context) error {
				if err := syCondWaiter(&c, &got, id)(ctx); err != nil {
					return err
				}
				return c.Release()
			}))
		}
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		if err := c.Acquire(ctx); err != nil {
			return err
		}
		if err := c.Notify(2); err != nil {
			return err
		}
		c.Release()
		if err := yieldN(ctx, 5); err != nil {
			return err
		}
		if !slices.Equal(got, []int{1, 2}) || asyncio.ConditionWaiters(&c) != 2 {
			t.Errorf("after Notify(2): got %v, %d still waiting; want [1 2], 2", got, asyncio.ConditionWaiters(&c))
		}
		if err := c.Acquire(ctx); err != nil {
			return err
		}
		c.NotifyAll()
		c.Release()
		for _, task := range tasks {
			if _, err := task.Await(ctx); err != nil {
				return err
			}
		}
		if !slices.Equal(got, []int{1, 2, 3, 4}) {
			t.Errorf("after NotifyAll: got %v, want [1 2 3 4]", got)
		}
		return nil
	})
}

func TestCD03_WaitForChecksThePredicate(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var c asyncio.Condition
		ready := false
		var got []int
		waiter := asyncio.Go(ctx, func(ctx context.Context) error {
			if err := c.Acquire(ctx); err != nil {
				return err
			}
			defer c.Release()
			if err := c.WaitFor(ctx, func() bool { return ready }); err != nil {
				return err
			}
			got = append(got, 1)
			return nil
		})
		notify := func() error {
			if err := c.Acquire(ctx); err != nil {
				return err
			}
			c.Notify(1)
			c.Release()
			return yieldN(ctx, 1)
		}
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		if err := notify(); err != nil {
			return err
		}
		if len(got) != 0 {
			t.Errorf("woke with the predicate false: got %v", got)
		}
		ready = true
		if err := notify(); err != nil {
			return err
		}
		if !slices.Equal(got, []int{1}) || !waiter.Done() {
			t.Errorf("got %v, waiter %v; want [1] and done", got, waiter)
		}
		// A true predicate needs no lock; a false one does.
		if err := c.WaitFor(ctx, func() bool { return true }); err != nil {
			t.Errorf("WaitFor(true) without the lock = %v", err)
		}
		if err := c.WaitFor(ctx, func() bool { return false }); !errors.Is(err, asyncio.ErrNotAcquired) {
			t.Errorf("WaitFor(false) without the lock = %v, want ErrNotAcquired", err)
		}
		return nil
	})
}

func TestCD04_CancelledWaitReacquiresTheLock(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var c asyncio.Condition
		if err := c.Acquire(ctx); err != nil {
			return err
		}
		wait := asyncio.Go(ctx, c.Wait)
		runningLoop(t, ctx).CallSoon(func() { wait.Cancel() })
		if _, err := wait.Await(ctx); !syCancelled(err) {
			t.Errorf("cancelled Wait = %v, want a cancellation", err)
		}
		if !c.Locked() || asyncio.ConditionWaiters(&c) != 0 {
			t.Errorf("Locked %t, waiters %d; want true, 0", c.Locked(), asyncio.ConditionWaiters(&c))
		}
		return nil
	})
}

func TestCD05_CancelMessageSurvivesTheReacquire(t *testing.T) {
	for _, whileReacquiring := range []bool{false, true} {
		asynciotest.Run(t, func(ctx context.Context) error {
			var c asyncio.Condition
			var log []string
			task := asyncio.Go(ctx, func(ctx context.Context) error {
				if err := c.Acquire(ctx); err != nil {
					return err
				}
				defer c.Release()
				err := c.WaitFor(ctx, func() bool { return false })
				if c.Locked() {
					log = append(log, "returned holding the lock")
				}
				return err
			})
			if err := yieldN(ctx, 1); err != nil {
				return err
			}
			if whileReacquiring {
				// Wake the waiter while we hold the lock: it queues to
				// re-acquire, and is cancelled there.
				if err := c.Acquire(ctx); err != nil {
					return err
				}
				c.Notify(1)
				if err := yieldN(ctx, 1); err != nil {
					return err
				}
				task.CancelWithMessage("foo")
				if err := yieldN(ctx, 1); err != nil {
					return err
				}
				log = append(log, "released")
				c.Release()
			} else {
				task.CancelWithMessage("foo")
			}
			_, err := task.Await(ctx)
			var ce *asyncio.CancelledError
			if !errors.As(err, &ce) || ce.Message != "foo" {
				t.Errorf("reacquiring %t: err = %v, want a cancellation with message foo", whileReacquiring, err)
			}
			want := []string{"returned holding the lock"}
			if whileReacquiring {
				want = append([]string{"released"}, want...)
			}
			if !slices.Equal(log, want) {
				t.Errorf("reacquiring %t: log = %v, want %v", whileReacquiring, log, want)
			}
			return nil
		})
	}
}

func TestConditionWaitWithDoneDerivedCtxStillReacquires(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var c asyncio.Condition
		if err := c.Acquire(ctx); err != nil {
			return err
		}
		holder := asyncio.Go(ctx, func(ctx context.Context) error {
			if err := c.Acquire(ctx); err != nil {
				return err
			}
			defer c.Release()
			return asyncio.Sleep(ctx, 10*time.Millisecond)
		})
		cctx, cancel := context.WithCancel(ctx)
		runningLoop(t, ctx).CallLater(5*time.Millisecond, cancel)
		err := c.Wait(cctx)
		if !errors.Is(err, context.Canceled) || !c.Locked() || runningLoop(t, ctx).Time() < 10*time.Millisecond {
			t.Errorf("Wait = %v at %v (Locked %t); want context.Canceled once the holder released, at 10ms",
				err, runningLoop(t, ctx).Time(), c.Locked())
		}
		c.Release()
		_, err = holder.Await(ctx)
		return err
	})
}

// CD-06, and CPython's test_cancelled_wakeup_relock: a notified waiter
// cancelled before its wake-up runs, or while it re-acquires the lock, passes
// the wake-up on to the next waiter.
func TestCD06_NotifiedThenCancelledPassesTheWakeUpOn(t *testing.T) {
	for _, tc := range []struct {
		name   string
		yields int // loop iterations between Notify and the cancel
	}{
		{"before its wake-up runs", 0},
		{"while re-acquiring the lock", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
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
				syYield(t, ctx, 1)
				if err := c.Acquire(ctx); err != nil {
					return err
				}
				state++
				syNoErr(t, "c.Notify(1)", c.Notify(1))
				syYield(t, ctx, tc.yields)
				c0.Cancel()
				err := asyncio.Timeout(ctx, 50*time.Millisecond, func(ctx context.Context) error {
					return c.WaitFor(ctx, func() bool { return state == 0 })
				})
				if err != nil && !errors.Is(err, asyncio.ErrTimeout) {
					return err
				}
				if state != 0 {
					t.Errorf("state = %d: the wake-up was lost with the cancelled consumer", state)
				}
				state = -1
				syNoErr(t, "c.NotifyAll()", c.NotifyAll())
				syNoErr(t, "c.Release()", c.Release())
				if _, err := c1.Await(ctx); err != nil {
					return err
				}
				if !c0.Cancelled() {
					t.Errorf("consumer 0 = %v, want cancelled", c0)
				}
				return nil
			})
		})
	}
}

func TestCD07_ConditionSharesAnExplicitLock(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var mu asyncio.Lock
		c := asyncio.NewCondition(&mu)
		if err := mu.Acquire(ctx); err != nil {
			return err
		}
		if !c.Locked() {
			t.Error("locking the Lock did not lock the Condition")
		}
		if err := c.Notify(1); err != nil {
			t.Errorf("Notify with the shared lock held = %v", err)
		}
		if err := c.Release(); err != nil {
			return err
		}
		if err := c.Acquire(ctx); err != nil {
			return err
		}
		if !mu.Locked() {
			t.Error("locking the Condition did not lock the Lock")
		}
		return mu.Release()
	})
}

func TestConditionNotifyFromAnotherGoroutineIsRefused(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var c asyncio.Condition
		if err := c.Acquire(ctx); err != nil {
			return err
		}
		errc := make(chan error)
		go func() { errc <- c.NotifyAll() }()
		//asynciovet:ignore waits for a plain goroutine on purpose: the test checks a call made off the loop
		if err := <-errc; !errors.Is(err, asyncio.ErrWrongGoroutine) {
			t.Errorf("NotifyAll from another goroutine = %v, want ErrWrongGoroutine", err)
		}
		return c.Release()
	})
}

// test_notify: Notify(1) wakes one; Notify(1) then Notify(2048) wake the rest, in order.
func TestConditionNotifyWakesAsManyWaitersAsAskedInOrder(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var c asyncio.Condition
		var got []int
		for id := 1; id <= 3; id++ {
			asyncio.Go(ctx, func(ctx context.Context) error {
				syNoErr(t, "c.Acquire(ctx)", c.Acquire(ctx))
				if err := c.Wait(ctx); err != nil {
					return err
				}
				got = append(got, id)
				return c.Release()
			})
		}
		syYield(t, ctx, 1)
		syNoErr(t, "c.Acquire(ctx)", c.Acquire(ctx))
		syNoErr(t, "c.Notify(1)", c.Notify(1))
		syNoErr(t, "c.Release()", c.Release())
		syYield(t, ctx, 1)
		if !slices.Equal(got, []int{1}) {
			t.Errorf("got %v", got)
		}
		syNoErr(t, "c.Acquire(ctx)", c.Acquire(ctx))
		syNoErr(t, "c.Notify(1)", c.Notify(1))
		syNoErr(t, "c.Notify(2048)", c.Notify(2048))
		syNoErr(t, "c.Release()", c.Release())
		syYield(t, ctx, 1)
		if !slices.Equal(got, []int{1, 2, 3}) {
			t.Errorf("got %v", got)
		}
		return nil
	})
}

// Condition.wait_for calls the predicate once, then waits, then calls it again
// after each wake-up: it must not call it twice before the first wait (a
// predicate that turns true on its second call must still wait for a
// Notify). Found by the audit: WaitFor called it twice and skipped the wait.
func TestConditionWaitForCallsThePredicateOnceBeforeWaiting(t *testing.T) {
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

// test_timeout_in_block: WaitFor(Wait) times out and the lock is held again.
func TestConditionWaitTimingOutHoldsTheLockAgain(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var c asyncio.Condition
		syNoErr(t, "c.Acquire(ctx)", c.Acquire(ctx))
		_, err := asyncio.WaitFor(ctx, asyncio.Func(c.Wait), 500*time.Millisecond)
		if !errors.Is(err, asyncio.ErrTimeout) || !c.Locked() {
			t.Errorf("err %v locked %t", err, c.Locked())
		}
		return nil
	})
}

// test_wait_cancel_after_notify (bpo-32841): a notified waiter cancelled while re-acquiring ends cancelled.
func TestConditionWaiterCancelledAfterNotifyEndsCancelled(t *testing.T) {
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
		syYield(t, ctx, 1)
		syNoErr(t, "c.Acquire(ctx)", c.Acquire(ctx))
		syNoErr(t, "c.Notify(1)", c.Notify(1))
		syYield(t, ctx, 1)
		w.Cancel()
		syYield(t, ctx, 1)
		syNoErr(t, "c.Release()", c.Release())
		syYield(t, ctx, 1)
		if !w.Cancelled() || !waited {
			t.Errorf("w %v waited %t", w, waited)
		}
		return nil
	})
}

// test_wait_cancel_contested: whatever the outcome, Wait returns holding the lock.
func TestConditionContestedWaitCancelReturnsHoldingTheLock(t *testing.T) {
	runWithLoop(t, func(ctx context.Context, loop *asyncio.EventLoop) {
		var c asyncio.Condition
		syNoErr(t, "c.Acquire(ctx)", c.Acquire(ctx))
		w := asyncio.Go(ctx, c.Wait)
		syYield(t, ctx, 1)
		if c.Locked() {
			t.Error("locked while waiting")
		}
		syNoErr(t, "c.Acquire(ctx)", c.Acquire(ctx))
		syNoErr(t, "c.Notify(1)", c.Notify(1))
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
