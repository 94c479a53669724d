package asyncio_test

// wait(), wait_for() and as_completed(): the WT, WF and AC cases of the
// conformance checklist. Python-only parts:
//   - WT-06: wait(bare coroutine) and wait(single future) are TypeErrors in
//     Python; Wait's []F parameter makes them compile errors. The empty set
//     and the bad return_when are tested.
//   - AC-04 (the same task object comes back out) and AC-06 (a non-iterable
//     argument) are about Python's object identity and dynamic types: Go's
//     iterator yields values, and its parameter types rule out AC-06.

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

// napper returns a coroutine that sleeps d and returns v.
func napper[T any](d time.Duration, v T) asyncio.Coroutine[T] {
	return func(ctx context.Context) (T, error) { return v, sleep(ctx, d) }
}

func TestWT01_AllCompletedNeverReturnsChildErrors(t *testing.T) {
	errBoom := errors.New("boom")
	asynciotest.Run(t, func(ctx context.Context) error {
		a := asyncio.CreateTask(ctx, napper(5*time.Millisecond, 1))
		b := asyncio.CreateTask(ctx, func(ctx context.Context) (int, error) {
			//asynciovet:ignore the test swallows the cancellation on purpose
			_ = sleep(ctx, 10*time.Millisecond)
			return 0, errBoom
		})
		done, pending, err := asyncio.Wait(ctx, []*asyncio.Task[int]{a, b}, asyncio.AllCompleted)
		if err != nil || len(done) != 2 || len(pending) != 0 {
			t.Fatalf("Wait = %v, %v, %v; want both done", done, pending, err)
		}
		if a.Exception() != nil || b.Exception() != errBoom {
			t.Errorf("exceptions: a %v, b %v", a.Exception(), b.Exception())
		}
		return nil
	})
}

func TestWT03_FirstExceptionReturnsAtOnce(t *testing.T) {
	errBoom := errors.New("boom")
	asynciotest.Run(t, func(ctx context.Context) error {
		loop := runningLoop(t, ctx)
		a := asyncio.CreateTask(ctx, napper(time.Second, 1))
		b := asyncio.NewFuture[int](loop)
		b.SetException(errBoom)
		done, pending, err := asyncio.Wait(ctx, []asyncio.AnyFuture{b, a}, asyncio.FirstException)
		if err != nil || len(done) != 1 || done[0] != asyncio.AnyFuture(b) || len(pending) != 1 || pending[0] != asyncio.AnyFuture(a) {
			t.Errorf("Wait = %v, %v, %v; want done [b], pending [a]", done, pending, err)
		}
		if loop.Time() != 0 {
			t.Errorf("Wait returned at %v, want at once", loop.Time())
		}
		_ = b.Exception()
		return nil
	})
}

func TestWT04_TimeoutSplitsAndCancelsNothing(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		a := asyncio.CreateTask(ctx, napper(10*time.Millisecond, "a"))
		b := asyncio.CreateTask(ctx, napper(time.Second, "b"))
		done, pending, err := asyncio.WaitTimeout(ctx, []*asyncio.Task[string]{a, b}, asyncio.AllCompleted, 50*time.Millisecond)
		if err != nil || !slices.Equal(done, []*asyncio.Task[string]{a}) || !slices.Equal(pending, []*asyncio.Task[string]{b}) {
			t.Errorf("WaitTimeout = %v, %v, %v; want [a], [b]", done, pending, err)
		}
		if now := runningLoop(t, ctx).Time(); now != 50*time.Millisecond || b.Cancelled() {
			t.Errorf("returned at %v, b cancelled %t; want 50ms, false", now, b.Cancelled())
		}
		if v, err := b.Await(ctx); v != "b" || err != nil {
			t.Errorf("b = %v, %v", v, err)
		}
		return nil
	})
}

func TestWT05_FirstCompletedReportsEverythingDone(t *testing.T) {
	yields := func(n int) asyncio.Coroutine[int] {
		return func(ctx context.Context) (int, error) {
			for range n {
				if err := sleep(ctx, 0); err != nil {
					return 0, err
				}
			}
			return n, nil
		}
	}
	asynciotest.Run(t, func(ctx context.Context) error {
		a, b := asyncio.CreateTask(ctx, yields(1)), asyncio.CreateTask(ctx, yields(2))
		done, pending, err := asyncio.Wait(ctx, []*asyncio.Task[int]{b, a}, asyncio.FirstCompleted)
		if err != nil || len(done) != 2 || len(pending) != 0 {
			t.Errorf("Wait = %v, %v, %v; want both done", done, pending, err)
		}
		return nil
	})
}

func TestWT06_InvalidArguments(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		if _, _, err := asyncio.Wait(ctx, []asyncio.AnyFuture{}, asyncio.AllCompleted); err == nil {
			t.Error("Wait of nothing succeeded")
		}
		f := asyncio.NewFuture[int](runningLoop(t, ctx))
		if _, _, err := asyncio.Wait(ctx, []*asyncio.Future[int]{f}, asyncio.ReturnWhen(-1)); err == nil {
			t.Error("Wait with ReturnWhen(-1) succeeded")
		}
		if _, _, err := asyncio.Wait(context.Background(), []*asyncio.Future[int]{f}, asyncio.AllCompleted); err != asyncio.ErrNotInCoroutine {
			t.Errorf("Wait outside a coroutine = %v", err)
		}
		return nil
	})
}

func TestWaitCancelledCallerLeavesFuturesRunning(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		a := asyncio.CreateTask(ctx, napper(time.Second, 1))
		w := asyncio.Go(ctx, func(ctx context.Context) error {
			_, _, err := asyncio.Wait(ctx, []*asyncio.Task[int]{a, a}, asyncio.AllCompleted)
			return err
		})
		if err := sleep(ctx, time.Millisecond); err != nil {
			return err
		}
		w.Cancel()
		if _, err := w.Await(ctx); !errors.Is(err, asyncio.ErrCancelled) {
			t.Errorf("Wait's task = %v, want cancelled", err)
		}
		if v, err := a.Await(ctx); v != 1 || err != nil {
			t.Errorf("a = %v, %v; want it to finish", v, err)
		}
		return nil
	})
}

func TestWF01_TimeoutWaitsForTheInnerToFinishCancelling(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		finished := false
		inner := asyncio.CreateTask(ctx, func(ctx context.Context) (int, error) {
			defer func() { finished = true }()
			err := sleep(ctx, time.Hour)
			//asynciovet:ignore the test swallows the cancellation on purpose
			_ = sleep(ctx, 10*time.Millisecond) // cleanup while being cancelled
			return 0, err
		})
		_, err := asyncio.WaitFor[int](ctx, inner, 10*time.Millisecond)
		var te *asyncio.TimeoutError
		if !errors.As(err, &te) || !errors.Is(te.Cause, asyncio.ErrCancelled) {
			t.Errorf("WaitFor = %v, want a *TimeoutError caused by the cancellation", err)
		}
		if !finished || !inner.Cancelled() || runningLoop(t, ctx).Time() != 20*time.Millisecond {
			t.Errorf("finished %t, cancelled %t, at %v; want true, true, 20ms", finished, inner.Cancelled(), runningLoop(t, ctx).Time())
		}
		return nil
	})
}

func TestWF02_InnerSwallowingCancelReturnsItsValue(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		v, err := asyncio.WaitFor(ctx, asyncio.Coroutine[int](func(ctx context.Context) (int, error) {
			//asynciovet:ignore the test swallows the cancellation on purpose
			_ = sleep(ctx, time.Hour)
			return 1, nil
		}), 10*time.Millisecond)
		if v != 1 || err != nil {
			t.Errorf("WaitFor = %v, %v; want 1, nil", v, err)
		}
		return nil
	})
}

func TestWF04_ZeroTimeoutOnDoneAwaitableReturnsIt(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		f := asyncio.NewFuture[string](runningLoop(t, ctx))
		f.SetResult("done")
		if v, err := asyncio.WaitFor[string](ctx, f, 0); v != "done" || err != nil {
			t.Errorf("WaitFor(done, 0) = %q, %v", v, err)
		}
		ran := false
		_, err := asyncio.WaitFor(ctx, asyncio.Coroutine[int](func(context.Context) (int, error) {
			ran = true
			return 1, nil
		}), 0)
		if !errors.Is(err, asyncio.ErrTimeout) || ran {
			t.Errorf("WaitFor(coroutine, 0) = %v, ran %t; want a timeout before its first step", err, ran)
		}
		return nil
	})
}

func TestWF05_NoDeadlineJustAwaits(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		if v, err := asyncio.WaitFor(ctx, napper(10*time.Millisecond, 5), asyncio.NoDeadline); v != 5 || err != nil {
			t.Errorf("WaitFor = %v, %v", v, err)
		}
		return nil
	})
}

func TestWF06_FutureCompletedSoonIsReturned(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		f := asyncio.NewFuture[string](runningLoop(t, ctx))
		if _, err := runningLoop(t, ctx).CallSoon(func() { f.SetResult("ok") }); err != nil {
			return err
		}
		if v, err := asyncio.WaitFor[string](ctx, f, 200*time.Millisecond); v != "ok" || err != nil {
			t.Errorf("WaitFor = %q, %v", v, err)
		}
		return nil
	})
}

func TestWF07_CancellingTheWaiterCancelsTheAwaited(t *testing.T) {
	for _, timeout := range []time.Duration{asyncio.NoDeadline, time.Minute} {
		asynciotest.Run(t, func(ctx context.Context) error {
			blocked := asyncio.CreateTask(ctx, asyncio.NewFuture[int](runningLoop(t, ctx)).Await)
			w := asyncio.CreateTask(ctx, func(ctx context.Context) (int, error) {
				return asyncio.WaitFor[int](ctx, blocked, timeout)
			})
			if err := sleep(ctx, time.Millisecond); err != nil {
				return err
			}
			w.Cancel()
			if _, err := w.Await(ctx); !errors.Is(err, asyncio.ErrCancelled) || !w.Cancelled() || !blocked.Cancelled() {
				t.Errorf("timeout %v: w = %v, blocked cancelled %t", timeout, err, blocked.Cancelled())
			}
			return nil
		})
	}
}

func TestWF08_CancelArrivingAsInnerCompletesIsNotSwallowed(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		inner := asyncio.CreateTask(ctx, func(context.Context) (string, error) { return "done", nil })
		reached := false
		outer := asyncio.Go(ctx, func(ctx context.Context) error {
			if _, err := asyncio.WaitFor[string](ctx, inner, 100*time.Second); err != nil {
				return err
			}
			if err := sleep(ctx, time.Second); err != nil {
				return err
			}
			reached = true
			return nil
		})
		if err := sleep(ctx, 0); err != nil {
			return err
		}
		outer.Cancel()
		if _, err := outer.Await(ctx); !errors.Is(err, asyncio.ErrCancelled) || reached {
			t.Errorf("outer = %v, reached %t; want cancelled, false", err, reached)
		}
		if v, err := inner.Result(); v != "done" || err != nil {
			t.Errorf("inner = %q, %v", v, err)
		}
		return nil
	})
}

func TestWF10_ShieldedTimeoutLeavesTheTaskRunning(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		task := asyncio.CreateTask(ctx, napper(50*time.Millisecond, "done"))
		if _, err := asyncio.WaitFor[string](ctx, asyncio.Shield[string](ctx, task), 10*time.Millisecond); !errors.Is(err, asyncio.ErrTimeout) {
			t.Errorf("WaitFor = %v, want a timeout", err)
		}
		if v, err := task.Await(ctx); v != "done" || err != nil {
			t.Errorf("task = %q, %v; want it unharmed", v, err)
		}
		return nil
	})
}

func TestWF11_ErrorDuringCancellationWins(t *testing.T) {
	errFoo := errors.New("FooException")
	asynciotest.Run(t, func(ctx context.Context) error {
		inner := asyncio.CreateTask(ctx, func(ctx context.Context) (int, error) {
			//asynciovet:ignore the test swallows the cancellation on purpose
			_ = sleep(ctx, time.Hour)
			return 0, errFoo
		})
		if _, err := asyncio.WaitFor[int](ctx, inner, 100*time.Microsecond); err != errFoo {
			t.Errorf("WaitFor = %v, want FooException", err)
		}
		return nil
	})
}

func TestAC01_YieldsInCompletionOrder(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var got []string
		for v, err := range asyncio.AsCompleted(ctx, napper(30*time.Millisecond, "a"), napper(10*time.Millisecond, "b"), napper(20*time.Millisecond, "c")) {
			if err != nil {
				return err
			}
			got = append(got, v)
		}
		if !slices.Equal(got, []string{"b", "c", "a"}) {
			t.Errorf("got %v, want [b c a]", got)
		}
		return nil
	})
}

func TestAC03_TimeoutEndsIterationAndCancelsNothingPassedIn(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		a := asyncio.CreateTask(ctx, napper(10*time.Millisecond, "a"))
		b := asyncio.CreateTask(ctx, napper(500*time.Millisecond, "b"))
		var got []string
		for v, err := range asyncio.AsCompletedTimeout[string](ctx, 50*time.Millisecond, a, b) {
			if errors.Is(err, asyncio.ErrTimeout) {
				got = append(got, "timeout")
				continue
			}
			got = append(got, v)
		}
		if !slices.Equal(got, []string{"a", "timeout"}) || b.Cancelled() {
			t.Errorf("got %v, b cancelled %t; want [a timeout], false", got, b.Cancelled())
		}
		_, err := b.Await(ctx)
		return err
	})
}

func TestAC05_DuplicatesYieldOnce(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		c := asyncio.CreateTask(ctx, napper(time.Millisecond, 1))
		n := 0
		//asynciovet:ignore the test counts the yields, not their errors
		for range asyncio.AsCompleted[int](ctx, c, c, napper(2*time.Millisecond, 2)) {
			n++
		}
		if n != 2 {
			t.Errorf("%d results, want 2", n)
		}
		return nil
	})
}

func TestAsCompletedBreakLeavesNothingBehind(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		given := asyncio.CreateTask(ctx, napper(time.Hour, 0))
		for v, err := range asyncio.AsCompleted(ctx, napper(time.Millisecond, 1), given, napper(time.Minute, 2)) {
			if v != 1 || err != nil {
				t.Errorf("first = %v, %v", v, err)
			}
			break
		}
		if err := sleep(ctx, 0); err != nil {
			return err
		}
		tasks, _ := asyncio.AllTasks(ctx)
		if len(tasks) != 2 || given.Done() {
			t.Errorf("pending tasks %v: want main and the task passed in, still running", tasks)
		}
		given.Cancel()
		return nil
	})
}

func TestAsCompletedCallerCancelledYieldsCancellation(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var got []error
		task := asyncio.Go(ctx, func(ctx context.Context) error {
			for _, err := range asyncio.AsCompleted(ctx, napper(time.Hour, 0)) {
				got = append(got, err)
			}
			return nil
		})
		if err := sleep(ctx, time.Millisecond); err != nil {
			return err
		}
		task.Cancel()
		//asynciovet:ignore the test only waits for the task to finish; its outcome is checked elsewhere
		_, _ = task.Await(ctx)
		if len(got) != 1 || !errors.Is(got[0], asyncio.ErrCancelled) {
			t.Errorf("yielded %v, want one cancellation", got)
		}
		for _, err := range asyncio.AsCompleted[int](context.Background()) {
			if err != asyncio.ErrNotInCoroutine {
				t.Errorf("outside a coroutine: %v", err)
			}
		}
		return nil
	})
}

func TestWaitFirstExceptionIgnoresCancellations(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		loop := runningLoop(t, ctx)
		cancelled := asyncio.NewFuture[int](loop)
		cancelled.Cancel()
		slow := asyncio.CreateTask(ctx, napper(10*time.Millisecond, 1))
		done, pending, err := asyncio.Wait(ctx, []asyncio.AnyFuture{cancelled, slow}, asyncio.FirstException)
		if err != nil || len(done) != 2 || len(pending) != 0 || loop.Time() != 10*time.Millisecond {
			t.Errorf("Wait = %v, %v, %v at %v; want all done at 10ms", done, pending, err, loop.Time())
		}
		return nil
	})
}

func TestWaitTimeoutZeroReturnsNextIteration(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		slow := asyncio.CreateTask(ctx, napper(time.Second, 1))
		done, pending, err := asyncio.WaitTimeout(ctx, []*asyncio.Task[int]{slow}, asyncio.AllCompleted, 0)
		if err != nil || len(done) != 0 || len(pending) != 1 || runningLoop(t, ctx).Time() != 0 {
			t.Errorf("WaitTimeout(0) = %v, %v, %v", done, pending, err)
		}
		slow.Cancel()
		return nil
	})
}

func TestWaitForRunsACoroutineInTheCallersTask(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		caller := asyncio.CurrentTask(ctx)
		var inside asyncio.AnyTask
		_, err := asyncio.WaitFor(ctx, asyncio.Coroutine[int](func(ctx context.Context) (int, error) {
			inside = asyncio.CurrentTask(ctx)
			return 0, nil
		}), time.Second)
		if err != nil || inside != caller {
			t.Errorf("WaitFor = %v; coroutine ran in %v, want the caller %v", err, inside, caller)
		}
		if _, err := asyncio.WaitFor(context.Background(), napper(0, 1), time.Second); err != asyncio.ErrNotInCoroutine {
			t.Errorf("WaitFor outside a coroutine = %v", err)
		}
		return nil
	})
}

func TestAsCompletedTimeoutCancelsTheTasksItStarted(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var errs []error
		for _, err := range asyncio.AsCompletedTimeout(ctx, time.Millisecond, napper(time.Hour, 0)) {
			errs = append(errs, err)
		}
		if len(errs) != 1 || !errors.Is(errs[0], asyncio.ErrTimeout) {
			t.Errorf("yielded %v, want one timeout", errs)
		}
		if err := sleep(ctx, 0); err != nil {
			return err
		}
		if tasks, _ := asyncio.AllTasks(ctx); len(tasks) != 1 {
			t.Errorf("pending tasks %v, want only main", tasks)
		}
		return nil
	})
}

func TestAsCompletedErrorsAreYieldedInPlace(t *testing.T) {
	errBoom := errors.New("boom")
	asynciotest.Run(t, func(ctx context.Context) error {
		var got []error
		failing := asyncio.Coroutine[int](func(ctx context.Context) (int, error) { return 0, errBoom })
		for _, err := range asyncio.AsCompleted(ctx, napper(time.Millisecond, 1), failing) {
			got = append(got, err)
		}
		if !slices.Equal(got, []error{errBoom, nil}) {
			t.Errorf("errors yielded %v, want [boom <nil>]", got)
		}
		return nil
	})
}

// wait_for: a completion and the deadline processed in the same iteration:
// the TimeoutError wins, whichever runs first (3.12+, built on timeout()).
func TestWaitForTimeoutWinsOverACompletionInTheDeadlinesTick(t *testing.T) {
	runWithLoop(t, func(ctx context.Context, loop *asyncio.EventLoop) {
		f := asyncio.NewFuture[int](loop)
		if _, err := loop.CallLater(100*time.Millisecond, func() { _ = f.SetResult(1) }); err != nil {
			t.Fatal(err)
		}
		if _, err := asyncio.WaitFor(ctx, asyncio.Awaitable[int](f), 100*time.Millisecond); !errors.Is(err, asyncio.ErrTimeout) {
			t.Errorf("result first: WaitFor error = %v, want a timeout", err)
		}
		g := asyncio.NewFuture[int](loop)
		w := asyncio.CreateTask(ctx, func(ctx context.Context) (int, error) {
			return asyncio.WaitFor(ctx, asyncio.Awaitable[int](g), 100*time.Millisecond)
		})
		if err := asyncio.Sleep(ctx, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := loop.CallLater(100*time.Millisecond, func() { _ = g.SetResult(1) }); err != nil {
			t.Fatal(err)
		}
		if _, err := w.Await(ctx); !errors.Is(err, asyncio.ErrTimeout) {
			t.Errorf("deadline first: WaitFor error = %v, want a timeout", err)
		}
	})
}

// wait_for(coro, 0) never starts the coroutine; wait_for(task, 0 or -1)
// cancels the running task and waits for it, without time passing.
func TestWaitForZeroTimeoutNeverStartsACoroutineAndCancelsATask(t *testing.T) {
	runWithLoop(t, func(ctx context.Context, loop *asyncio.EventLoop) {
		started := false
		_, err := asyncio.WaitFor(ctx, asyncio.Coroutine[int](func(ctx context.Context) (int, error) { started = true; return 1, nil }), 0)
		if !errors.Is(err, asyncio.ErrTimeout) || started {
			t.Errorf("WaitFor(coro, 0) = %v, started %t; want a timeout, not started", err, started)
		}
		for _, timeout := range []time.Duration{0, -time.Second} {
			running := false
			ready := asyncio.NewFuture[struct{}](loop)
			task := asyncio.CreateTask(ctx, func(ctx context.Context) (string, error) {
				running = true
				defer func() { running = false }()
				_ = ready.SetResult(struct{}{})
				return "done", asyncio.Sleep(ctx, 10*time.Second)
			})
			if _, err := ready.Await(ctx); err != nil {
				t.Fatal(err)
			}
			t0 := loop.Time()
			_, err := asyncio.WaitFor(ctx, asyncio.Awaitable[string](task), timeout)
			if !errors.Is(err, asyncio.ErrTimeout) || !task.Cancelled() || running || loop.Time() != t0 {
				t.Errorf("timeout %v: error %v, cancelled %t, running %t, time passed %v", timeout, err, task.Cancelled(), running, loop.Time()-t0)
			}
		}
	})
}
