package asyncio_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

// Tests of Future: the FU cases of the conformance checklist, then its misuse
// errors. The shared helpers (runWithLoop, ...) are in helpers_test.go, elSoon
// and elRunTicks in loop_test.go.
//
// Not applicable to Go:
//   - FU-04, FU-05: left out of the checklist (Python-only set_exception quirks).
//   - FU-14, third part: ensure_future("ok") raises TypeError. EnsureFuture
//     takes an Awaitable[T], so a non-awaitable does not compile.
//
// In Go there is no difference between raising and returning an error: where
// asyncio's result() or exception() raise, Result and Exception return it.

func TestFU01_ANewFutureIsPendingAndHasNoResult(t *testing.T) {
	loop := asynciotest.NewLoop(t)
	f := asyncio.NewFuture[string](loop)
	if f.Done() || f.Cancelled() {
		t.Errorf("Done() = %v, Cancelled() = %v; want false, false", f.Done(), f.Cancelled())
	}
	if _, err := f.Result(); !errors.Is(err, asyncio.ErrInvalidState) {
		t.Errorf("Result() error = %v, want ErrInvalidState", err)
	}
	if r := recoverFrom(func() { _ = f.Exception() }); r == nil || !strings.Contains(fmt.Sprint(r), "pending") {
		t.Errorf("Exception() of a pending future panicked with %v, want a panic naming the pending state", r)
	}
}

func TestFU03_CancelOnlyAPendingFuture(t *testing.T) {
	loop := asynciotest.NewLoop(t)
	f := asyncio.NewFuture[string](loop)
	if !f.Cancel() {
		t.Error("first Cancel() = false, want true")
	}
	if f.Cancel() {
		t.Error("second Cancel() = true, want false")
	}
	if !f.Cancelled() || !f.Done() {
		t.Errorf("Cancelled() = %v, Done() = %v; want true, true", f.Cancelled(), f.Done())
	}
	var ce *asyncio.CancelledError
	if _, err := f.Result(); !errors.As(err, &ce) {
		t.Errorf("Result() error = %v, want a *CancelledError", err)
	}
	if err := f.Exception(); !errors.As(err, &ce) {
		t.Errorf("Exception() = %v, want a *CancelledError", err)
	}
	if err := f.SetResult("late"); !errors.Is(err, asyncio.ErrInvalidState) {
		t.Errorf("SetResult = %v, want ErrInvalidState", err)
	}
}

func TestFU06_DoneCallbacksAreScheduledNotInline(t *testing.T) {
	runWithLoop(t, func(ctx context.Context, loop *asyncio.EventLoop) {
		f := asyncio.NewFuture[string](loop)
		var got []int
		f.AddDoneCallback(func(*asyncio.Future[string]) { got = append(got, 42) })
		f.AddDoneCallback(func(*asyncio.Future[string]) { got = append(got, 17) })
		if err := f.SetResult("foo"); err != nil {
			t.Error(err)
		}
		if len(got) != 0 {
			t.Errorf("right after SetResult: got %v, want []", got)
		}
		if err := asyncio.Sleep(ctx, 0); err != nil {
			t.Error(err)
		}
		if want := []int{42, 17}; !slices.Equal(got, want) {
			t.Errorf("after one tick: got %v, want %v", got, want)
		}
	})
}

func TestFU07_ACallbackAddedToADoneFutureRunsInTheNextTick(t *testing.T) {
	runWithLoop(t, func(ctx context.Context, loop *asyncio.EventLoop) {
		f := asyncio.NewFuture[int](loop)
		if err := f.SetResult(1); err != nil {
			t.Error(err)
		}
		called := false
		f.AddDoneCallback(func(*asyncio.Future[int]) { called = true })
		if called {
			t.Error("the callback ran inline")
		}
		if err := asyncio.Sleep(ctx, 0); err != nil {
			t.Error(err)
		}
		if !called {
			t.Error("the callback did not run in the next tick")
		}
	})
}

// Go functions cannot be compared, so a callback is removed by the id of its
// registration: removing "cb1" means removing each of its registrations.
func TestFU08_RemoveDoneCallbackRemovesThoseRegistrations(t *testing.T) {
	runWithLoop(t, func(ctx context.Context, loop *asyncio.EventLoop) {
		f := asyncio.NewFuture[int](loop)
		var got []int
		cb1 := func(*asyncio.Future[int]) { got = append(got, 1) }
		cb2 := func(*asyncio.Future[int]) { got = append(got, 2) }
		ids1 := []asyncio.CallbackID{f.AddDoneCallback(cb1)}
		id2 := f.AddDoneCallback(cb2)
		if n := f.RemoveDoneCallback(id2); n != 1 {
			t.Errorf("removing cb2 = %d, want 1", n)
		}
		other := asyncio.NewFuture[int](loop)
		id3 := other.AddDoneCallback(func(*asyncio.Future[int]) {})
		if n := f.RemoveDoneCallback(id3); n != 0 {
			t.Errorf("removing a callback never added = %d, want 0", n)
		}
		if n := f.RemoveDoneCallback(id2); n != 0 {
			t.Errorf("removing cb2 again = %d, want 0", n)
		}
		f.AddDoneCallback(cb2)
		for range 5 {
			ids1 = append(ids1, f.AddDoneCallback(cb1))
		}
		removed := 0
		for _, id := range ids1 {
			removed += f.RemoveDoneCallback(id)
		}
		if removed != 6 {
			t.Errorf("removing cb1 = %d, want 6", removed)
		}
		if err := f.SetResult(0); err != nil {
			t.Error(err)
		}
		if err := asyncio.Sleep(ctx, 0); err != nil {
			t.Error(err)
		}
		if want := []int{2}; !slices.Equal(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}
	})
}

func TestFU09_ACallbackOnACancelledFutureGetsThatFuture(t *testing.T) {
	runWithLoop(t, func(ctx context.Context, loop *asyncio.EventLoop) {
		f := asyncio.NewFuture[int](loop)
		f.Cancel()
		var got *asyncio.Future[int]
		f.AddDoneCallback(func(g *asyncio.Future[int]) { got = g })
		if err := asyncio.Sleep(ctx, 0); err != nil {
			t.Error(err)
		}
		if got != f || !got.Cancelled() {
			t.Errorf("the callback got %v, want the cancelled future %v", got, f)
		}
	})
}

// setExceptionAndDrop fails a future of loop that nobody will look at.
//
//go:noinline
func setExceptionAndDrop(t *testing.T, loop *asyncio.EventLoop, err error) {
	if err := asyncio.NewFuture[int](loop).SetException(err); err != nil {
		t.Error(err)
	}
}

func TestFU11_AnExceptionNeverRetrievedIsReported(t *testing.T) {
	boom := errors.New("boom")
	check := func(t *testing.T, reports []asyncio.ExceptionContext) {
		t.Helper()
		if len(reports) != 1 {
			t.Fatalf("got %d reports, want 1", len(reports))
		}
		if c := reports[0]; c.Message != "Future exception was never retrieved" || !errors.Is(c.Err, boom) {
			t.Errorf("report = %+v, want the never-retrieved %v", c, boom)
		}
	}

	t.Run("garbage collected", func(t *testing.T) {
		loop := asynciotest.NewLoop(t)
		var reports []asyncio.ExceptionContext
		loop.SetExceptionHandler(func(l *asyncio.EventLoop, c asyncio.ExceptionContext) {
			reports = append(reports, c)
			l.Stop()
		})
		setExceptionAndDrop(t, loop, boom)
		runtime.GC()
		// The report reaches the loop from the runtime's cleanup goroutine;
		// the timer only keeps a broken collector from hanging the test.
		safety := time.AfterFunc(time.Minute, func() { loop.CallSoonThreadsafe(loop.Stop) })
		defer safety.Stop()
		if err := loop.RunForever(); err != nil {
			t.Fatal(err)
		}
		check(t, reports)
	})

	t.Run("loop closed", func(t *testing.T) {
		loop := asynciotest.NewLoop(t)
		reports := asynciotest.Exceptions(loop)
		f := asyncio.NewFuture[int](loop)
		if err := f.SetException(boom); err != nil {
			t.Fatal(err)
		}
		if err := loop.Close(); err != nil {
			t.Fatal(err)
		}
		check(t, reports())
	})
}

func TestFU12_LookedAtExceptionsAndResultsAreNotReported(t *testing.T) {
	loop := asynciotest.NewLoop(t)
	reports := asynciotest.Exceptions(loop)
	boom := errors.New("boom")
	a, b, c, d := asyncio.NewFuture[int](loop), asyncio.NewFuture[int](loop), asyncio.NewFuture[int](loop), asyncio.NewFuture[int](loop)
	for _, f := range []*asyncio.Future[int]{a, b, d} {
		if err := f.SetException(boom); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.SetResult(1); err != nil {
		t.Fatal(err)
	}
	if err := a.Exception(); err != boom {
		t.Errorf("Exception() = %v, want %v", err, boom)
	}
	if _, err := b.Result(); err != boom {
		t.Errorf("Result() error = %v, want %v", err, boom)
	}
	if d.Cancel() {
		t.Error("Cancel() of a done future = true, want false")
	}
	if err := loop.Close(); err != nil {
		t.Fatal(err)
	}
	if len(reports()) != 0 {
		t.Errorf("got reports %+v, want none", reports())
	}
}

func TestFU13_APanickingDoneCallbackIsReportedAndTheNextRuns(t *testing.T) {
	runWithLoop(t, func(ctx context.Context, loop *asyncio.EventLoop) {
		reports := asynciotest.Exceptions(loop)
		boom := errors.New("boom")
		f := asyncio.NewFuture[int](loop)
		var got []int
		f.AddDoneCallback(func(*asyncio.Future[int]) { panic(boom) })
		f.AddDoneCallback(func(*asyncio.Future[int]) { got = append(got, 2) })
		if err := f.SetResult(1); err != nil {
			t.Error(err)
		}
		if err := asyncio.Sleep(ctx, 0); err != nil {
			t.Error(err)
		}
		if want := []int{2}; !slices.Equal(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}
		if len(reports()) != 1 {
			t.Errorf("got %d reports, want 1", len(reports()))
			return
		}
		if c := reports()[0]; !strings.HasPrefix(c.Message, "Exception in callback") || !errors.Is(c.Err, boom) {
			t.Errorf("report = %+v, want the callback's panic", c)
		}
	})
}

// asyncio's ensure_future returns a future unchanged; EnsureFuture returns a
// task as it is, and wraps anything else in a task. A future of another loop
// is not refused at the call, as asyncio's ValueError does: the task that
// awaits it fails with the error of FU-16.
func TestFU14_EnsureFutureReturnsATaskAsItIs(t *testing.T) {
	other := asynciotest.NewLoop(t)
	runWithLoop(t, func(ctx context.Context, loop *asyncio.EventLoop) {
		task := asyncio.CreateTask(ctx, func(ctx context.Context) (int, error) { return 1, nil })
		if got := asyncio.EnsureFuture[int](ctx, task); got != task {
			t.Errorf("EnsureFuture(task) = %v, want the task itself", got)
		}
		if v, err := task.Await(ctx); v != 1 || err != nil {
			t.Errorf("task.Await = %v, %v; want 1, nil", v, err)
		}
		foreign := asyncio.EnsureFuture[int](ctx, asyncio.NewFuture[int](other))
		if _, err := foreign.Await(ctx); !errors.Is(err, asyncio.ErrWrongLoop) {
			t.Errorf("awaiting a future of another loop = %v, want a different-loop error", err)
		}
	})
}

func TestFU16_AwaitingAFutureOfAnotherLoopFails(t *testing.T) {
	other := asynciotest.NewLoop(t)
	runWithLoop(t, func(ctx context.Context, loop *asyncio.EventLoop) {
		_, err := asyncio.NewFuture[int](other).Await(ctx)
		if !errors.Is(err, asyncio.ErrWrongLoop) || errors.Is(err, asyncio.ErrNotInCoroutine) {
			t.Errorf("Await = %v, want a different-loop error", err)
		}
	})
}

func TestFU17_AwaitingADoneFutureDoesNotYield(t *testing.T) {
	runWithLoop(t, func(ctx context.Context, loop *asyncio.EventLoop) {
		f := asyncio.NewFuture[int](loop)
		if err := f.SetResult(42); err != nil {
			t.Error(err)
		}
		counter := 0
		elSoon(t, loop, func() { counter++ })
		v1, err1 := f.Await(ctx)
		v2, err2 := f.Await(ctx)
		if v1 != 42 || v2 != 42 || err1 != nil || err2 != nil {
			t.Errorf("Await = (%v, %v), (%v, %v); want 42 twice", v1, err1, v2, err2)
		}
		if counter != 0 {
			t.Errorf("a queued callback ran while awaiting a done future")
		}
	})
}

func TestFutureSetResultTwice(t *testing.T) {
	loop := asynciotest.NewLoop(t)
	f := asyncio.NewFuture[int](loop)
	if err := f.SetResult(1); err != nil {
		t.Fatal(err)
	}
	if err := f.SetResult(2); !errors.Is(err, asyncio.ErrInvalidState) {
		t.Errorf("second SetResult = %v, want ErrInvalidState", err)
	}
	if err := f.SetException(errors.New("late")); !errors.Is(err, asyncio.ErrInvalidState) {
		t.Errorf("SetException after SetResult = %v, want ErrInvalidState", err)
	}
	if v, err := f.Result(); v != 1 || err != nil {
		t.Errorf("Result() = %v, %v; want the first result, 1", v, err)
	}
}

func TestFutureResultOfAPendingFuture(t *testing.T) {
	loop := asynciotest.NewLoop(t)
	f := asyncio.NewFuture[int](loop)
	if _, err := f.Result(); !errors.Is(err, asyncio.ErrInvalidState) {
		t.Errorf("Result() error = %v, want ErrInvalidState", err)
	}
}

func TestFutureSetException(t *testing.T) {
	loop := asynciotest.NewLoop(t)
	boom := errors.New("boom")
	f := asyncio.NewFuture[int](loop)
	if err := f.SetException(boom); err != nil {
		t.Fatal(err)
	}
	if !f.Done() || f.Cancelled() {
		t.Errorf("Done() = %v, Cancelled() = %v; want true, false", f.Done(), f.Cancelled())
	}
	if err := f.Exception(); err != boom {
		t.Errorf("Exception() = %v, want %v", err, boom)
	}
	if _, err := f.Result(); err != boom {
		t.Errorf("Result() error = %v, want %v", err, boom)
	}
}

func TestFutureCancelWithMessage(t *testing.T) {
	loop := asynciotest.NewLoop(t)
	f := asyncio.NewFuture[int](loop)
	f.CancelWithMessage("not needed")
	var ce *asyncio.CancelledError
	if _, err := f.Result(); !errors.As(err, &ce) || ce.Message != "not needed" || !errors.Is(err, context.Canceled) {
		t.Errorf("Result() error = %v, want a *CancelledError with the message", err)
	}
}

// A future has no owner to finish it: cancelling the task that awaits it
// cancels the future too.
func TestFutureAwaitCancelledCancelsTheFuture(t *testing.T) {
	runWithLoop(t, func(ctx context.Context, loop *asyncio.EventLoop) {
		f := asyncio.NewFuture[int](loop)
		waiter := asyncio.CreateTask(ctx, f.Await)
		if err := asyncio.Sleep(ctx, 0); err != nil {
			t.Error(err)
		}
		waiter.Cancel()
		if _, err := waiter.Await(ctx); !errors.Is(err, asyncio.ErrCancelled) {
			t.Errorf("waiter ended with %v, want a cancellation", err)
		}
		if !f.Cancelled() {
			t.Errorf("the future is %v, want it cancelled", f)
		}
	})
}

func TestFutureAwaitFromAnotherLoopsTaskLeavesTheFutureAlone(t *testing.T) {
	other := asynciotest.NewLoop(t)
	foreign := asyncio.NewFuture[int](other)
	runWithLoop(t, func(ctx context.Context, loop *asyncio.EventLoop) {
		if _, err := foreign.Await(ctx); err == nil {
			t.Error("Await of another loop's future = nil, want an error")
		}
		if err := asyncio.Sleep(ctx, time.Second); err != nil {
			t.Errorf("the task cannot go on after the error: %v", err)
		}
	})
	if foreign.Done() {
		t.Errorf("the foreign future is %v, want it still pending", foreign)
	}
	if err := foreign.SetResult(7); err != nil {
		t.Errorf("SetResult on the foreign future's own loop = %v", err)
	}
}

func TestFutureString(t *testing.T) {
	loop := asynciotest.NewLoop(t)
	pending, done, failed, cancelled := asyncio.NewFuture[int](loop), asyncio.NewFuture[int](loop), asyncio.NewFuture[int](loop), asyncio.NewFuture[int](loop)
	if err := done.SetResult(42); err != nil {
		t.Fatal(err)
	}
	if err := failed.SetException(errors.New("boom")); err != nil {
		t.Fatal(err)
	}
	_ = failed.Exception()
	cancelled.Cancel()
	for f, want := range map[*asyncio.Future[int]]string{
		pending:   "<Future pending>",
		done:      "<Future finished result=42>",
		failed:    `<Future finished exception="boom">`,
		cancelled: "<Future cancelled>",
	} {
		if got := f.String(); got != want {
			t.Errorf("String() = %q, want %q", got, want)
		}
	}
}

func TestFutureExceptionReturnsOwnErrorEvenWhenItIsAMisuseSentinel(t *testing.T) {
	loop := asynciotest.NewLoop(t)
	f := asyncio.NewFuture[int](loop)
	if err := f.SetException(asyncio.ErrInvalidState); err != nil {
		t.Fatal(err)
	}
	if err := f.Exception(); err != asyncio.ErrInvalidState {
		t.Errorf("Exception() = %v, want the future's own ErrInvalidState", err)
	}
}
