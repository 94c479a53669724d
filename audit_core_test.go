package asyncio_test

// Behaviours of CPython 3.13's asyncio found by auditing the core (loop,
// tasks, shield, wait_for, timeout, TaskGroup) against its tests, beyond the
// rows of the conformance checklist.

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

var (
	errAuditA = errors.New("audit A")
	errAuditB = errors.New("audit B")
)

// auditFailAfter returns a coroutine that sleeps d, then fails with err.
func auditFailAfter(d time.Duration, err error) func(context.Context) error {
	return func(ctx context.Context) error {
		if e := asyncio.Sleep(ctx, d); e != nil {
			return e
		}
		return err
	}
}

// shield(done task) returns the task itself in asyncio: awaiting it does not
// yield to the loop (test_shield_shortcut, for a task).
func TestShieldOfDoneTask_DoesNotYield(t *testing.T) {
	runWithLoop(t, func(ctx context.Context, loop *asyncio.EventLoop) {
		ok := asyncio.CreateTask(ctx, func(ctx context.Context) (int, error) { return 42, nil })
		bad := asyncio.CreateTask(ctx, func(ctx context.Context) (int, error) { return 0, errAuditA })
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
		if _, err := asyncio.Shield(ctx, asyncio.Awaitable[int](bad)).Await(ctx); err != errAuditA {
			t.Errorf("Shield(failed task) error = %v, want %v", err, errAuditA)
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
func TestShieldOfDoneFailedTask_ErrorReportedOnlyIfUnretrieved(t *testing.T) {
	loop := asynciotest.NewLoop(t)
	got := asynciotest.Exceptions(loop)
	main := loop.CreateTask(func(ctx context.Context) error {
		a := asyncio.CreateTask(ctx, func(ctx context.Context) (int, error) { return 0, errAuditA })
		b := asyncio.CreateTask(ctx, func(ctx context.Context) (int, error) { return 0, errAuditB })
		if err := yieldN(ctx, 2); err != nil {
			return err
		}
		asyncio.Shield(ctx, asyncio.Awaitable[int](a)) // never looked at
		if _, err := asyncio.Shield(ctx, asyncio.Awaitable[int](b)).Await(ctx); err != errAuditB {
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
	if r := got(); len(r) != 1 || r[0].Err != errAuditA {
		t.Fatalf("reports %+v; want one, of %v", r, errAuditA)
	}
}

// asyncio's shield cancels the outer with outer.cancel(): no message is
// carried over from the inner's cancellation.
func TestShieldInnerCancelled_OuterHasNoMessage(t *testing.T) {
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
func TestShieldCancelledOuter_InnerResultSilentExceptionReported(t *testing.T) {
	loop := asynciotest.NewLoop(t)
	got := asynciotest.Exceptions(loop)
	var i1, i2 *asyncio.Future[int]
	main := loop.CreateTask(func(ctx context.Context) error {
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
		if err := i2.SetException(errAuditA); err != nil {
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
	if r := got(); len(r) != 1 || r[0].Err != errAuditA {
		t.Fatalf("reports %+v; want one, of the inner exception", r)
	}
}

// A delay too large to add to the clock saturates instead of wrapping into
// the past: the callback and the sleep wait (asyncio: call_later(inf)).
func TestHugeDelay_DoesNotWrapIntoThePast(t *testing.T) {
	runWithLoop(t, func(ctx context.Context, loop *asyncio.EventLoop) {
		if err := asyncio.Sleep(ctx, time.Second); err != nil {
			t.Fatal(err)
		}
		fired := false
		h, err := loop.CallLater(time.Duration(math.MaxInt64), func() { fired = true })
		if err != nil {
			t.Fatal(err)
		}
		sleeper := asyncio.Go(ctx, func(ctx context.Context) error { return asyncio.Sleep(ctx, time.Duration(math.MaxInt64)) })
		if err := asyncio.Sleep(ctx, time.Millisecond); err != nil {
			t.Fatal(err)
		}
		if err := asyncio.Sleep(ctx, time.Millisecond); err != nil {
			t.Fatal(err)
		}
		if fired || sleeper.Done() || h.When() < loop.Time() {
			t.Errorf("fired %t, sleep done %t, When %v at %v: a huge delay wrapped into the past", fired, sleeper.Done(), h.When(), loop.Time())
		}
		h.Cancel()
		sleeper.Cancel()
	})
}

// wait_for: a completion and the deadline processed in the same iteration:
// the TimeoutError wins, whichever runs first (3.12+, built on timeout()).
func TestWaitForCompletionWithDeadlineSameTick_TimeoutWins(t *testing.T) {
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
func TestWaitForZeroTimeout_CoroutineNeverStartsTaskCancelled(t *testing.T) {
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

// test_foreign_cancel_doesnt_timeout_if_not_expired and
// test_cancel_in_timeout_after_cancellation: a self-cancel inside a scope that
// has not expired stays a cancellation, even after an earlier swallowed one.
func TestTimeoutForeignCancel_NotConvertedWhenNotExpired(t *testing.T) {
	runWithLoop(t, func(ctx context.Context, loop *asyncio.EventLoop) {
		me := asyncio.CurrentTask(ctx)
		s := asyncio.NewTimeout(loop.Time() + 10*time.Second)
		err := s.Run(ctx, func(ctx context.Context) error {
			me.Cancel()
			return asyncio.Sleep(ctx, 10*time.Second)
		})
		if !errors.Is(err, asyncio.ErrCancelled) || s.Expired() {
			t.Errorf("fresh: error %v, expired %t; want the cancellation, not expired", err, s.Expired())
		}
		// Now with one cancellation already swallowed (cancelling() is 2).
		err = asyncio.Timeout(ctx, time.Second, func(ctx context.Context) error {
			me.Cancel()
			return asyncio.Sleep(ctx, 2*time.Second)
		})
		if !errors.Is(err, asyncio.ErrCancelled) || errors.Is(err, asyncio.ErrTimeout) {
			t.Errorf("after a swallowed cancel: error %v, want the cancellation", err)
		}
		if n := me.Cancelling(); n != 2 {
			t.Errorf("Cancelling() = %d, want 2", n)
		}
		me.Uncancel()
		me.Uncancel()
	})
}

// test_nested_timeout_in_finally: a scope entered while the outer one's
// cancellation is being handled still times out on its own, and the outer
// converts its own cancellation afterwards.
func TestTimeoutNestedInCleanup_BothTimeOut(t *testing.T) {
	runWithLoop(t, func(ctx context.Context, loop *asyncio.EventLoop) {
		var inner error
		err := asyncio.Timeout(ctx, 10*time.Millisecond, func(ctx context.Context) error {
			err := asyncio.Sleep(ctx, time.Second)
			inner = asyncio.Timeout(ctx, 10*time.Millisecond, func(ctx context.Context) error { return asyncio.Sleep(ctx, 10*time.Second) })
			return err
		})
		if !errors.Is(err, asyncio.ErrTimeout) || !errors.Is(inner, asyncio.ErrTimeout) {
			t.Errorf("outer %v, inner %v; want two timeouts", err, inner)
		}
		if n := asyncio.CurrentTask(ctx).Cancelling(); n != 0 || loop.Time() != 20*time.Millisecond {
			t.Errorf("Cancelling() = %d at %v; want 0 at 20ms", n, loop.Time())
		}
	})
}

// test_nested_groups_both_cancelled: handling the inner group's error leaves
// the outer group's request (cancelling() == 1); the outer group's exit
// withdraws it.
func TestTaskGroupNestedBothFail_CancellingLevels(t *testing.T) {
	runWithLoop(t, func(ctx context.Context, loop *asyncio.EventLoop) {
		me := asyncio.CurrentTask(ctx)
		mid := -1
		err := asyncio.WithTaskGroup(ctx, func(ctx context.Context, outer *asyncio.TaskGroup) error {
			err := asyncio.WithTaskGroup(ctx, func(ctx context.Context, inner *asyncio.TaskGroup) error {
				inner.Go(auditFailAfter(0, errAuditA))
				outer.Go(auditFailAfter(0, errAuditB))
				return nil
			})
			if !errors.Is(err, errAuditA) || errors.Is(err, errAuditB) {
				t.Errorf("inner group error = %v, want only %v", err, errAuditA)
			}
			mid = me.Cancelling()
			return nil
		})
		if !errors.Is(err, errAuditB) || errors.Is(err, errAuditA) {
			t.Errorf("outer group error = %v, want only %v", err, errAuditB)
		}
		if mid != 1 || me.Cancelling() != 0 {
			t.Errorf("Cancelling() between groups %d, after %d; want 1, 0", mid, me.Cancelling())
		}
		if err := asyncio.Sleep(ctx, 0); err != nil {
			t.Errorf("a cancellation leaked out of the groups: %v", err)
		}
	})
}

// test_taskgroup_context_manager_exit_raises: the body turns the group's
// cancellation into an error of its own; both errors are grouped and no
// request is left on the task.
func TestTaskGroupBodyReplacesCancellation_BothErrorsNoLeak(t *testing.T) {
	runWithLoop(t, func(ctx context.Context, loop *asyncio.EventLoop) {
		me := asyncio.CurrentTask(ctx)
		err := asyncio.WithTaskGroup(ctx, func(ctx context.Context, tg *asyncio.TaskGroup) error {
			tg.Go(func(ctx context.Context) error { return errAuditA })
			if err := asyncio.Sleep(ctx, time.Second); !errors.Is(err, asyncio.ErrCancelled) {
				t.Errorf("body's sleep = %v, want cancelled", err)
			}
			return errAuditB
		})
		var ge *asyncio.TaskGroupError
		if !errors.As(err, &ge) || len(ge.Errors) != 2 || ge.Errors[0] != errAuditA || ge.Errors[1] != errAuditB {
			t.Errorf("error = %v; want the child's and the body's", err)
		}
		if n := me.Cancelling(); n != 0 {
			t.Errorf("Cancelling() = %d, want 0", n)
		}
		if err := asyncio.Sleep(ctx, 0); err != nil {
			t.Errorf("a cancellation leaked out of the group: %v", err)
		}
	})
}

// test_taskgroup_15 (3.13): the parent is cancelled from outside, the body
// cleans up slowly, a child fails meanwhile: the error wins.
func TestTaskGroupChildFailsDuringSlowCleanup_ErrorWins(t *testing.T) {
	runWithLoop(t, func(ctx context.Context, loop *asyncio.EventLoop) {
		r := asyncio.Go(ctx, func(ctx context.Context) error {
			return asyncio.WithTaskGroup(ctx, func(ctx context.Context, g *asyncio.TaskGroup) error {
				g.Go(auditFailAfter(300*time.Millisecond, errAuditA))
				err := asyncio.Sleep(ctx, 10*time.Second)
				if err != nil {
					_ = asyncio.Sleep(ctx, 500*time.Millisecond)
				}
				return err
			})
		})
		if err := asyncio.Sleep(ctx, 100*time.Millisecond); err != nil {
			t.Fatal(err)
		}
		r.Cancel()
		_, err := r.Await(ctx)
		var ge *asyncio.TaskGroupError
		if !errors.As(err, &ge) || len(ge.Errors) != 1 || ge.Errors[0] != errAuditA {
			t.Errorf("error = %v; want a group of %v", err, errAuditA)
		}
	})
}

// test_taskgroup_12 (3.13): cancelling a task running nested groups whose
// children fail while cancelled gives a group holding the inner group.
func TestTaskGroupNestedCancelledChildrenFail_GroupOfGroup(t *testing.T) {
	runWithLoop(t, func(ctx context.Context, loop *asyncio.EventLoop) {
		r := asyncio.Go(ctx, func(ctx context.Context) error {
			return asyncio.WithTaskGroup(ctx, func(ctx context.Context, g1 *asyncio.TaskGroup) error {
				g1.Go(func(ctx context.Context) error { return asyncio.Sleep(ctx, 10*time.Second) })
				return asyncio.WithTaskGroup(ctx, func(ctx context.Context, g2 *asyncio.TaskGroup) error {
					for range 5 {
						g2.Go(func(ctx context.Context) error { _ = asyncio.Sleep(ctx, 10*time.Second); return errAuditA })
					}
					return asyncio.Sleep(ctx, 10*time.Second)
				})
			})
		})
		if err := asyncio.Sleep(ctx, 100*time.Millisecond); err != nil {
			t.Fatal(err)
		}
		r.Cancel()
		_, err := r.Await(ctx)
		var outer, inner *asyncio.TaskGroupError
		if !errors.As(err, &outer) || len(outer.Errors) != 1 || !errors.As(outer.Errors[0], &inner) || len(inner.Errors) != 5 {
			t.Errorf("error = %v; want a group holding a group of 5", err)
		}
	})
}

// test_cancels_task_if_created_during_creation: a task that starts a failing
// sibling is cancelled at its next await.
func TestTaskGroupSiblingCreatedByChildFails_ChildCancelled(t *testing.T) {
	runWithLoop(t, func(ctx context.Context, loop *asyncio.EventLoop) {
		cancelled := false
		err := asyncio.WithTaskGroup(ctx, func(ctx context.Context, tg *asyncio.TaskGroup) error {
			tg.Go(func(ctx context.Context) error {
				tg.Go(func(ctx context.Context) error { return errAuditA })
				err := asyncio.Sleep(ctx, 0)
				if err == nil {
					err = asyncio.Sleep(ctx, 0)
				}
				cancelled = errors.Is(err, asyncio.ErrCancelled)
				return nil
			})
			return nil
		})
		if !cancelled || !errors.Is(err, errAuditA) {
			t.Errorf("child cancelled %t, group error %v", cancelled, err)
		}
	})
}

// test_taskgroup_03: a child cancelled directly does not affect the group.
func TestTaskGroupChildCancelledDirectly_GroupGoesOn(t *testing.T) {
	runWithLoop(t, func(ctx context.Context, loop *asyncio.EventLoop) {
		var t1, t2 *asyncio.Task[int]
		err := asyncio.WithTaskGroup(ctx, func(ctx context.Context, g *asyncio.TaskGroup) error {
			t1 = asyncio.CreateGroupTask(g, func(ctx context.Context) (int, error) { return 42, asyncio.Sleep(ctx, time.Second) })
			if err := asyncio.Sleep(ctx, 150*time.Millisecond); err != nil {
				return err
			}
			t1.Cancel()
			t2 = asyncio.CreateGroupTask(g, func(ctx context.Context) (int, error) { return 11, asyncio.Sleep(ctx, 200*time.Millisecond) })
			return nil
		})
		if v, rerr := t2.Result(); err != nil || !t1.Cancelled() || v != 11 || rerr != nil {
			t.Errorf("group error %v, t1 cancelled %t, t2 = %v, %v", err, t1.Cancelled(), v, rerr)
		}
	})
}
