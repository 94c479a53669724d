package asyncio_test

// TaskGroup: the TG cases of the conformance checklist. Python-only cases:
//   - TG-09, TG-10: KeyboardInterrupt, SystemExit and other BaseExceptions
//     have no Go counterpart (a panic in the body is recovered as a
//     *PanicError and grouped like any error: tested below).
//   - TG-11(c) and TG-15 (a group used before or after its `async with`,
//     entered twice): WithTaskGroup scopes the group to its body, so it
//     cannot be entered twice or used before; use after exit is TG-11(b).

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

var errZero = errors.New("ZeroDivisionError")

// failAfter returns a coroutine that sleeps d, then fails with err.
func failAfter(d time.Duration, err error) func(context.Context) error {
	return func(ctx context.Context) error {
		if e := sleep(ctx, d); e != nil {
			return e
		}
		return err
	}
}

// groupErrors returns the members of the *TaskGroupError err, each task's
// failure without the *TaskError that names the task, so that tests compare
// the coroutines' own errors.
func groupErrors(t *testing.T, err error) []error {
	t.Helper()
	var ge *asyncio.TaskGroupError
	if !errors.As(err, &ge) {
		t.Fatalf("err = %v, want a *TaskGroupError", err)
	}
	errs := make([]error, len(ge.Errors))
	for i, e := range ge.Errors {
		if te, ok := e.(*asyncio.TaskError); ok {
			e = te.Err
		}
		errs[i] = e
	}
	return errs
}

func TestTG01_ExitWaitsForLateTasks(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var t1, t2 *asyncio.Task[int]
		err := asyncio.WithTaskGroup(ctx, func(ctx context.Context, tg *asyncio.TaskGroup) error {
			t1 = asyncio.CreateGroupTask(tg, napper(20*time.Millisecond, 42))
			if err := sleep(ctx, 30*time.Millisecond); err != nil {
				return err
			}
			t2 = asyncio.CreateGroupTask(tg, napper(20*time.Millisecond, 11))
			return nil
		})
		v1, _ := t1.Result()
		v2, _ := t2.Result()
		if err != nil || v1 != 42 || v2 != 11 || runningLoop(t, ctx).Time() != 50*time.Millisecond {
			t.Errorf("group = %v; results %d %d at %v", err, v1, v2, runningLoop(t, ctx).Time())
		}
		return nil
	})
}

func TestTG03_FailureCancelsSiblingsAndBody(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var sibling, body error
		err := asyncio.WithTaskGroup(ctx, func(ctx context.Context, tg *asyncio.TaskGroup) error {
			tg.Go(failAfter(10*time.Millisecond, errZero))
			tg.Go(func(ctx context.Context) error { sibling = sleep(ctx, 5*time.Second); return sibling })
			body = sleep(ctx, 10*time.Second)
			return body
		})
		if !errors.Is(sibling, asyncio.ErrCancelled) || !errors.Is(body, asyncio.ErrCancelled) {
			t.Errorf("sibling %v, body %v; want both cancelled", sibling, body)
		}
		if errs := groupErrors(t, err); !slices.Equal(errs, []error{errZero}) || !errors.Is(err, errZero) {
			t.Errorf("group errors %v, want [ZeroDivisionError]", errs)
		}
		if now := runningLoop(t, ctx).Time(); now != 10*time.Millisecond {
			t.Errorf("group ended at %v, want 10ms", now)
		}
		return nil
	})
}

func TestTG04_SimultaneousFailuresAreAllReported(t *testing.T) {
	e1, e2, e3 := errors.New("e1"), errors.New("e2"), errors.New("e3")
	asynciotest.Run(t, func(ctx context.Context) error {
		err := asyncio.WithTaskGroup(ctx, func(ctx context.Context, tg *asyncio.TaskGroup) error {
			for _, e := range []error{e1, e2, e3} {
				tg.Go(failAfter(10*time.Millisecond, e))
			}
			return nil
		})
		if errs := groupErrors(t, err); !slices.Equal(errs, []error{e1, e2, e3}) {
			t.Errorf("group errors %v, want [e1 e2 e3]", errs)
		}
		return nil
	})
}

func TestTaskGroupTwoFailingChildrenBothReported(t *testing.T) {
	errA, errB := errors.New("a"), errors.New("b in cleanup")
	asynciotest.Run(t, func(ctx context.Context) error {
		err := asyncio.WithTaskGroup(ctx, func(ctx context.Context, tg *asyncio.TaskGroup) error {
			tg.Go(failAfter(10*time.Millisecond, errA))
			tg.Go(func(ctx context.Context) error {
				//asynciovet:ignore the task fails while being cancelled, on purpose
				_ = sleep(ctx, time.Hour)
				return errB // fails while being cancelled
			})
			return nil
		})
		if errs := groupErrors(t, err); !slices.Equal(errs, []error{errA, errB}) || !errors.Is(err, errA) || !errors.Is(err, errB) {
			t.Errorf("group errors %v, want [a, b]", errs)
		}
		return nil
	})
}

func TestTG05_BodyFailureCancelsChildrenAndIsGrouped(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var children []*asyncio.Task[struct{}]
		err := asyncio.WithTaskGroup(ctx, func(ctx context.Context, tg *asyncio.TaskGroup) error {
			children = append(children, tg.Go(failAfter(time.Hour, nil)), tg.Go(failAfter(time.Hour, nil)))
			return errZero
		})
		if errs := groupErrors(t, err); !slices.Equal(errs, []error{errZero}) {
			t.Errorf("group errors %v, want [ZeroDivisionError]", errs)
		}
		for i, c := range children {
			if !c.Cancelled() {
				t.Errorf("child %d not cancelled", i)
			}
		}
		return nil
	})
}

func TestTG06_ParentCancelledEndsWithPlainCancellation(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		seen := 0
		task := asyncio.Go(ctx, func(ctx context.Context) error {
			return asyncio.WithTaskGroup(ctx, func(ctx context.Context, tg *asyncio.TaskGroup) error {
				for range 5 {
					tg.Go(func(ctx context.Context) error {
						err := sleep(ctx, time.Hour)
						if errors.Is(err, asyncio.ErrCancelled) {
							seen++
						}
						return err
					})
				}
				return sleep(ctx, time.Hour)
			})
		})
		if err := sleep(ctx, time.Millisecond); err != nil {
			return err
		}
		task.Cancel()
		_, err := task.Await(ctx)
		var ge *asyncio.TaskGroupError
		if !errors.Is(err, asyncio.ErrCancelled) || errors.As(err, &ge) || !task.Cancelled() || seen != 5 {
			t.Errorf("task = %v (cancelled %t), children cancelled %d; want a plain cancellation of all", err, task.Cancelled(), seen)
		}
		return nil
	})
}

func TestTG07_ErrorsDuringCancellationWinOverIt(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var groupErr, after error
		task := asyncio.Go(ctx, func(ctx context.Context) error {
			groupErr = asyncio.WithTaskGroup(ctx, func(ctx context.Context, tg *asyncio.TaskGroup) error {
				for range 2 {
					tg.Go(func(ctx context.Context) error {
						//asynciovet:ignore the test swallows the cancellation on purpose
						_ = sleep(ctx, time.Hour)
						return errZero
					})
				}
				return sleep(ctx, time.Hour)
			})
			after = sleep(ctx, 0)
			return after
		})
		if err := sleep(ctx, time.Millisecond); err != nil {
			return err
		}
		task.Cancel()
		//asynciovet:ignore the test only waits for the task to finish; its outcome is checked elsewhere
		_, _ = task.Await(ctx)
		if errs := groupErrors(t, groupErr); len(errs) != 2 || errs[0] != errZero || errs[1] != errZero {
			t.Errorf("group errors %v, want two ZeroDivisionErrors", errs)
		}
		if !errors.Is(after, asyncio.ErrCancelled) || !task.Cancelled() {
			t.Errorf("next await = %v: the outside cancellation was lost", after)
		}
		return nil
	})
}

func TestTG11_AddingToAShuttingDownOrFinishedGroupFails(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		ran := false
		never := func(context.Context) error { ran = true; return nil }
		var shuttingDown *asyncio.Task[struct{}]
		var kept *asyncio.TaskGroup
		//asynciovet:ignore the test checks the group's effects, not its error
		_ = asyncio.WithTaskGroup(ctx, func(ctx context.Context, tg *asyncio.TaskGroup) error {
			kept = tg
			tg.Go(failAfter(0, errZero))
			//asynciovet:ignore the test swallows the cancellation on purpose
			_ = sleep(ctx, time.Hour) // cancelled by the failure
			shuttingDown = tg.Go(never)
			return nil
		})
		if err := shuttingDown.Exception(); !errors.Is(err, asyncio.ErrInvalidState) {
			t.Errorf("Go while shutting down = %v", err)
		}
		finished := asyncio.CreateGroupTask(kept, napper(0, 1))
		if _, err := finished.Result(); !errors.Is(err, asyncio.ErrInvalidState) || !finished.Done() {
			t.Errorf("CreateGroupTask after exit = %v", err)
		}
		if err := sleep(ctx, time.Millisecond); err != nil || ran {
			t.Errorf("a refused coroutine ran (%t), or %v", ran, err)
		}
		return nil
	})
}

func TestTG12_GroupWithdrawsItsOwnCancelRequest(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		err := asyncio.WithTaskGroup(ctx, func(ctx context.Context, tg *asyncio.TaskGroup) error {
			tg.Go(failAfter(time.Millisecond, errZero))
			return sleep(ctx, time.Hour)
		})
		if !errors.Is(err, errZero) {
			t.Errorf("group = %v", err)
		}
		if n := asyncio.CurrentTask(ctx).Cancelling(); n != 0 {
			t.Errorf("Cancelling() = %d after handling the group's error, want 0", n)
		}
		return sleep(ctx, time.Millisecond)
	})
}

func TestTG13_OutsideCancelRacingAChildFailureSurvives(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var cancelling int
		var next error
		var inner *asyncio.Task[struct{}]
		inner = asyncio.Go(ctx, func(ctx context.Context) error {
			err := asyncio.WithTaskGroup(ctx, func(ctx context.Context, tg *asyncio.TaskGroup) error {
				tg.Go(func(ctx context.Context) error {
					inner.Cancel() // the outside cancel, in the step where the child fails
					return errZero
				})
				return sleep(ctx, time.Hour)
			})
			if !errors.Is(err, errZero) {
				t.Errorf("group = %v, want the child's error", err)
			}
			cancelling = asyncio.CurrentTask(ctx).Cancelling()
			next = sleep(ctx, time.Hour)
			return next
		})
		//asynciovet:ignore the test only waits for the task to finish; its outcome is checked elsewhere
		_, _ = inner.Await(ctx)
		if cancelling != 1 || !errors.Is(next, asyncio.ErrCancelled) || !inner.Cancelled() {
			t.Errorf("Cancelling() = %d, next await %v, cancelled %t; want 1, a cancellation, true", cancelling, next, inner.Cancelled())
		}
		return nil
	})
}

func TestTG16_TimeoutAroundGroupKeepsTheGroupError(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		err := asyncio.Timeout(ctx, 10*time.Millisecond, func(ctx context.Context) error {
			return asyncio.WithTaskGroup(ctx, func(ctx context.Context, tg *asyncio.TaskGroup) error {
				tg.Go(func(ctx context.Context) error {
					//asynciovet:ignore the test swallows the cancellation on purpose
					_ = sleep(ctx, 2*time.Second)
					return errZero // crash in cleanup
				})
				// The body fails, but its cleanup awaits and is cut short by the
				// deadline: the cancellation replaces the failure, as a finally
				// clause's exception replaces the one in flight.
				return sleep(ctx, time.Second)
			})
		})
		if errs := groupErrors(t, err); !slices.Equal(errs, []error{errZero}) || errors.Is(err, asyncio.ErrTimeout) {
			t.Errorf("Timeout = %v, want the group's [ZeroDivisionError]", err)
		}
		if n := asyncio.CurrentTask(ctx).Cancelling(); n != 0 {
			t.Errorf("Cancelling() = %d afterwards, want 0", n)
		}
		return sleep(ctx, time.Millisecond)
	})
}

func TestTG17_TasksAddTasksToTheirGroup(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		counter := 0
		err := asyncio.WithTaskGroup(ctx, func(ctx context.Context, tg *asyncio.TaskGroup) error {
			leaf := func(ctx context.Context) error { counter++; return sleep(ctx, 10*time.Millisecond) }
			tg.Go(func(ctx context.Context) error {
				counter++
				if err := sleep(ctx, 10*time.Millisecond); err != nil {
					return err
				}
				tg.Go(leaf)
				tg.Go(leaf)
				return nil
			})
			return nil
		})
		if err != nil || counter != 3 || runningLoop(t, ctx).Time() != 20*time.Millisecond {
			t.Errorf("group = %v, counter %d at %v; want nil, 3 at 20ms", err, counter, runningLoop(t, ctx).Time())
		}
		return nil
	})
}

func TestTaskGroupChildFailingAfterBodyReturned(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var sibling *asyncio.Task[struct{}]
		err := asyncio.WithTaskGroup(ctx, func(ctx context.Context, tg *asyncio.TaskGroup) error {
			tg.Go(failAfter(10*time.Millisecond, errZero))
			sibling = tg.Go(failAfter(time.Hour, nil))
			return nil
		})
		if errs := groupErrors(t, err); !slices.Equal(errs, []error{errZero}) || !sibling.Cancelled() {
			t.Errorf("group errors %v, sibling cancelled %t", errs, sibling.Cancelled())
		}
		if n := asyncio.CurrentTask(ctx).Cancelling(); n != 0 {
			t.Errorf("Cancelling() = %d, want 0", n)
		}
		return sleep(ctx, time.Millisecond)
	})
}

func TestTaskGroupParentCancelledWhileChildrenCleanUp(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		cleaned := 0
		task := asyncio.Go(ctx, func(ctx context.Context) error {
			return asyncio.WithTaskGroup(ctx, func(ctx context.Context, tg *asyncio.TaskGroup) error {
				for range 3 {
					tg.Go(func(ctx context.Context) error {
						err := sleep(ctx, time.Hour)
						//asynciovet:ignore the test swallows the cancellation on purpose
						_ = sleep(ctx, 20*time.Millisecond) // cleanup, itself cut short by the second cancel
						//asynciovet:ignore the test swallows the cancellation on purpose
						_ = sleep(ctx, 20*time.Millisecond)
						cleaned++
						return err
					})
				}
				return sleep(ctx, time.Hour)
			})
		})
		if err := sleep(ctx, time.Millisecond); err != nil {
			return err
		}
		task.Cancel()
		if err := sleep(ctx, 5*time.Millisecond); err != nil {
			return err
		}
		task.Cancel()
		_, err := task.Await(ctx)
		if !errors.Is(err, asyncio.ErrCancelled) || cleaned != 3 {
			t.Errorf("task = %v, children cleaned up %d; want cancelled after all 3", err, cleaned)
		}
		return nil
	})
}

func TestTaskGroupBodyPanicIsGroupedAndChildrenCancelled(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var child *asyncio.Task[struct{}]
		err := asyncio.WithTaskGroup(ctx, func(ctx context.Context, tg *asyncio.TaskGroup) error {
			child = tg.Go(failAfter(time.Hour, nil))
			panic("boom")
		})
		var pe *asyncio.PanicError
		if !errors.As(err, &pe) || pe.Value != "boom" || !child.Cancelled() {
			t.Errorf("group = %v, child cancelled %t", err, child.Cancelled())
		}
		return nil
	})
}

type ctxKey struct{}

func TestTaskGroupTasksSeeBodyValuesAndMisuse(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		ctx = context.WithValue(ctx, ctxKey{}, "v")
		var got any
		err := asyncio.WithTaskGroup(ctx, func(ctx context.Context, tg *asyncio.TaskGroup) error {
			tg.Go(func(ctx context.Context) error { got = ctx.Value(ctxKey{}); return nil })
			return nil
		})
		if err != nil || got != "v" {
			t.Errorf("group = %v, value %v", err, got)
		}
		if err := asyncio.WithTaskGroup(context.Background(), nil); err != asyncio.ErrNotInCoroutine {
			t.Errorf("outside a coroutine = %v", err)
		}
		ge := &asyncio.TaskGroupError{Errors: []error{errZero, errZero}}
		if ge.Error() != "asyncio: unhandled errors in a TaskGroup (2 sub-errors): ZeroDivisionError; ZeroDivisionError" {
			t.Errorf("Error() = %q", ge.Error())
		}
		return nil
	})
}

func TestTaskGroupEmptyReturnsAtOnce(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		if err := asyncio.WithTaskGroup(ctx, func(context.Context, *asyncio.TaskGroup) error { return nil }); err != nil {
			t.Errorf("empty group = %v", err)
		}
		return nil
	})
}

func TestTaskGroupGoFromAnotherGoroutineIsRefused(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		return asyncio.WithTaskGroup(ctx, func(ctx context.Context, tg *asyncio.TaskGroup) error {
			done := make(chan *asyncio.Task[struct{}])
			go func() { done <- tg.Go(func(context.Context) error { return nil }) }()
			//asynciovet:ignore waits for a plain goroutine on purpose: the test checks a call made off the loop
			if err := (<-done).Exception(); err != asyncio.ErrWrongGoroutine {
				t.Errorf("Go from another goroutine = %v", err)
			}
			return nil
		})
	})
}

func TestTaskGroupErrorsMatchEachMember(t *testing.T) {
	var pe *asyncio.PanicError
	err := error(&asyncio.TaskGroupError{Errors: []error{errZero, &asyncio.PanicError{Value: "x"}}})
	if !errors.Is(err, errZero) || !errors.As(err, &pe) || errors.Is(err, asyncio.ErrCancelled) {
		t.Errorf("errors.Is/As do not reach the members of %v", err)
	}
}

// test_nested_groups_both_cancelled: handling the inner group's error leaves
// the outer group's request (cancelling() == 1); the outer group's exit
// withdraws it.
func TestTaskGroupsNestedAndBothFailingKeepTheOuterRequestUntilItsExit(t *testing.T) {
	errA, errB := errors.New("A"), errors.New("B")
	runWithLoop(t, func(ctx context.Context, loop *asyncio.EventLoop) {
		me := asyncio.CurrentTask(ctx)
		mid := -1
		err := asyncio.WithTaskGroup(ctx, func(ctx context.Context, outer *asyncio.TaskGroup) error {
			err := asyncio.WithTaskGroup(ctx, func(ctx context.Context, inner *asyncio.TaskGroup) error {
				inner.Go(failAfter(0, errA))
				outer.Go(failAfter(0, errB))
				return nil
			})
			if !errors.Is(err, errA) || errors.Is(err, errB) {
				t.Errorf("inner group error = %v, want only %v", err, errA)
			}
			mid = me.Cancelling()
			return nil
		})
		if !errors.Is(err, errB) || errors.Is(err, errA) {
			t.Errorf("outer group error = %v, want only %v", err, errB)
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
func TestTaskGroupBodyReplacingTheCancellationGroupsBothErrorsAndLeaksNoRequest(t *testing.T) {
	errA, errB := errors.New("A"), errors.New("B")
	runWithLoop(t, func(ctx context.Context, loop *asyncio.EventLoop) {
		me := asyncio.CurrentTask(ctx)
		err := asyncio.WithTaskGroup(ctx, func(ctx context.Context, tg *asyncio.TaskGroup) error {
			tg.Go(func(ctx context.Context) error { return errA })
			if err := asyncio.Sleep(ctx, time.Second); !errors.Is(err, asyncio.ErrCancelled) {
				t.Errorf("body's sleep = %v, want cancelled", err)
			}
			return errB
		})
		var ge *asyncio.TaskGroupError
		if !errors.As(err, &ge) || len(ge.Errors) != 2 || !errors.Is(ge.Errors[0], errA) || ge.Errors[1] != errB {
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
func TestTaskGroupChildFailingDuringASlowCleanupWinsOverTheCancellation(t *testing.T) {
	errA := errors.New("A")
	runWithLoop(t, func(ctx context.Context, loop *asyncio.EventLoop) {
		r := asyncio.Go(ctx, func(ctx context.Context) error {
			return asyncio.WithTaskGroup(ctx, func(ctx context.Context, g *asyncio.TaskGroup) error {
				g.Go(failAfter(300*time.Millisecond, errA))
				err := asyncio.Sleep(ctx, 10*time.Second)
				if err != nil {
					//asynciovet:ignore the test swallows the cancellation on purpose
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
		if !errors.As(err, &ge) || len(ge.Errors) != 1 || !errors.Is(ge.Errors[0], errA) {
			t.Errorf("error = %v; want a group of %v", err, errA)
		}
	})
}

// test_taskgroup_12 (3.13): cancelling a task running nested groups whose
// children fail while cancelled gives a group holding the inner group.
func TestTaskGroupsNestedWithChildrenFailingWhenCancelledGiveAGroupOfAGroup(t *testing.T) {
	errA := errors.New("A")
	runWithLoop(t, func(ctx context.Context, loop *asyncio.EventLoop) {
		r := asyncio.Go(ctx, func(ctx context.Context) error {
			return asyncio.WithTaskGroup(ctx, func(ctx context.Context, g1 *asyncio.TaskGroup) error {
				g1.Go(func(ctx context.Context) error { return asyncio.Sleep(ctx, 10*time.Second) })
				return asyncio.WithTaskGroup(ctx, func(ctx context.Context, g2 *asyncio.TaskGroup) error {
					for range 5 {
						//asynciovet:ignore the task fails whatever the sleep returns
						g2.Go(func(ctx context.Context) error { _ = asyncio.Sleep(ctx, 10*time.Second); return errA })
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
func TestTaskGroupChildIsCancelledWhenASiblingItCreatedFails(t *testing.T) {
	errA := errors.New("A")
	runWithLoop(t, func(ctx context.Context, loop *asyncio.EventLoop) {
		cancelled := false
		err := asyncio.WithTaskGroup(ctx, func(ctx context.Context, tg *asyncio.TaskGroup) error {
			tg.Go(func(ctx context.Context) error {
				tg.Go(func(ctx context.Context) error { return errA })
				err := asyncio.Sleep(ctx, 0)
				if err == nil {
					err = asyncio.Sleep(ctx, 0)
				}
				cancelled = errors.Is(err, asyncio.ErrCancelled)
				return nil
			})
			return nil
		})
		if !cancelled || !errors.Is(err, errA) {
			t.Errorf("child cancelled %t, group error %v", cancelled, err)
		}
	})
}

// test_taskgroup_03: a child cancelled directly does not affect the group.
func TestTaskGroupGoesOnWhenAChildIsCancelledDirectly(t *testing.T) {
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

func TestTaskGroupErrorSplitDividesMembersByMatch(t *testing.T) {
	errA, errB := errors.New("a"), errors.New("b")
	ge := &asyncio.TaskGroupError{Errors: []error{errA, errB, errA}}
	matched, rest := ge.Split(func(err error) bool { return errors.Is(err, errA) })
	var m, r *asyncio.TaskGroupError
	if !errors.As(matched, &m) || !slices.Equal(m.Errors, []error{errA, errA}) {
		t.Errorf("matched = %v, want a group of a, a", matched)
	}
	if !errors.As(rest, &r) || !slices.Equal(r.Errors, []error{errB}) {
		t.Errorf("rest = %v, want a group of b", rest)
	}
}

func TestTaskGroupErrorSplitGivesNilForAnEmptyPart(t *testing.T) {
	errA := errors.New("a")
	ge := &asyncio.TaskGroupError{Errors: []error{errA}}
	if matched, rest := ge.Split(func(error) bool { return true }); matched == nil || rest != nil {
		t.Errorf("all match: Split = %v, %v; want a group, nil", matched, rest)
	}
	if matched, rest := ge.Split(func(error) bool { return false }); matched != nil || rest == nil {
		t.Errorf("none match: Split = %v, %v; want nil, a group", matched, rest)
	}
	var nilGroup *asyncio.TaskGroupError
	if matched, rest := nilGroup.Split(func(error) bool { return true }); matched != nil || rest != nil {
		t.Errorf("nil group: Split = %v, %v; want nil, nil", matched, rest)
	}
}

func TestTaskGroupErrorSplitKeepsNestedGroups(t *testing.T) {
	errA, errB := errors.New("a"), errors.New("b")
	ge := &asyncio.TaskGroupError{Errors: []error{errA, &asyncio.TaskGroupError{Errors: []error{errA, errB}}}}
	matched, rest := ge.Split(func(err error) bool { return err == errA })
	m := matched.(*asyncio.TaskGroupError)
	if len(m.Errors) != 2 || m.Errors[0] != errA {
		t.Fatalf("matched = %v, want a and a nested group of a", matched)
	}
	if inner, ok := m.Errors[1].(*asyncio.TaskGroupError); !ok || !slices.Equal(inner.Errors, []error{errA}) {
		t.Errorf("matched's nested part = %v, want a group of a", m.Errors[1])
	}
	r := rest.(*asyncio.TaskGroupError)
	if inner, ok := r.Errors[0].(*asyncio.TaskGroupError); len(r.Errors) != 1 || !ok || !slices.Equal(inner.Errors, []error{errB}) {
		t.Errorf("rest = %v, want a nested group of b", rest)
	}
}

func TestSplitErrorTakesAPlainErrorWhole(t *testing.T) {
	errA := errors.New("a")
	if matched, rest := asyncio.SplitError(errA, func(error) bool { return true }); matched != errA || rest != nil {
		t.Errorf("match: SplitError = %v, %v; want a, nil", matched, rest)
	}
	if matched, rest := asyncio.SplitError(errA, func(error) bool { return false }); matched != nil || rest != errA {
		t.Errorf("no match: SplitError = %v, %v; want nil, a", matched, rest)
	}
	if matched, rest := asyncio.SplitError(nil, func(error) bool { return true }); matched != nil || rest != nil {
		t.Errorf("nil: SplitError = %v, %v; want nil, nil", matched, rest)
	}
}

func TestTaskGroupZeroValueRefusesGo(t *testing.T) {
	var tg asyncio.TaskGroup
	ran := false
	task := tg.Go(func(context.Context) error { ran = true; return nil })
	if err := task.Exception(); !task.Done() || !errors.Is(err, asyncio.ErrInvalidState) || ran {
		t.Errorf("Go on a zero TaskGroup: done %t, %v, ran %t; want a done task with ErrInvalidState", task.Done(), err, ran)
	}
	if got := asyncio.CreateGroupTask(&tg, func(context.Context) (int, error) { return 1, nil }); !got.Done() {
		t.Error("CreateGroupTask on a zero TaskGroup returned a pending task")
	}
}

func TestTaskGroupErrorMembersNameTheirTasks(t *testing.T) {
	errZero := errors.New("ZeroDivisionError")
	asynciotest.Run(t, func(ctx context.Context) error {
		err := asyncio.WithTaskGroup(ctx, func(ctx context.Context, tg *asyncio.TaskGroup) error {
			tg.Go(func(context.Context) error { return errZero }, asyncio.WithName("divide"))
			return nil
		})
		var ge *asyncio.TaskGroupError
		if !errors.As(err, &ge) || len(ge.Errors) != 1 {
			t.Fatalf("err = %v, want a group of one", err)
		}
		var te *asyncio.TaskError
		if m := ge.Errors[0]; !errors.As(m, &te) || te.Task != "divide" || !errors.Is(m, errZero) ||
			!strings.Contains(err.Error(), "task divide: ZeroDivisionError") {
			t.Errorf("member = %v (group %v), want ZeroDivisionError naming task divide", m, err)
		}
		return nil
	})
}
