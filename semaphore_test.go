package asyncio_test

// Semaphore and BoundedSemaphore: the SM cases of the conformance checklist,
// FIFO order and the return of permits granted to cancelled waiters.
//
// Not applicable to Go, so not tested:
//   - SM-01 (ValueError half): a negative initial value is a programmer
//     error caught at construction, so NewSemaphore panics instead
//     (TestSM01_NegativeValuePanicsZeroIsLocked).

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

func TestSM01_NegativeValuePanicsZeroIsLocked(t *testing.T) {
	defer func() {
		if r := recover(); r != "asyncio: NewSemaphore: negative initial value" {
			t.Errorf("NewSemaphore(-1) panicked with %v", r)
		}
	}()
	if !asyncio.NewSemaphore(0).Locked() {
		t.Error("NewSemaphore(0).Locked() = false")
	}
	var zero asyncio.Semaphore
	if !zero.Locked() {
		t.Error("zero Semaphore not locked")
	}
	asyncio.NewSemaphore(-1)
}

func TestSemaphoreAcquireRelease(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		sem := asyncio.NewSemaphore(3)
		var got []int
		for range 2 {
			if err := sem.Acquire(ctx); err != nil {
				return err
			}
		}
		if sem.Locked() {
			t.Error("Locked() with a permit left")
		}
		t1 := asyncio.Go(ctx, syAcquirer(sem, &got, 1))
		t2 := asyncio.Go(ctx, syAcquirer(sem, &got, 2))
		t3 := asyncio.Go(ctx, syAcquirer(sem, &got, 3))
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		if !slices.Equal(got, []int{1}) || !sem.Locked() || asyncio.SemaphoreWaiters(sem) != 2 || asyncio.SemaphoreValue(sem) != 0 {
			t.Errorf("got %v, locked %t, waiters %d, value %d; want [1], true, 2, 0",
				got, sem.Locked(), asyncio.SemaphoreWaiters(sem), asyncio.SemaphoreValue(sem))
		}
		t4 := asyncio.Go(ctx, syAcquirer(sem, &got, 4))
		sem.Release()
		sem.Release()
		if v := asyncio.SemaphoreValue(sem); v != 0 {
			t.Errorf("value = %d after two releases to two waiters, want 0", v)
		}
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		if len(got) != 3 || !sem.Locked() || asyncio.SemaphoreWaiters(sem) != 1 || !t1.Done() || !t2.Done() || !t3.Done() || t4.Done() {
			t.Errorf("got %v, locked %t, waiters %d; want 3 acquisitions, t4 waiting", got, sem.Locked(), asyncio.SemaphoreWaiters(sem))
		}
		sem.Release()
		_, err := t4.Await(ctx)
		return err
	})
}

func TestSemaphoreAcquireCancelLeavesNoWaiter(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		sem := asyncio.NewSemaphore(1)
		if err := sem.Acquire(ctx); err != nil {
			return err
		}
		acquire := asyncio.Go(ctx, sem.Acquire)
		runningLoop(t, ctx).CallSoon(func() { acquire.Cancel() })
		if _, err := acquire.Await(ctx); !syCancelled(err) {
			t.Errorf("cancelled Acquire = %v, want a cancellation", err)
		}
		if n := asyncio.SemaphoreWaiters(sem); n != 0 {
			t.Errorf("waiters = %d, want 0", n)
		}
		return sem.Release()
	})
}

func TestSM03_ReacquireQueuesBehindWaiters(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		sem := asyncio.NewSemaphore(1)
		var got []int
		c2 := func(ctx context.Context) error {
			if err := sem.Acquire(ctx); err != nil {
				return err
			}
			got = append(got, 2)
			sem.Release()
			if err := sem.Acquire(ctx); err != nil {
				return err
			}
			got = append(got, 4)
			return nil
		}
		tasks := []asyncio.Awaitable[struct{}]{
			asyncio.Go(ctx, syAcquirer(sem, &got, 1)),
			asyncio.Go(ctx, c2),
			asyncio.Go(ctx, syAcquirer(sem, &got, 3)),
		}
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		sem.Release()
		sem.Release()
		if _, err := asyncio.Gather(ctx, tasks...); err != nil {
			return err
		}
		if !slices.Equal(got, []int{1, 2, 3, 4}) {
			t.Errorf("got %v, want [1 2 3 4]", got)
		}
		return nil
	})
}

func TestSM04_CancelledWaitersConsumeNoPermit(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		sem := asyncio.NewSemaphore(0)
		var got []int
		t1 := asyncio.Go(ctx, syAcquirer(sem, &got, 1))
		t2 := asyncio.Go(ctx, syAcquirer(sem, &got, 2))
		t3 := asyncio.Go(ctx, syAcquirer(sem, &got, 3))
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		t1.Cancel()
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		sem.Release()
		sem.Release()
		if _, err := asyncio.Gather(ctx, t2, t3); err != nil {
			return err
		}
		if !slices.Equal(got, []int{2, 3}) || !t1.Cancelled() {
			t.Errorf("got %v (t1 cancelled %t), want [2 3]", got, t1.Cancelled())
		}
		return nil
	})
}

func TestSM05_CancelAndReleaseInOneStep(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		sem := asyncio.NewSemaphore(0)
		var got []int
		var ts []*asyncio.Task[struct{}]
		for i := 1; i <= 4; i++ {
			ts = append(ts, asyncio.Go(ctx, syAcquirer(sem, &got, i)))
		}
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		ts[0].Cancel()
		ts[1].Cancel()
		sem.Release()
		if err := yieldN(ctx, 2); err != nil {
			return err
		}
		if !slices.Equal(got, []int{3}) || !ts[0].Cancelled() || !ts[1].Cancelled() || ts[3].Done() {
			t.Errorf("got %v, t4 done %t; want [3] and t4 waiting", got, ts[3].Done())
		}
		ts[3].Cancel()
		return nil
	})
}

func TestSM06_GrantedPermitOfCancelledWaiterIsReturned(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		sem := asyncio.NewSemaphore(1)
		var t2 *asyncio.Task[struct{}]
		t1 := asyncio.Go(ctx, func(ctx context.Context) error {
			if err := sem.Acquire(ctx); err != nil {
				return err
			}
			if err := asyncio.Sleep(ctx, 0); err != nil {
				return err
			}
			sem.Release() // grants the permit to t2...
			t2.Cancel()   // ...which is cancelled before it runs
			return nil
		})
		t2 = asyncio.Go(ctx, func(ctx context.Context) error {
			if err := sem.Acquire(ctx); err != nil {
				return err
			}
			t.Error("t2 acquired the semaphore")
			return nil
		})
		_, errs, err := asyncio.GatherReturnExceptions(ctx, t1, t2)
		if err != nil {
			return err
		}
		if errs[0] != nil || !syCancelled(errs[1]) {
			t.Errorf("errors %v, want [nil, cancellation]", errs)
		}
		return asyncio.Timeout(ctx, time.Second, sem.Acquire)
	})
}

func TestSM07_LockedWhileWokenWaitersExist(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		sem := asyncio.NewSemaphore(0)
		var got []int
		t1 := asyncio.Go(ctx, syAcquirer(sem, &got, 1))
		t2 := asyncio.Go(ctx, func(ctx context.Context) error {
			for range 3 {
				sem.Release()
			}
			if v := asyncio.SemaphoreValue(sem); v != 2 || !sem.Locked() {
				t.Errorf("after three releases: value %d, Locked %t; want 2, true", v, sem.Locked())
			}
			return syAcquirer(sem, &got, 2)(ctx)
		})
		t3 := asyncio.Go(ctx, syAcquirer(sem, &got, 3))
		if _, err := asyncio.Gather(ctx, t1, t2, t3); err != nil {
			return err
		}
		if !slices.Equal(got, []int{1, 2, 3}) {
			t.Errorf("got %v, want [1 2 3]", got)
		}
		return nil
	})
}

func TestSM08_BoundedSemaphoreOverReleaseIsAnError(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		sem := asyncio.NewBoundedSemaphore(1)
		if err := sem.Release(); !errors.Is(err, asyncio.ErrTooManyReleases) {
			t.Errorf("Release at the initial value = %v, want ErrTooManyReleases", err)
		}
		if err := sem.Acquire(ctx); err != nil {
			return err
		}
		if !sem.Locked() {
			t.Error("Locked() = false with the only permit taken")
		}
		if err := sem.Release(); err != nil {
			return err
		}
		if err := sem.Release(); !errors.Is(err, asyncio.ErrTooManyReleases) {
			t.Errorf("second Release = %v, want ErrTooManyReleases", err)
		}
		return nil
	})
}

func TestSemaphoreEachTaskWaitsItsTurn(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		sem := asyncio.NewSemaphore(1)
		var got []string
		coro := func(tag string) func(context.Context) error {
			return func(ctx context.Context) error {
				for round := 1; round <= 2; round++ {
					if err := sem.Acquire(ctx); err != nil {
						return err
					}
					got = append(got, fmt.Sprintf("%s_%d", tag, round))
					if err := asyncio.Sleep(ctx, 10*time.Millisecond); err != nil {
						return err
					}
					sem.Release()
				}
				return nil
			}
		}
		_, err := asyncio.Gather(ctx, asyncio.Func(coro("c1")), asyncio.Func(coro("c2")), asyncio.Func(coro("c3")))
		if want := []string{"c1_1", "c2_1", "c3_1", "c1_2", "c2_2", "c3_2"}; !slices.Equal(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}
		return err
	})
}

func TestSemaphoreFIFOOrderOf100Waiters(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		sem := asyncio.NewSemaphore(0)
		var got []int
		var tasks []asyncio.Awaitable[struct{}]
		for i := range 100 {
			tasks = append(tasks, asyncio.Go(ctx, syAcquirer(sem, &got, i)))
		}
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		// Release in bursts: each burst wakes the next few in order.
		for released := 0; released < 100; released += 3 {
			for range min(3, 100-released) {
				sem.Release()
			}
			if err := yieldN(ctx, 1); err != nil {
				return err
			}
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

func TestSemaphoreAcquireFromAnotherLoopIsRefused(t *testing.T) {
	sem := asyncio.NewSemaphore(1)
	asynciotest.Run(t, func(ctx context.Context) error { return sem.Acquire(ctx) })
	asynciotest.Run(t, func(ctx context.Context) error {
		if err := sem.Acquire(ctx); err == nil {
			t.Error("Acquire from a second loop succeeded")
		}
		return nil
	})
}

// test_acquire: two Releases hand permits to the two oldest waiters before a newcomer.
func TestSemaphoreReleasesServeTheOldestWaitersBeforeANewcomer(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		s := asyncio.NewSemaphore(3)
		var got []int
		syNoErr(t, "s.Acquire(ctx)", s.Acquire(ctx))
		syNoErr(t, "s.Acquire(ctx)", s.Acquire(ctx))
		if s.Locked() {
			t.Error("locked")
		}
		var ts []*asyncio.Task[struct{}]
		for id := 1; id <= 3; id++ {
			ts = append(ts, asyncio.Go(ctx, syAcquirer(s, &got, id)))
		}
		syYield(t, ctx, 1)
		if !slices.Equal(got, []int{1}) || !s.Locked() {
			t.Errorf("got %v", got)
		}
		ts = append(ts, asyncio.Go(ctx, syAcquirer(s, &got, 4)))
		syNoErr(t, "s.Release()", s.Release())
		syNoErr(t, "s.Release()", s.Release())
		syYield(t, ctx, 1)
		if len(got) != 3 || !s.Locked() {
			t.Errorf("got %v", got)
		}
		syNoErr(t, "s.Release()", s.Release())
		for _, x := range ts {
			if _, err := x.Await(ctx); err != nil {
				return err
			}
		}
		return nil
	})
}

// test_acquire_fifo_order: a re-acquire queues behind the waiters already queued.
func TestSemaphoreReacquireAfterASleepQueuesBehindTheWaiters(t *testing.T) {
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
					syNoErr(t, "s.Release()", s.Release())
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
func TestSemaphoreReleaseSkipsACancelledHeadWaiter(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		s := asyncio.NewSemaphore(0)
		t1 := asyncio.Go(ctx, s.Acquire)
		t2 := asyncio.Go(ctx, s.Acquire)
		syYield(t, ctx, 1)
		t1.Cancel()
		syNoErr(t, "s.Release()", s.Release())
		syYield(t, ctx, 2)
		if !s.Locked() || !t2.Done() {
			t.Errorf("locked %t t2 %v", s.Locked(), t2)
		}
		return nil
	})
}

func TestSemaphoreReleaseSkipsWaiterCancelledAfterEarlierWakeUps(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		s := asyncio.NewSemaphore(0)
		var got []int
		tasks := make([]*asyncio.Task[struct{}], 4)
		for i := range tasks {
			tasks[i] = asyncio.Go(ctx, func(ctx context.Context) error {
				if err := s.Acquire(ctx); err != nil {
					return err
				}
				got = append(got, i)
				return nil
			})
		}
		if err := asyncio.Sleep(ctx, 0); err != nil {
			return err
		}
		_ = s.Release() // wakes 0, which stays queued until it runs
		tasks[1].Cancel()
		tasks[2].Cancel()
		_ = s.Release() // must pass over 0 (woken) and 1, 2 (cancelled): wakes 3
		if err := yieldN(ctx, 3); err != nil {
			return err
		}
		if !slices.Equal(got, []int{0, 3}) {
			t.Errorf("acquired by %v, want [0 3]", got)
		}
		if n := asyncio.SemaphoreWaiters(s); n != 0 {
			t.Errorf("%d waiters left, want 0", n)
		}
		return nil
	})
}

func TestBoundedSemaphoreZeroValueRefusesUse(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var s asyncio.BoundedSemaphore
		if err := s.Acquire(ctx); !errors.Is(err, asyncio.ErrInvalidState) {
			t.Errorf("Acquire of a zero BoundedSemaphore = %v, want ErrInvalidState", err)
		}
		if err := s.Release(); !errors.Is(err, asyncio.ErrInvalidState) {
			t.Errorf("Release of a zero BoundedSemaphore = %v, want ErrInvalidState", err)
		}
		return nil
	})
}
