package asyncio_test

// shield(): the SH cases of the conformance checklist. asyncio's
// gather(...) is an awaitable future; Go's Gather is a call, so SH-06 shields
// a task that runs Gather.

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

func TestSH01_OuterCancelledAtOnceInnerRunsOn(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		inner := asyncio.CreateTask(ctx, napper(30*time.Millisecond, "value"))
		outer := asyncio.CreateTask(ctx, func(ctx context.Context) (string, error) {
			return asyncio.Shield[string](ctx, inner).Await(ctx)
		})
		if err := sleep(ctx, 0); err != nil {
			return err
		}
		outer.Cancel()
		if _, err := outer.Await(ctx); !errors.Is(err, asyncio.ErrCancelled) || runningLoop(t, ctx).Time() != 0 {
			t.Errorf("outer = %v at %v, want cancelled at once", err, runningLoop(t, ctx).Time())
		}
		if v, err := inner.Await(ctx); v != "value" || err != nil || runningLoop(t, ctx).Time() != 30*time.Millisecond {
			t.Errorf("inner = %q, %v at %v", v, err, runningLoop(t, ctx).Time())
		}
		return nil
	})
}

func TestSH02_InnerCancelAndErrorPassThrough(t *testing.T) {
	errE := errors.New("E")
	asynciotest.Run(t, func(ctx context.Context) error {
		loop := runningLoop(t, ctx)
		i1, i2 := asyncio.NewFuture[int](loop), asyncio.NewFuture[int](loop)
		s1, s2 := asyncio.Shield[int](ctx, i1), asyncio.Shield[int](ctx, i2)
		i1.Cancel()
		i2.SetException(errE)
		if _, err := s1.Await(ctx); !errors.Is(err, asyncio.ErrCancelled) || !s1.Cancelled() {
			t.Errorf("shield(i1) = %v, want cancelled", err)
		}
		if _, err := s2.Await(ctx); err != errE {
			t.Errorf("shield(i2) = %v, want E itself", err)
		}
		return nil
	})
}

func TestSH04_InnerFailingAfterOuterCancelledIsReported(t *testing.T) {
	errValue := errors.New("ValueError")
	var reports func() []asyncio.ExceptionContext
	asynciotest.Run(t, func(ctx context.Context) error {
		reports = asynciotest.Exceptions(runningLoop(t, ctx))
		outer := asyncio.Go(ctx, func(ctx context.Context) error {
			_, err := asyncio.Shield(ctx, asyncio.Coroutine[int](func(ctx context.Context) (int, error) {
				//asynciovet:ignore the coroutine fails whatever the sleep returns
				_ = sleep(ctx, 10*time.Millisecond)
				return 0, errValue
			})).Await(ctx)
			return err
		})
		if err := sleep(ctx, time.Millisecond); err != nil {
			return err
		}
		outer.Cancel()
		//asynciovet:ignore the test only waits for the task to finish; its outcome is checked elsewhere
		_, _ = outer.Await(ctx)
		return sleep(ctx, 20*time.Millisecond)
	})
	if r := reports(); len(r) != 1 || r[0].Err != errValue || !strings.Contains(r[0].Message, "never retrieved") {
		t.Errorf("reports = %+v, want the inner's ValueError as never retrieved", r)
	}
}

func TestSH05_GatherOfShieldsCancelsOnlyTheWrappers(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		loop := runningLoop(t, ctx)
		c1, c2 := asyncio.NewFuture[int](loop), asyncio.NewFuture[int](loop)
		s1, s2 := asyncio.Shield[int](ctx, c1), asyncio.Shield[int](ctx, c2)
		g := asyncio.CreateTask(ctx, func(ctx context.Context) ([]int, error) { return asyncio.Gather[int](ctx, s1, s2) })
		if err := sleep(ctx, 0); err != nil {
			return err
		}
		g.Cancel()
		if _, err := g.Await(ctx); !errors.Is(err, asyncio.ErrCancelled) {
			t.Errorf("gather = %v, want cancelled", err)
		}
		if !s1.Cancelled() || !s2.Cancelled() || c1.Done() || c2.Done() {
			t.Errorf("wrappers cancelled %t %t; inner done %t %t", s1.Cancelled(), s2.Cancelled(), c1.Done(), c2.Done())
		}
		if c1.SetResult(1) != nil || c2.SetResult(2) != nil {
			t.Error("the inner futures cannot be resolved any more")
		}
		return nil
	})
}

func TestSH06_ShieldedGatherIsUnaffected(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		loop := runningLoop(t, ctx)
		c1, c2 := asyncio.NewFuture[int](loop), asyncio.NewFuture[int](loop)
		g := asyncio.CreateTask(ctx, func(ctx context.Context) ([]int, error) { return asyncio.Gather[int](ctx, c1, c2) })
		outer := asyncio.Shield[[]int](ctx, g)
		outer.Cancel()
		c1.SetResult(1)
		c2.SetResult(2)
		if v, err := g.Await(ctx); !slices.Equal(v, []int{1, 2}) || err != nil || !outer.Cancelled() {
			t.Errorf("gather = %v, %v; outer cancelled %t", v, err, outer.Cancelled())
		}
		return nil
	})
}

func TestShieldMisuseAndDoneInput(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		f := asyncio.NewFuture[int](runningLoop(t, ctx))
		if _, err := asyncio.Shield[int](context.Background(), f).Result(); err != asyncio.ErrNotInCoroutine {
			t.Errorf("Shield outside a coroutine = %v", err)
		}
		f.SetResult(3)
		if s := asyncio.Shield[int](ctx, f); s != f {
			t.Error("Shield of a done future wrapped it")
		}
		return nil
	})
}

func TestShieldOfACoroutinePassesItsResult(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		v, err := asyncio.Shield(ctx, napper(time.Millisecond, "ok")).Await(ctx)
		if v != "ok" || err != nil {
			t.Errorf("Shield(coroutine) = %q, %v", v, err)
		}
		return nil
	})
}

// shield(done task) returns the task itself in asyncio: awaiting it does not
// yield to the loop (test_shield_shortcut, for a task).
func TestShieldOfADoneTaskDoesNotYield(t *testing.T) {
	errA := errors.New("A")
	runWithLoop(t, func(ctx context.Context, loop *asyncio.EventLoop) {
		ok := asyncio.CreateTask(ctx, func(ctx context.Context) (int, error) { return 42, nil })
		bad := asyncio.CreateTask(ctx, func(ctx context.Context) (int, error) { return 0, errA })
		gone := asyncio.CreateTask(ctx, func(ctx context.Context) (int, error) { return 0, nil })
		gone.CancelWithMessage("bye")
		if err := yieldN(ctx, 2); err != nil {
			t.Fatal(err)
		}
		ticks := 0
		if _, err := loop.CallSoon(func() { ticks++ }); err != nil {
			t.Fatal(err)
		}
		if v, err := asyncio.Shield(ctx, asyncio.Awaitable[int](ok)).Await(ctx); v != 42 || err != nil {
			t.Errorf("Shield(done task) = %v, %v; want 42, nil", v, err)
		}
		if _, err := asyncio.Shield(ctx, asyncio.Awaitable[int](bad)).Await(ctx); err != errA {
			t.Errorf("Shield(failed task) error = %v, want %v", err, errA)
		}
		s := asyncio.Shield(ctx, asyncio.Awaitable[int](gone))
		var ce *asyncio.CancelledError
		if _, err := s.Await(ctx); !s.Cancelled() || !errors.As(err, &ce) || ce.Message != "bye" {
			t.Errorf("Shield(cancelled task): cancelled %t, error %v; want the task's cancellation", s.Cancelled(), err)
		}
		if ticks != 0 {
			t.Errorf("awaiting shields of done tasks yielded to the loop (%d callback ran)", ticks)
		}
	})
}

// The failure of a done task passed to Shield is reported once if no one
// looks at it, and not at all once someone does.
func TestShieldOfADoneFailedTaskReportsItsErrorOnlyIfUnretrieved(t *testing.T) {
	errA, errB := errors.New("A"), errors.New("B")
	loop := asynciotest.NewLoop(t)
	got := asynciotest.Exceptions(loop)
	main := loop.Go(func(ctx context.Context) error {
		a := asyncio.CreateTask(ctx, func(ctx context.Context) (int, error) { return 0, errA })
		b := asyncio.CreateTask(ctx, func(ctx context.Context) (int, error) { return 0, errB })
		if err := yieldN(ctx, 2); err != nil {
			return err
		}
		asyncio.Shield(ctx, asyncio.Awaitable[int](a)) // never looked at
		if _, err := asyncio.Shield(ctx, asyncio.Awaitable[int](b)).Await(ctx); err != errB {
			t.Errorf("Shield(b) error = %v", err)
		}
		return nil
	})
	if err := loop.RunUntilComplete(main); err != nil {
		t.Fatal(err)
	}
	if err := loop.Close(); err != nil {
		t.Fatal(err)
	}
	if r := got(); len(r) != 1 || r[0].Err != errA {
		t.Fatalf("reports %+v; want one, of %v", r, errA)
	}
}

// asyncio's shield cancels the outer with outer.cancel(): no message is
// carried over from the inner's cancellation.
func TestShieldInnerCancelledLeavesTheOuterWithoutAMessage(t *testing.T) {
	runWithLoop(t, func(ctx context.Context, loop *asyncio.EventLoop) {
		inner := asyncio.NewFuture[int](loop)
		outer := asyncio.Shield(ctx, asyncio.Awaitable[int](inner))
		inner.CancelWithMessage("inner's")
		if err := asyncio.Sleep(ctx, 0); err != nil {
			t.Fatal(err)
		}
		_, err := outer.Result()
		var ce *asyncio.CancelledError
		if !outer.Cancelled() || !errors.As(err, &ce) || ce.Message != "" {
			t.Errorf("outer: cancelled %t, error %v; want cancelled without a message", outer.Cancelled(), err)
		}
	})
}

// Shield: once the outer is cancelled, an inner result is dropped silently,
// an inner exception is reported (test_shield_cancel_outer_result/_exception).
func TestShieldAfterOuterCancelDropsAnInnerResultButReportsAnInnerError(t *testing.T) {
	errA := errors.New("A")
	loop := asynciotest.NewLoop(t)
	got := asynciotest.Exceptions(loop)
	var i1, i2 *asyncio.Future[int]
	main := loop.Go(func(ctx context.Context) error {
		i1, i2 = asyncio.NewFuture[int](loop), asyncio.NewFuture[int](loop)
		o1 := asyncio.Shield(ctx, asyncio.Awaitable[int](i1))
		o2 := asyncio.Shield(ctx, asyncio.Awaitable[int](i2))
		if err := asyncio.Sleep(ctx, 0); err != nil {
			return err
		}
		o1.Cancel()
		o2.Cancel()
		if err := asyncio.Sleep(ctx, 0); err != nil {
			return err
		}
		if err := i1.SetResult(1); err != nil {
			return err
		}
		if err := i2.SetException(errA); err != nil {
			return err
		}
		return yieldN(ctx, 2)
	})
	if err := loop.RunUntilComplete(main); err != nil {
		t.Fatal(err)
	}
	if i1.Cancelled() || i2.Cancelled() {
		t.Error("cancelling the outer cancelled the inner")
	}
	if err := loop.Close(); err != nil {
		t.Fatal(err)
	}
	if r := got(); len(r) != 1 || r[0].Err != errA {
		t.Fatalf("reports %+v; want one, of the inner exception", r)
	}
}
