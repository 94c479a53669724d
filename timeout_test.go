package asyncio_test

// timeout()/timeout_at(): the TO cases of the conformance checklist, and the
// Go-context interop of task ctxs. Python-only parts:
//   - TO-15: Python chains the TimeoutError into the foreign exception's
//     __context__; Go has no implicit chaining, so the foreign error is
//     returned unchanged and that is what is tested.
//   - TO-16's "awaited from a bare generator driver" is Go's "not in a
//     coroutine": ErrNotInCoroutine.

import (
	"context"
	"errors"
	"net"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

func sleep(ctx context.Context, d time.Duration) error { return asyncio.Sleep(ctx, d) }

func TestErrTimeoutMatchesDeadlineExceededAndIsANetTimeout(t *testing.T) {
	if !errors.Is(asyncio.ErrTimeout, context.DeadlineExceeded) {
		t.Error("ErrTimeout does not match context.DeadlineExceeded")
	}
	var ne net.Error
	if !errors.As(asyncio.ErrTimeout, &ne) || !ne.Timeout() {
		t.Error("ErrTimeout is not a net.Error whose Timeout() is true")
	}
	te := &asyncio.TimeoutError{Cause: &asyncio.CancelledError{}}
	if !errors.Is(te, asyncio.ErrTimeout) || !errors.Is(te, context.DeadlineExceeded) || !te.Timeout() {
		t.Error("*TimeoutError does not match ErrTimeout and DeadlineExceeded")
	}
	if errors.Is(te, asyncio.ErrCancelled) || errors.Is(te, context.Canceled) {
		t.Error("*TimeoutError matches a cancellation: a task returning it would end cancelled")
	}
}

func TestTO01_ExpiryCancelsBodyAndBecomesTimeoutError(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		loop := runningLoop(t, ctx)
		scope := asyncio.NewTimeoutScope(10 * time.Millisecond)
		var seen error
		err := scope.Run(ctx, func(ctx context.Context) error {
			seen = sleep(ctx, 10*time.Second)
			return seen
		})
		if !errors.Is(seen, asyncio.ErrCancelled) {
			t.Errorf("body saw %v, want a cancellation", seen)
		}
		var te *asyncio.TimeoutError
		if !errors.As(err, &te) || !errors.Is(err, context.DeadlineExceeded) || !errors.Is(te.Cause, asyncio.ErrCancelled) {
			t.Errorf("Run = %v, want a *TimeoutError caused by the cancellation", err)
		}
		if !scope.Expired() || loop.Time() != 10*time.Millisecond {
			t.Errorf("Expired = %t at %v, want true at 10ms", scope.Expired(), loop.Time())
		}
		return nil
	})
}

func TestTO03_NoDeadlineNeverFires(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		scope := asyncio.NewTimeoutScope(asyncio.NoDeadline)
		if err := scope.Run(ctx, func(ctx context.Context) error { return sleep(ctx, time.Hour) }); err != nil {
			t.Errorf("Run = %v", err)
		}
		if scope.Expired() || scope.When() != asyncio.NoDeadline {
			t.Errorf("Expired = %t, When = %v", scope.Expired(), scope.When())
		}
		err := asyncio.Timeout(ctx, asyncio.NoDeadline, func(ctx context.Context) error { return sleep(ctx, time.Hour) })
		if err != nil {
			t.Errorf("Timeout(NoDeadline) = %v", err)
		}
		return nil
	})
}

func TestTO04_ZeroAndPastDeadlinesInterruptOneYield(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		for _, d := range []time.Duration{0, -11 * time.Second} {
			err := asyncio.Timeout(ctx, d, func(ctx context.Context) error { return sleep(ctx, 0) })
			if !errors.Is(err, asyncio.ErrTimeout) {
				t.Errorf("Timeout(%v) around Sleep(0) = %v, want a timeout", d, err)
			}
		}
		return nil
	})
}

func TestTO05_ZeroTimeoutWithoutAwaitCompletes(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		scope := asyncio.NewTimeoutScope(0)
		if err := scope.Run(ctx, func(context.Context) error { return nil }); err != nil || scope.Expired() {
			t.Errorf("Run = %v, Expired = %t; want nil, false", err, scope.Expired())
		}
		return sleep(ctx, 0) // the disarmed expiry must not cancel the task now
	})
}

func TestTO06_NestedTimeoutsOnlyTheOwnerConverts(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		when := runningLoop(t, ctx).Time() + 10*time.Millisecond
		outer, inner := asyncio.NewTimeoutScopeAt(when), asyncio.NewTimeoutScopeAt(when)
		var innerErr error
		err := outer.Run(ctx, func(ctx context.Context) error {
			innerErr = inner.Run(ctx, func(ctx context.Context) error { return sleep(ctx, 10*time.Second) })
			return innerErr
		})
		if !errors.Is(innerErr, asyncio.ErrCancelled) || errors.Is(innerErr, asyncio.ErrTimeout) {
			t.Errorf("inner = %v, want the CancelledError passed through", innerErr)
		}
		if !errors.Is(err, asyncio.ErrTimeout) {
			t.Errorf("outer = %v, want a timeout", err)
		}
		if !outer.Expired() || !inner.Expired() {
			t.Errorf("expired: outer %t inner %t, want both", outer.Expired(), inner.Expired())
		}
		if n := asyncio.CurrentTask(ctx).Cancelling(); n != 0 {
			t.Errorf("Cancelling() = %d after the scopes, want 0", n)
		}
		return nil
	})
}

func TestTO07_InnerTimeoutHandledThenOuterFires(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var got []string
		err := asyncio.Timeout(ctx, 50*time.Millisecond, func(ctx context.Context) error {
			err := asyncio.Timeout(ctx, 10*time.Millisecond, func(ctx context.Context) error { return sleep(ctx, time.Second) })
			if errors.Is(err, asyncio.ErrTimeout) {
				got = append(got, "inner")
			}
			return sleep(ctx, time.Second)
		})
		if errors.Is(err, asyncio.ErrTimeout) {
			got = append(got, "outer")
		}
		if !slices.Equal(got, []string{"inner", "outer"}) || runningLoop(t, ctx).Time() != 50*time.Millisecond {
			t.Errorf("got %v at %v, want [inner outer] at 50ms", got, runningLoop(t, ctx).Time())
		}
		return nil
	})
}

func TestTO09_ForeignErrorPassesThrough(t *testing.T) {
	errKey := errors.New("KeyError")
	asynciotest.Run(t, func(ctx context.Context) error {
		scope := asyncio.NewTimeoutScope(10 * time.Millisecond)
		if err := scope.Run(ctx, func(context.Context) error { return errKey }); err != errKey || scope.Expired() {
			t.Errorf("Run = %v, Expired = %t; want KeyError, false", err, scope.Expired())
		}
		return nil
	})
}

func TestTO10_RescheduleFromOutsideThenCancel(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		d1 := runningLoop(t, ctx).Time() + 10*time.Second
		scope := asyncio.NewTimeoutScopeAt(d1)
		task := asyncio.Go(ctx, func(ctx context.Context) error {
			return scope.Run(ctx, func(ctx context.Context) error { return sleep(ctx, time.Hour) })
		})
		if err := sleep(ctx, 0); err != nil {
			return err
		}
		whens := []time.Duration{scope.When()}
		if err := scope.Reschedule(d1 + 20*time.Second); err != nil {
			t.Errorf("Reschedule: %v", err)
		}
		whens = append(whens, scope.When())
		if err := scope.Reschedule(asyncio.NoDeadline); err != nil {
			t.Errorf("Reschedule(NoDeadline): %v", err)
		}
		whens = append(whens, scope.When())
		if want := []time.Duration{d1, d1 + 20*time.Second, asyncio.NoDeadline}; !slices.Equal(whens, want) {
			t.Errorf("When went %v, want %v", whens, want)
		}
		task.Cancel()
		_, err := task.Await(ctx)
		if !errors.Is(err, asyncio.ErrCancelled) || errors.Is(err, asyncio.ErrTimeout) || scope.Expired() {
			t.Errorf("task = %v, Expired = %t; want a CancelledError, false", err, scope.Expired())
		}
		return nil
	})
}

func TestTO11_RescheduleIntoThePastFiresNextIteration(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		loop := runningLoop(t, ctx)
		scope := asyncio.NewTimeoutScope(10 * time.Second)
		err := scope.Run(ctx, func(ctx context.Context) error {
			if err := scope.Reschedule(loop.Time() - time.Second); err != nil {
				return err
			}
			return sleep(ctx, 10*time.Second)
		})
		if !errors.Is(err, asyncio.ErrTimeout) || loop.Time() != 0 {
			t.Errorf("Run = %v at %v, want a timeout at once", err, loop.Time())
		}
		return nil
	})
}

func TestTimeoutRescheduleExtendsAndShortens(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		loop := runningLoop(t, ctx)
		scope := asyncio.NewTimeoutScope(10 * time.Millisecond)
		err := scope.Run(ctx, func(ctx context.Context) error {
			if err := scope.Reschedule(loop.Time() + 50*time.Millisecond); err != nil {
				return err
			}
			if err := sleep(ctx, 30*time.Millisecond); err != nil {
				t.Errorf("sleep past the first deadline: %v", err)
				return err
			}
			if err := scope.Reschedule(loop.Time() + 5*time.Millisecond); err != nil {
				return err
			}
			return sleep(ctx, time.Second)
		})
		if !errors.Is(err, asyncio.ErrTimeout) || loop.Time() != 35*time.Millisecond {
			t.Errorf("Run = %v at %v, want a timeout at 35ms", err, loop.Time())
		}
		return nil
	})
}

func TestTO12_MisuseReturnsInvalidState(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		loop := runningLoop(t, ctx)
		notEntered := asyncio.NewTimeoutScope(time.Second)
		if err := notEntered.Reschedule(0); !errors.Is(err, asyncio.ErrInvalidState) {
			t.Errorf("Reschedule before Run = %v", err)
		}
		finished := asyncio.NewTimeoutScope(time.Second)
		//asynciovet:ignore the test checks the scope's state after Run, not its error
		_ = finished.Run(ctx, func(context.Context) error { return nil })
		if err := finished.Reschedule(0); !errors.Is(err, asyncio.ErrInvalidState) {
			t.Errorf("Reschedule after exit = %v", err)
		}
		if err := finished.Run(ctx, func(context.Context) error { return nil }); !errors.Is(err, asyncio.ErrInvalidState) {
			t.Errorf("second Run = %v", err)
		}
		expired := asyncio.NewTimeoutScope(0)
		var whileExpiring error
		//asynciovet:ignore the test checks the scope's state after Run, not its error
		_ = expired.Run(ctx, func(ctx context.Context) error {
			err := sleep(ctx, time.Second)
			whileExpiring = expired.Reschedule(loop.Time() + time.Hour)
			return err
		})
		if !errors.Is(whileExpiring, asyncio.ErrInvalidState) {
			t.Errorf("Reschedule while expiring = %v", whileExpiring)
		}
		if err := expired.Reschedule(0); !errors.Is(err, asyncio.ErrInvalidState) {
			t.Errorf("Reschedule after expiry = %v", err)
		}
		return nil
	})
}

func TestTO14_SwallowedCancelDoesNotConfuseTheCount(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		task := asyncio.Go(ctx, func(ctx context.Context) error {
			asyncio.CurrentTask(ctx).Cancel()
			//asynciovet:ignore the test swallows the cancellation on purpose
			_ = sleep(ctx, 0) // swallowed; Cancelling() stays 1
			return asyncio.Timeout(ctx, 0, func(ctx context.Context) error { return sleep(ctx, time.Second) })
		})
		_, err := task.Await(ctx)
		if !errors.Is(err, asyncio.ErrTimeout) {
			t.Errorf("task = %v, want a timeout", err)
		}
		return nil
	})
}

func TestTO15_ForeignErrorAfterExpiryWins(t *testing.T) {
	errZero := errors.New("ZeroDivisionError")
	asynciotest.Run(t, func(ctx context.Context) error {
		err := asyncio.Timeout(ctx, 10*time.Millisecond, func(ctx context.Context) error {
			//asynciovet:ignore the test swallows the cancellation on purpose
			_ = sleep(ctx, time.Second)
			return errZero
		})
		if err != errZero {
			t.Errorf("Timeout = %v, want ZeroDivisionError", err)
		}
		return nil
	})
}

func TestTO16_OutsideACoroutineAndTaskNotLeftCancelled(t *testing.T) {
	if err := asyncio.Timeout(context.Background(), time.Second, func(context.Context) error { return nil }); err != asyncio.ErrNotInCoroutine {
		t.Errorf("Timeout outside a coroutine = %v", err)
	}
	asynciotest.Run(t, func(ctx context.Context) error {
		//asynciovet:ignore the test checks the scope's effects, not its error
		_ = asyncio.Timeout(ctx, time.Millisecond, func(ctx context.Context) error { return sleep(ctx, time.Second) })
		if n := asyncio.CurrentTask(ctx).Cancelling(); n != 0 {
			t.Errorf("Cancelling() = %d after a handled timeout", n)
		}
		return sleep(ctx, time.Millisecond)
	})
}

func TestTimeoutExpiresWhileBodyHandlesACancellation(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var cleanup error
		task := asyncio.Go(ctx, func(ctx context.Context) error {
			return asyncio.Timeout(ctx, 50*time.Millisecond, func(ctx context.Context) error {
				err := sleep(ctx, 10*time.Second) // cancelled from outside at 10ms
				cleanup = sleep(ctx, 100*time.Millisecond)
				return err
			})
		})
		if err := sleep(ctx, 10*time.Millisecond); err != nil {
			return err
		}
		task.Cancel()
		_, err := task.Await(ctx)
		if !errors.Is(cleanup, asyncio.ErrCancelled) {
			t.Errorf("cleanup sleep = %v, want cut short by the deadline", cleanup)
		}
		if !errors.Is(err, asyncio.ErrCancelled) || errors.Is(err, asyncio.ErrTimeout) || !task.Cancelled() {
			t.Errorf("task = %v: the outside cancellation must not become a timeout", err)
		}
		if now := runningLoop(t, ctx).Time(); now != 50*time.Millisecond {
			t.Errorf("ended at %v, want 50ms", now)
		}
		return nil
	})
}

func TestTimeoutCancelInSameIterationAsExpiryIsNotConverted(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		loop := runningLoop(t, ctx)
		task := asyncio.Go(ctx, func(ctx context.Context) error {
			return asyncio.Timeout(ctx, 10*time.Millisecond, func(ctx context.Context) error { return sleep(ctx, time.Second) })
		})
		var tk asyncio.AnyTask = task
		if _, err := loop.CallLater(10*time.Millisecond, func() { tk.Cancel() }); err != nil {
			return err
		}
		_, err := task.Await(ctx)
		if !errors.Is(err, asyncio.ErrCancelled) || !task.Cancelled() {
			t.Errorf("task = %v, want cancelled", err)
		}
		return nil
	})
}

func TestTimeoutBodyPanicDisarms(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		task := asyncio.Go(ctx, func(ctx context.Context) error {
			return asyncio.Timeout(ctx, time.Millisecond, func(context.Context) error { panic("boom") })
		})
		var pe *asyncio.PanicError
		if _, err := task.Await(ctx); !errors.As(err, &pe) {
			t.Errorf("task = %v, want a *PanicError", err)
		}
		return sleep(ctx, time.Second) // a timer left armed would cancel nothing now
	})
}

func TestTimeoutCtxReportsDeadlineAndErr(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		if _, ok := ctx.Deadline(); ok {
			t.Error("a task ctx has a deadline")
		}
		var errAfter error
		//asynciovet:ignore the test checks the scope's effects, not its error
		_ = asyncio.Timeout(ctx, time.Hour, func(ctx context.Context) error {
			outer, ok := ctx.Deadline()
			if !ok || time.Until(outer) < 59*time.Minute || time.Until(outer) > time.Hour {
				t.Errorf("Deadline = %v, %t; want about an hour from now", outer, ok)
			}
			return asyncio.Timeout(ctx, time.Minute, func(ctx context.Context) error {
				inner, _ := ctx.Deadline()
				if !inner.Before(outer) {
					t.Error("the inner deadline is not the earlier one")
				}
				if asyncio.CurrentTask(ctx) == nil {
					t.Error("the scope's ctx does not find its task")
				}
				err := sleep(ctx, 2*time.Minute)
				errAfter = ctx.Err()
				return err
			})
		})
		if !errors.Is(errAfter, context.DeadlineExceeded) {
			t.Errorf("ctx.Err() after expiry = %v, want DeadlineExceeded", errAfter)
		}
		return nil
	})
}

func TestDerivedCtxCancelInterruptsAwait(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		f := asyncio.NewFuture[int](runningLoop(t, ctx))
		dctx, cancel := context.WithCancel(ctx)
		if _, err := runningLoop(t, ctx).CallSoon(cancel); err != nil {
			return err
		}
		if _, err := f.Await(dctx); err != context.Canceled {
			t.Errorf("Await = %v, want context.Canceled", err)
		}
		if !f.Cancelled() {
			t.Error("the interrupted await left its future running")
		}
		if _, err := asyncio.NewFuture[int](runningLoop(t, ctx)).Await(dctx); err != context.Canceled {
			t.Errorf("Await with a done ctx = %v", err)
		}
		return sleep(ctx, 0) // the task itself is not cancelled
	})
}

func TestDerivedCtxTimeoutInterruptsSleep(t *testing.T) {
	// context.WithTimeout runs on the wall clock, which a virtual clock would
	// leap past: this loop keeps real time.
	err := asyncio.Run(func(ctx context.Context) error {
		dctx, cancel := context.WithTimeout(ctx, 5*time.Millisecond)
		defer cancel()
		if err := sleep(dctx, time.Hour); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Sleep = %v, want DeadlineExceeded", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestDerivedCtxResultWinsAndTaskCancelStaysACancellation(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		dctx, cancel := context.WithCancel(ctx)
		defer cancel()
		child := asyncio.CreateTask(ctx, func(ctx context.Context) (int, error) { return 7, sleep(ctx, time.Millisecond) })
		if v, err := child.Await(dctx); v != 7 || err != nil {
			t.Errorf("Await = %v, %v; want 7, nil", v, err)
		}
		task := asyncio.Go(ctx, func(ctx context.Context) error {
			dctx, cancel := context.WithCancel(ctx)
			defer cancel()
			return sleep(dctx, time.Hour)
		})
		if err := sleep(ctx, 0); err != nil {
			return err
		}
		task.CancelWithMessage("bye")
		_, err := task.Await(ctx)
		if msg, ok := tkCancelMsg(err); !ok || msg != "bye" {
			t.Errorf("task = %v, want CancelledError(bye)", err)
		}
		return nil
	})
}

func TestDerivingFromTaskCtxStartsNoGoroutine(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		before := runtime.NumGoroutine()
		var ctxs []context.Context
		var cancels []context.CancelFunc
		for range 50 {
			c, cancel := context.WithCancel(ctx)
			ctxs, cancels = append(ctxs, c), append(cancels, cancel)
		}
		err := asyncio.Timeout(ctx, time.Hour, func(ctx context.Context) error {
			c, cancel := context.WithTimeout(ctx, 2*time.Hour)
			ctxs, cancels = append(ctxs, c), append(cancels, cancel)
			if d, _ := c.Deadline(); time.Until(d) > time.Hour {
				t.Error("a ctx derived in a scope does not keep the scope's deadline")
			}
			return nil
		})
		if n := runtime.NumGoroutine(); n > before {
			t.Errorf("%d goroutines after deriving 51 contexts, %d before", n, before)
		}
		asyncio.CurrentTask(ctx).Cancel()
		for i, c := range ctxs[:50] {
			if c.Err() == nil {
				t.Fatalf("derived ctx %d not cancelled with its task", i)
			}
		}
		asyncio.CurrentTask(ctx).Uncancel()
		for _, cancel := range cancels {
			cancel()
		}
		return err
	})
}

func TestTimeoutAtUsesTheLoopClock(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		loop := runningLoop(t, ctx)
		if err := sleep(ctx, time.Second); err != nil {
			return err
		}
		err := asyncio.TimeoutAt(ctx, 1500*time.Millisecond, func(ctx context.Context) error { return sleep(ctx, time.Hour) })
		if !errors.Is(err, asyncio.ErrTimeout) || loop.Time() != 1500*time.Millisecond {
			t.Errorf("TimeoutAt = %v at %v, want a timeout at 1.5s", err, loop.Time())
		}
		return nil
	})
}

func TestTimeoutResultBeforeDeadlineIsKept(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		scope := asyncio.NewTimeoutScope(time.Second)
		err := scope.Run(ctx, func(ctx context.Context) error { return sleep(ctx, time.Millisecond) })
		if err != nil || scope.Expired() {
			t.Errorf("Run = %v, Expired %t", err, scope.Expired())
		}
		return sleep(ctx, 2*time.Second) // the scope's timer is gone
	})
}

// test_foreign_cancel_doesnt_timeout_if_not_expired and
// test_cancel_in_timeout_after_cancellation: a self-cancel inside a scope that
// has not expired stays a cancellation, even after an earlier swallowed one.
func TestTimeoutDoesNotConvertAForeignCancelBeforeExpiry(t *testing.T) {
	runWithLoop(t, func(ctx context.Context, loop *asyncio.EventLoop) {
		me := asyncio.CurrentTask(ctx)
		s := asyncio.NewTimeoutScope(10 * time.Second)
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
func TestTimeoutNestedInCleanupAndItsOuterBothTimeOut(t *testing.T) {
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

func TestNewTimeoutScopeStartsItsDelayAtRun(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		loop := runningLoop(t, ctx)
		scope := asyncio.NewTimeoutScope(10 * time.Millisecond)
		if w := scope.When(); w != asyncio.NoDeadline {
			t.Errorf("When before Run = %v, want NoDeadline", w)
		}
		if err := asyncio.Sleep(ctx, time.Second); err != nil {
			return err
		}
		err := scope.Run(ctx, func(ctx context.Context) error {
			if w := scope.When(); w != time.Second+10*time.Millisecond {
				t.Errorf("When inside Run = %v, want 1.01s", w)
			}
			return asyncio.Sleep(ctx, time.Hour)
		})
		if !errors.Is(err, asyncio.ErrTimeout) || loop.Time() != time.Second+10*time.Millisecond {
			t.Errorf("Run = %v at %v, want a timeout at 1.01s", err, loop.Time())
		}
		return nil
	})
}

func TestNewTimeoutScopeAtKeepsItsDeadline(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		scope := asyncio.NewTimeoutScopeAt(time.Second)
		if w := scope.When(); w != time.Second {
			t.Errorf("When before Run = %v, want 1s", w)
		}
		if err := asyncio.Sleep(ctx, 2*time.Second); err != nil {
			return err
		}
		// The deadline is past when the block starts: it expires at the first await.
		err := scope.Run(ctx, func(ctx context.Context) error { return asyncio.Sleep(ctx, 0) })
		if !errors.Is(err, asyncio.ErrTimeout) {
			t.Errorf("Run = %v, want a timeout", err)
		}
		return nil
	})
}

func TestTimeoutScopeZeroValueExpiresAtFirstAwait(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var scope asyncio.TimeoutScope
		err := scope.Run(ctx, func(ctx context.Context) error { return asyncio.Sleep(ctx, time.Hour) })
		if !errors.Is(err, asyncio.ErrTimeout) || !scope.Expired() {
			t.Errorf("Run = %v, Expired %t; want a timeout", err, scope.Expired())
		}
		return nil
	})
}

func TestTimeoutErrorNamesTheScopeAndItsDelay(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		hour := func(ctx context.Context) error { return asyncio.Sleep(ctx, time.Hour) }
		cases := []struct {
			run  func() error
			want string
		}{
			{func() error { return asyncio.Timeout(ctx, 10*time.Millisecond, hour) },
				"asyncio: timeout: Timeout of 10ms expired at 10ms"},
			{func() error { return asyncio.TimeoutAt(ctx, runningLoop(t, ctx).Time()+5*time.Millisecond, hour) },
				"asyncio: timeout: TimeoutAt of 5ms expired at 15ms"},
			{func() error { return asyncio.NewTimeoutScope(time.Second).Run(ctx, hour) },
				"asyncio: timeout: TimeoutScope of 1s expired at 1.015s"},
			{func() error {
				_, err := asyncio.WaitFor[struct{}](ctx, asyncio.Func(hour), 2*time.Second)
				return err
			}, "asyncio: timeout: WaitFor of 2s expired at 3.015s"},
		}
		for _, c := range cases {
			err := c.run()
			var te *asyncio.TimeoutError
			if !errors.As(err, &te) || err.Error() != c.want {
				t.Errorf("error = %v, want %q", err, c.want)
			}
		}
		return nil
	})
}

func TestAsCompletedTimeoutErrorNamesItsDelay(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		slow := asyncio.Coroutine[int](func(ctx context.Context) (int, error) { return 0, asyncio.Sleep(ctx, time.Hour) })
		for _, err := range asyncio.AsCompletedTimeout[int](ctx, time.Second, slow) {
			if want := "asyncio: timeout: AsCompletedTimeout of 1s expired at 1s"; err == nil || err.Error() != want {
				t.Errorf("error = %v, want %q", err, want)
			}
		}
		return nil
	})
}
