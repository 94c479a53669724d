package asyncio_test

// Lock and Event: the LK and EV cases of the conformance checklist, the FIFO
// and hand-off guarantees, and the Go rules (zero values, loop binding, wrong
// goroutine), with the helpers the other synchronization tests share.
// Semaphore, Condition and Barrier have files of their own.

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

// syCancelled reports whether err is a cancellation.
func syCancelled(err error) bool { return errors.Is(err, asyncio.ErrCancelled) }

// syIsRange reports whether s is 0, 1, ..., n-1.
func syIsRange(s []int, n int) bool {
	if len(s) != n {
		return false
	}
	for i, v := range s {
		if v != i {
			return false
		}
	}
	return true
}

// syAcquirer returns a coroutine that acquires a and appends id to *log,
// keeping what it acquired.
func syAcquirer(a interface{ Acquire(context.Context) error }, log *[]int, id int) func(context.Context) error {
	return func(ctx context.Context) error {
		if err := a.Acquire(ctx); err != nil {
			return err
		}
		*log = append(*log, id)
		return nil
	}
}

// syYield yields n times, reporting a failure to yield with t.Errorf (never
// t.Fatal: it runs on a coroutine's goroutine).
func syYield(t *testing.T, ctx context.Context, n int) {
	t.Helper()
	if err := yieldN(ctx, n); err != nil {
		t.Errorf("yield: %v", err)
	}
}

// syNoErr reports a non-nil err with t.Errorf, naming what returned it.
func syNoErr(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Errorf("%s: %v", what, err)
	}
}

func TestLK01_OneAcquirerPerReleaseInFIFOOrder(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var mu asyncio.Lock
		var got []int
		if err := mu.Acquire(ctx); err != nil {
			return err
		}
		asyncio.Go(ctx, syAcquirer(&mu, &got, 1))
		asyncio.Go(ctx, syAcquirer(&mu, &got, 2))
		step := func(release bool, want ...int) error {
			if release {
				if err := mu.Release(); err != nil {
					return err
				}
			}
			if err := yieldN(ctx, 1); err != nil {
				return err
			}
			if !slices.Equal(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
			return nil
		}
		if err := step(false); err != nil {
			return err
		}
		if err := step(true, 1); err != nil {
			return err
		}
		if err := step(false, 1); err != nil {
			return err
		}
		asyncio.Go(ctx, syAcquirer(&mu, &got, 3))
		if err := step(true, 1, 2); err != nil {
			return err
		}
		return step(true, 1, 2, 3)
	})
}

func TestLK02_NoBargingPastAWokenWaiter(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var mu asyncio.Lock
		var order []string
		if err := mu.Acquire(ctx); err != nil {
			return err
		}
		w := asyncio.Go(ctx, func(ctx context.Context) error {
			if err := mu.Acquire(ctx); err != nil {
				return err
			}
			order = append(order, "W")
			return mu.Release()
		})
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		if err := mu.Release(); err != nil {
			return err
		}
		if mu.Locked() {
			t.Error("Locked() = true right after Release")
		}
		// The newcomer runs before W, yet must queue behind it.
		if err := mu.Acquire(ctx); err != nil {
			return err
		}
		order = append(order, "N")
		if !slices.Equal(order, []string{"W", "N"}) {
			t.Errorf("order = %v, want [W N]", order)
		}
		if err := mu.Release(); err != nil {
			return err
		}
		_, err := w.Await(ctx)
		return err
	})
}

func TestLK04_CancelledAcquireLeavesNoWaiter(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var mu asyncio.Lock
		if err := mu.Acquire(ctx); err != nil {
			return err
		}
		task := asyncio.Go(ctx, mu.Acquire)
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		if n := asyncio.LockWaiters(&mu); n != 1 {
			t.Errorf("waiters = %d, want 1", n)
		}
		task.Cancel()
		if _, err := task.Await(ctx); !syCancelled(err) {
			t.Errorf("cancelled Acquire returned %v, want a cancellation", err)
		}
		if !task.Cancelled() {
			t.Error("task not cancelled")
		}
		if n := asyncio.LockWaiters(&mu); n != 0 {
			t.Errorf("waiters = %d after the cancellation, want 0", n)
		}
		return mu.Release()
	})
}

func TestLK05_WokenWaiterCancelledHandsLockOn(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var mu asyncio.Lock
		acquired := 0
		if err := mu.Acquire(ctx); err != nil {
			return err
		}
		acquirer := func(ctx context.Context) error {
			if err := mu.Acquire(ctx); err != nil {
				return err
			}
			acquired++
			return nil
		}
		t1, t2, t3 := asyncio.Go(ctx, acquirer), asyncio.Go(ctx, acquirer), asyncio.Go(ctx, acquirer)
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		runningLoop(t, ctx).CallSoon(func() {
			t1.Cancel()
			mu.Release()
		})
		if err := yieldN(ctx, 4); err != nil {
			return err
		}
		if acquired != 1 || !t1.Cancelled() || !t2.Done() || t2.Exception() != nil || t3.Done() {
			t.Errorf("acquired = %d, t1 cancelled %t, t2 %v, t3 done %t; want 1, true, finished, false",
				acquired, t1.Cancelled(), t2, t3.Done())
		}
		t3.Cancel()
		return nil
	})
}

func TestLK06_CancelledHeadDoesNotLoseTheRelease(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var mu asyncio.Lock
		if err := mu.Acquire(ctx); err != nil {
			return err
		}
		tb := asyncio.Go(ctx, mu.Acquire)
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		tc := asyncio.Go(ctx, mu.Acquire)
		tb.Cancel()
		if err := mu.Release(); err != nil {
			return err
		}
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		if !mu.Locked() || !tb.Cancelled() {
			t.Errorf("Locked() = %t, tb cancelled = %t; want true, true", mu.Locked(), tb.Cancelled())
		}
		_, err := tc.Await(ctx)
		return err
	})
}

func TestLockCancelRace(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var mu asyncio.Lock
		lockit := func(blocker *asyncio.Future[struct{}]) func(context.Context) error {
			return func(ctx context.Context) error {
				if err := mu.Acquire(ctx); err != nil {
					return err
				}
				defer mu.Release()
				if blocker != nil {
					_, err := blocker.Await(ctx)
					return err
				}
				return nil
			}
		}
		fa := asyncio.NewFuture[struct{}](runningLoop(t, ctx))
		ta := asyncio.Go(ctx, lockit(fa))
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		tb := asyncio.Go(ctx, lockit(nil))
		tc := asyncio.Go(ctx, lockit(nil))
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		if n := asyncio.LockWaiters(&mu); n != 2 {
			t.Errorf("waiters = %d, want 2", n)
		}
		// A releases while B, the head waiter, is being cancelled.
		fa.SetResult(struct{}{})
		tb.Cancel()
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		if mu.Locked() || !ta.Done() || !tb.Cancelled() {
			t.Errorf("Locked %t, A %v, B %v; want false, done, cancelled", mu.Locked(), ta, tb)
		}
		_, err := tc.Await(ctx)
		return err
	})
}

func TestLockFIFOOrderOf100Waiters(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var mu asyncio.Lock
		var got []int
		if err := mu.Acquire(ctx); err != nil {
			return err
		}
		var tasks []asyncio.Awaitable[struct{}]
		for i := range 100 {
			tasks = append(tasks, asyncio.Go(ctx, func(ctx context.Context) error {
				if err := mu.Acquire(ctx); err != nil {
					return err
				}
				got = append(got, i)
				return mu.Release()
			}))
			// Interleave arrivals with yields so that arrival order is not
			// simply creation order.
			if i%7 == 0 {
				if err := yieldN(ctx, 1); err != nil {
					return err
				}
			}
		}
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		if err := mu.Release(); err != nil {
			return err
		}
		if _, err := asyncio.Gather(ctx, tasks...); err != nil {
			return err
		}
		if !syIsRange(got, 100) {
			t.Errorf("acquisition order = %v, want 0..99", got)
		}
		return nil
	})
}

func TestLockReleaseUnlockedIsAnError(t *testing.T) {
	var mu asyncio.Lock
	if err := mu.Release(); !errors.Is(err, asyncio.ErrNotAcquired) {
		t.Errorf("Release of an unlocked Lock = %v, want ErrNotAcquired", err)
	}
}

func TestLockAcquireUncontendedDoesNotYield(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var mu asyncio.Lock
		ran := false
		asyncio.Go(ctx, func(context.Context) error { ran = true; return nil })
		if err := mu.Acquire(ctx); err != nil {
			return err
		}
		if ran || !mu.Locked() {
			t.Errorf("after an uncontended Acquire: other task ran %t, Locked %t; want false, true", ran, mu.Locked())
		}
		return mu.Release()
	})
}

func TestLockOutsideCoroutineChangesNothing(t *testing.T) {
	var mu asyncio.Lock
	if err := mu.Acquire(context.Background()); !errors.Is(err, asyncio.ErrNotInCoroutine) {
		t.Errorf("Acquire(Background) = %v, want ErrNotInCoroutine", err)
	}
	if mu.Locked() {
		t.Error("the refused Acquire locked the Lock")
	}
}

func TestLockFromAnotherGoroutineIsRefused(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var mu asyncio.Lock
		if err := mu.Acquire(ctx); err != nil {
			return err
		}
		errc := make(chan error)
		go func() { errc <- mu.Release() }()
		//asynciovet:ignore waits for a plain goroutine on purpose: the test checks a call made off the loop
		if err := <-errc; !errors.Is(err, asyncio.ErrWrongGoroutine) {
			t.Errorf("Release from another goroutine = %v, want ErrWrongGoroutine", err)
		}
		if !mu.Locked() {
			t.Error("the refused Release unlocked the Lock")
		}
		return mu.Release()
	})
}

func TestLockBoundToItsFirstLoop(t *testing.T) {
	var mu asyncio.Lock
	asynciotest.Run(t, func(ctx context.Context) error {
		if err := mu.Acquire(ctx); err != nil {
			return err
		}
		return mu.Release()
	})
	asynciotest.Run(t, func(ctx context.Context) error {
		if err := mu.Acquire(ctx); err == nil || mu.Locked() {
			t.Errorf("Acquire from a second loop = %v (Locked %t), want an error", err, mu.Locked())
		}
		return nil
	})
}

func TestEV01_WakeUpsGoThroughTheReadyQueue(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var ev asyncio.Event
		var got []int
		waiter := func(id int) func(context.Context) error {
			return func(ctx context.Context) error {
				if err := ev.Wait(ctx); err != nil {
					return err
				}
				got = append(got, id)
				return nil
			}
		}
		asyncio.Go(ctx, waiter(1))
		asyncio.Go(ctx, waiter(2))
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		asyncio.Go(ctx, waiter(3))
		if err := ev.Set(); err != nil {
			return err
		}
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		if !slices.Equal(got, []int{3, 1, 2}) {
			t.Errorf("got %v, want [3 1 2]", got)
		}
		return nil
	})
}

func TestEV02_ClearDoesNotRevokeAWakeUp(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var ev asyncio.Event
		w := asyncio.Go(ctx, ev.Wait)
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		if err := ev.Set(); err != nil {
			return err
		}
		if err := ev.Clear(); err != nil {
			return err
		}
		if ev.IsSet() {
			t.Error("IsSet() = true after Clear")
		}
		// Setting again, twice, wakes nobody twice.
		ev.Set()
		ev.Set()
		if n := asyncio.EventWaiters(&ev); n != 1 {
			t.Errorf("waiters = %d before the woken one runs, want 1", n)
		}
		ev.Clear()
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		if ev.IsSet() || !w.Done() || w.Exception() != nil || asyncio.EventWaiters(&ev) != 0 {
			t.Errorf("IsSet %t, waiter %v, %d waiters; want false, finished, 0", ev.IsSet(), w, asyncio.EventWaiters(&ev))
		}
		return nil
	})
}

func TestEventWaitOnSetEventDoesNotYield(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var ev asyncio.Event
		if err := ev.Set(); err != nil {
			return err
		}
		ran := false
		asyncio.Go(ctx, func(context.Context) error { ran = true; return nil })
		if err := ev.Wait(ctx); err != nil || ran {
			t.Errorf("Wait on a set Event = %v, other task ran %t; want nil, false", err, ran)
		}
		return nil
	})
}

func TestEventWaitCancelledLeavesNoWaiter(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var ev asyncio.Event
		w1, w2 := asyncio.Go(ctx, ev.Wait), asyncio.Go(ctx, ev.Wait)
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		w1.Cancel()
		if _, err := w1.Await(ctx); !syCancelled(err) {
			t.Errorf("cancelled Wait = %v, want a cancellation", err)
		}
		if n := asyncio.EventWaiters(&ev); n != 1 {
			t.Errorf("waiters = %d, want 1", n)
		}
		if err := ev.Set(); err != nil {
			return err
		}
		_, err := w2.Await(ctx)
		return err
	})
}

func TestEventSetFromAnotherGoroutineIsRefused(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var ev asyncio.Event
		w := asyncio.Go(ctx, ev.Wait) // binds ev to this loop
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		errc := make(chan error)
		go func() { errc <- ev.Set() }()
		//asynciovet:ignore waits for a plain goroutine on purpose: the test checks a call made off the loop
		if err := <-errc; !errors.Is(err, asyncio.ErrWrongGoroutine) || ev.IsSet() {
			t.Errorf("Set from another goroutine = %v (IsSet %t), want ErrWrongGoroutine", err, ev.IsSet())
		}
		w.Cancel()
		return nil
	})
}

func TestLockWaiterUnwoundByCloseCanAwaitAgain(t *testing.T) {
	loop := asynciotest.NewLoop(t)
	var mu asyncio.Lock
	got := make(chan [2]error, 1)
	loop.Go(func(ctx context.Context) error { return mu.Acquire(ctx) }) // holds it for ever
	loop.Go(func(ctx context.Context) error {
		first := mu.Acquire(ctx)
		//asynciovet:ignore the channel is buffered and has room: the send never waits
		got <- [2]error{first, mu.Acquire(ctx)} // an await after the unwind began
		return first
	})
	if err := loop.RunUntilComplete(loop.Go(func(ctx context.Context) error { return yieldN(ctx, 2) })); err != nil {
		t.Fatal(err)
	}
	loop.SetExceptionHandler(func(*asyncio.EventLoop, asyncio.ExceptionContext) {}) // "destroyed but pending" is expected
	if err := loop.Close(); err != nil {
		t.Fatal(err)
	}
	if errs := <-got; !syCancelled(errs[0]) || !syCancelled(errs[1]) || asyncio.LockWaiters(&mu) != 0 {
		t.Errorf("Acquires unwound by Close = %v (%d waiters left), want two cancellations and none", errs, asyncio.LockWaiters(&mu))
	}
}
