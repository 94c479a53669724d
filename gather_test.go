package asyncio_test

// gather(): the GA cases of the conformance checklist that this API covers.
// Gather is a call, not a future, so the cases that inspect the gathering
// future itself are checked on the task that awaits Gather:
//   - GA-04: "gather not cancelled" becomes: the caller's Cancelling() stays 0
//     and it can carry on.
//   - GA-06: "gather.cancel() returns False afterwards" has no object to call;
//     the rest of the case is tested.
//   - GA-08: the callback cancels the task awaiting Gather; with every child
//     already done, nothing is cancelled and the children keep their results.
//     The request stays pending on the caller, as in asyncio (TK-20's rules).
//
// Not covered here: GA-10 (the same coroutine object passed twice runs once:
// a Go coroutine is a func value, and each argument becomes its own task) and
// GA-11 (futures of two loops: belongs with the loop tests).

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

func TestGA01_ResultsInArgumentOrder(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		loop := runningLoop(t, ctx)
		a, b, c := asyncio.NewFuture[int](loop), asyncio.NewFuture[int](loop), asyncio.NewFuture[int](loop)
		g := asyncio.CreateTask(ctx, func(ctx context.Context) ([]int, error) {
			return asyncio.Gather[int](ctx, a, b, c)
		})
		callbacks := 0
		g.AddDoneCallback(func(*asyncio.Task[[]int]) { callbacks++ })
		if err := asyncio.Sleep(ctx, 0); err != nil {
			return err
		}
		b.SetResult(1)
		a.SetResult(2)
		if err := yieldN(ctx, 3); err != nil {
			return err
		}
		if g.Done() {
			t.Error("gather done with one future pending")
		}
		c.SetResult(3)
		vals, err := g.Await(ctx)
		if !slices.Equal(vals, []int{2, 1, 3}) || err != nil {
			t.Errorf("Gather = %v, %v; want [2 1 3], nil", vals, err)
		}
		if err := asyncio.Sleep(ctx, 0); err != nil {
			return err
		}
		if callbacks != 1 {
			t.Errorf("done callback ran %d times, want once", callbacks)
		}
		return nil
	})
}

func TestGather_EmptyReturnsAtOnce(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		vals, err := asyncio.Gather[int](ctx)
		if vals == nil || len(vals) != 0 || err != nil {
			t.Errorf("Gather() = %#v, %v; want an empty slice", vals, err)
		}
		return nil
	})
}

func TestGA03_ReturnExceptionsWaitsForAll(t *testing.T) {
	errZero := errors.New("ZeroDivisionError")
	errRuntime := errors.New("RuntimeError")
	asynciotest.Run(t, func(ctx context.Context) error {
		loop := runningLoop(t, ctx)
		a, b := asyncio.NewFuture[int](loop), asyncio.NewFuture[int](loop)
		c, d := asyncio.NewFuture[int](loop), asyncio.NewFuture[int](loop)
		var errs []error
		g := asyncio.CreateTask(ctx, func(ctx context.Context) (vals []int, err error) {
			vals, errs, err = asyncio.GatherReturnExceptions[int](ctx, a, b, c, d)
			return vals, err
		})
		if err := asyncio.Sleep(ctx, 0); err != nil {
			return err
		}
		b.SetResult(1)
		c.SetException(errZero)
		a.SetResult(3)
		if err := yieldN(ctx, 3); err != nil {
			return err
		}
		if g.Done() {
			t.Error("gather done with one future pending")
		}
		d.SetException(errRuntime)
		vals, err := g.Await(ctx)
		if !slices.Equal(vals, []int{3, 1, 0, 0}) || err != nil {
			t.Errorf("vals = %v, err = %v; want [3 1 0 0], nil", vals, err)
		}
		if want := []error{nil, nil, errZero, errRuntime}; !slices.Equal(errs, want) {
			t.Errorf("errs = %v, want %v", errs, want)
		}
		return nil
	})
}

func TestGather_FirstErrorPropagatesOthersKeepRunning(t *testing.T) {
	errBoom := errors.New("boom")
	asynciotest.Run(t, func(ctx context.Context) error {
		failing := asyncio.CreateTask(ctx, func(ctx context.Context) (int, error) {
			return 0, errBoom
		})
		slow := asyncio.CreateTask(ctx, func(ctx context.Context) (int, error) {
			return 2, asyncio.Sleep(ctx, time.Second)
		})
		if _, err := asyncio.Gather[int](ctx, failing, slow); !errors.Is(err, errBoom) {
			t.Errorf("Gather: %v, want %v", err, errBoom)
		}
		if slow.Done() {
			t.Error("the other child did not keep running")
		}
		if v, err := slow.Await(ctx); v != 2 || err != nil {
			t.Errorf("slow = %v, %v; want 2, nil", v, err)
		}
		return nil
	})
}

func TestGA04_ChildCancellationDoesNotCancelGatherOrSiblings(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		loop := runningLoop(t, ctx)
		a, b, c := asyncio.NewFuture[int](loop), asyncio.NewFuture[int](loop), asyncio.NewFuture[int](loop)
		caller := asyncio.CreateTask(ctx, func(ctx context.Context) (string, error) {
			if _, err := asyncio.Gather[int](ctx, a, b, c); !errors.Is(err, asyncio.ErrCancelled) {
				t.Errorf("Gather: %v, want a CancelledError", err)
			}
			if n := asyncio.CurrentTask(ctx).Cancelling(); n != 0 {
				t.Errorf("caller Cancelling() = %d, want 0", n)
			}
			if err := asyncio.Sleep(ctx, 0); err != nil {
				return "", err
			}
			return "carried on", nil
		})
		if err := asyncio.Sleep(ctx, 0); err != nil {
			return err
		}
		a.SetResult(1)
		b.Cancel()
		if v, err := caller.Await(ctx); v != "carried on" || err != nil {
			t.Errorf("caller = %q, %v; want carried on, nil", v, err)
		}
		if c.Done() {
			t.Error("sibling c was cancelled or completed")
		}
		return nil
	})
}

func TestGA05_CancelledChildIsCancelledErrorInResults(t *testing.T) {
	errZero := errors.New("ZeroDivisionError")
	asynciotest.Run(t, func(ctx context.Context) error {
		loop := runningLoop(t, ctx)
		a, b := asyncio.NewFuture[int](loop), asyncio.NewFuture[int](loop)
		c, d := asyncio.NewFuture[int](loop), asyncio.NewFuture[int](loop)
		a.SetResult(1)
		b.SetException(errZero)
		c.Cancel()
		d.SetResult(3)
		vals, errs, err := asyncio.GatherReturnExceptions[int](ctx, a, b, c, d)
		if err != nil {
			return err
		}
		if !slices.Equal(vals, []int{1, 0, 0, 3}) {
			t.Errorf("vals = %v, want [1 0 0 3]", vals)
		}
		if errs[0] != nil || errs[1] != errZero || !errors.Is(errs[2], asyncio.ErrCancelled) || errs[3] != nil {
			t.Errorf("errs = %v, want [nil ZeroDivisionError CancelledError nil]", errs)
		}
		return nil
	})
}

func TestGA06_CancellingCallerCancelsAllChildren(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		w := asyncio.NewFuture[int](runningLoop(t, ctx))
		child := func(ctx context.Context) (int, error) { return w.Await(ctx) }
		c1, c2 := asyncio.CreateTask(ctx, child), asyncio.CreateTask(ctx, child)
		outer := asyncio.CreateTask(ctx, func(ctx context.Context) ([]int, error) {
			return asyncio.Gather[int](ctx, c1, c2)
		})
		if err := asyncio.Sleep(ctx, 0); err != nil {
			return err
		}
		outer.Cancel()
		if _, err := outer.Await(ctx); !errors.Is(err, asyncio.ErrCancelled) {
			t.Errorf("outer: %v, want a cancellation", err)
		}
		if !c1.Cancelled() || !c2.Cancelled() || !w.Cancelled() || !outer.Cancelled() {
			t.Errorf("cancelled: c1=%t c2=%t w=%t outer=%t, want all true",
				c1.Cancelled(), c2.Cancelled(), w.Cancelled(), outer.Cancelled())
		}
		return nil
	})
}

func TestGA07_CancelPropagatesThroughReturnExceptions(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		nap := asyncio.Func(func(ctx context.Context) error {
			return asyncio.Sleep(ctx, 10*time.Millisecond)
		})
		task := asyncio.Go(ctx, func(ctx context.Context) error {
			for {
				if _, _, err := asyncio.GatherReturnExceptions[struct{}](ctx, nap); err != nil {
					return err
				}
			}
		})
		if err := asyncio.Sleep(ctx, 25*time.Millisecond); err != nil {
			return err
		}
		task.CancelWithMessage("msg")
		_, err := task.Await(ctx)
		if msg, ok := tkCancelMsg(err); !ok || msg != "msg" {
			t.Errorf("task: %v, want CancelledError(msg)", err)
		}
		if !task.Cancelled() {
			t.Error("task.Cancelled() = false: the cancellation was swallowed")
		}
		return nil
	})
}

func TestGA08_CancelAfterChildrenDoneKeepsResults(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		f := asyncio.NewFuture[int](runningLoop(t, ctx))
		child := asyncio.CreateTask(ctx, f.Await)
		caller := asyncio.CreateTask(ctx, func(ctx context.Context) ([]int, error) {
			return asyncio.Gather[int](ctx, child)
		})
		if err := asyncio.Sleep(ctx, 0); err != nil {
			return err
		}
		cancelled := false
		f.AddDoneCallback(func(*asyncio.Future[int]) { cancelled = caller.Cancel() })
		f.SetResult(42) // the child finishes in the same iteration as the callback
		_, err := caller.Await(ctx)
		if !cancelled || !errors.Is(err, asyncio.ErrCancelled) {
			t.Errorf("Cancel = %t, caller = %v; want true and a cancellation", cancelled, err)
		}
		if v, err := child.Result(); v != 42 || err != nil || child.Cancelled() {
			t.Errorf("child = %v, %v (cancelled=%t); want 42, nil", v, err, child.Cancelled())
		}
		return nil
	})
}

func TestGA11_FuturesOfAnotherLoopAreRefused(t *testing.T) {
	other := asynciotest.NewLoop(t)
	asynciotest.Run(t, func(ctx context.Context) error {
		foreign := asyncio.NewFuture[int](other)
		if _, err := asyncio.Gather[int](ctx, foreign); err == nil {
			t.Error("Gather accepted a future of another loop")
		}
		return nil
	})
}

func TestGatherErrorNamesTheFailingTask(t *testing.T) {
	errBoom := errors.New("boom")
	asynciotest.Run(t, func(ctx context.Context) error {
		failing := asyncio.CreateTask(ctx, func(ctx context.Context) (int, error) { return 0, errBoom }, asyncio.WithName("fetch"))
		_, err := asyncio.Gather[int](ctx, failing)
		var te *asyncio.TaskError
		if !errors.Is(err, errBoom) || !errors.As(err, &te) || te.Task != "fetch" || err.Error() != "task fetch: boom" {
			t.Errorf("Gather = %v, want boom wrapped in a TaskError naming fetch", err)
		}
		if err := failing.Exception(); err != errBoom {
			t.Errorf("the task's own Exception = %v, want boom unwrapped", err)
		}
		return nil
	})
}

func TestGatherRefusingAnotherLoopsFutureLeavesTheOthersUntouched(t *testing.T) {
	boom := errors.New("boom")
	other := asynciotest.NewLoop(t)
	loop := asynciotest.NewLoop(t)
	var reports []asyncio.ExceptionContext
	loop.SetExceptionHandler(func(_ *asyncio.EventLoop, c asyncio.ExceptionContext) { reports = append(reports, c) })
	failed := asyncio.NewFuture[int](loop)
	_ = failed.SetException(boom)
	pending := asyncio.NewFuture[int](loop)
	main := loop.Go(func(ctx context.Context) error {
		_, err := asyncio.Gather(ctx, failed, pending, asyncio.NewFuture[int](other))
		if !errors.Is(err, asyncio.ErrWrongLoop) {
			t.Errorf("Gather = %v, want ErrWrongLoop", err)
		}
		_ = pending.SetResult(1)
		return asyncio.Sleep(ctx, 0) // whatever the refused Gather scheduled runs now
	})
	if err := loop.RunUntilComplete(main); err != nil {
		t.Fatal(err)
	}
	if err := loop.Close(); err != nil {
		t.Fatal(err)
	}
	// The refused Gather did not look at the failure: it is still unretrieved.
	if len(reports) != 1 || reports[0].Message != "Future exception was never retrieved" || !errors.Is(reports[0].Err, boom) {
		t.Errorf("reports = %+v, want the never-retrieved %v", reports, boom)
	}
}
