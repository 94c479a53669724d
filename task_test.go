package asyncio_test

// Task lifecycle and cancellation: the TK cases of the conformance checklist,
// plus the rules a Go port adds (ErrNotInCoroutine, panics, the task's ctx).
//
// Not applicable to Go, so not tested:
//   - TK-05 (NaN half): sleep(NaN) raises ValueError; a time.Duration has no
//     NaN. The negative-delay half is TestTK05_NegativeDelayIsSleepZero.
//   - TK-07 (non-string half): cancel(5) round-trips any object; Go's
//     CancelWithMessage takes a string, and Cancel() is cancel(None).
//   - TK-24: Task.set_result/set_exception raise RuntimeError; Task has no
//     SetResult or SetException, so the compiler refuses the call.
//   - TK-25: create_task(123) raises TypeError; CreateTask and Go only accept
//     a coroutine function, so the compiler refuses anything else.
//   - TK-29: running tasks in one explicit contextvars.Context is about object
//     identity of a mutable context; a Go ctx is immutable, and the values a
//     task sees are those of the ctx it was created from (TestTK28_...).
//   - TK-33: a coroutine object never awaited warns when collected; a Go
//     coroutine is a plain func value that holds no frame, so there is nothing
//     to warn about.
//   - TK-34: implicit exception chaining (__context__) has no Go equivalent;
//     TestTK34_ErrorCrossesTaskBoundaryUnchanged checks that the error value
//     (and so its wrapped chain) crosses the task boundary untouched.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

// tkCancelMsg reports whether err is a *CancelledError, and its message.
func tkCancelMsg(err error) (string, bool) {
	var ce *asyncio.CancelledError
	if !errors.As(err, &ce) {
		return "", false
	}
	return ce.Message, true
}

func TestTK01_CreateTaskNeverRunsSynchronously(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var log []string
		asyncio.Go(ctx, func(ctx context.Context) error {
			log = append(log, "started")
			return nil
		})
		if len(log) != 0 {
			t.Errorf("right after Go: log = %v, want []", log)
		}
		if err := asyncio.Sleep(ctx, 0); err != nil {
			return err
		}
		if !slices.Equal(log, []string{"started"}) {
			t.Errorf("after one yield: log = %v, want [started]", log)
		}
		return nil
	})
}

func TestTK03_SleepZeroYieldsExactlyOneIteration(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		loop := runningLoop(t, ctx)
		first, second := 0, 0
		loop.CallSoon(func() {
			first++
			loop.CallSoon(func() { second++ }) // for the iteration after
		})
		if err := asyncio.Sleep(ctx, 0); err != nil {
			return err
		}
		if first != 1 || second != 0 {
			t.Errorf("after Sleep(0): first=%d second=%d, want 1 0", first, second)
		}
		if now := loop.Time(); now != 0 {
			t.Errorf("Sleep(0) moved the clock to %v", now)
		}
		return nil
	})
}

func TestTK04_TasksRunRoundRobin(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var log []string
		worker := func(name string) asyncio.Func {
			return func(ctx context.Context) error {
				for i := range 3 {
					log = append(log, fmt.Sprint(name, i))
					if err := asyncio.Sleep(ctx, 0); err != nil {
						return err
					}
				}
				return nil
			}
		}
		if _, err := asyncio.Gather[struct{}](ctx, worker("a"), worker("b")); err != nil {
			return err
		}
		if want := []string{"a0", "b0", "a1", "b1", "a2", "b2"}; !slices.Equal(log, want) {
			t.Errorf("log = %v, want %v", log, want)
		}
		return nil
	})
}

func TestTK05_NegativeDelayIsSleepZero(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		loop := runningLoop(t, ctx)
		ran := 0
		loop.CallSoon(func() { ran++ })
		if err := asyncio.Sleep(ctx, -5*time.Second); err != nil {
			return err
		}
		if ran != 1 || loop.Time() != 0 {
			t.Errorf("after Sleep(-5s): ran=%d time=%v, want 1 0s", ran, loop.Time())
		}
		return nil
	})
}

func TestTK06_CancelBeforeStartNeverRuns(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		ran := false
		child := asyncio.Go(ctx, func(ctx context.Context) error {
			ran = true
			return nil
		})
		if !child.CancelWithMessage("my message") {
			t.Error("Cancel of a pending task returned false")
		}
		_, err := child.Await(ctx)
		if msg, ok := tkCancelMsg(err); !ok || msg != "my message" {
			t.Errorf("Await: %v, want CancelledError(my message)", err)
		}
		if ran {
			t.Error("the body of a task cancelled before it started ran")
		}
		if !child.Cancelled() {
			t.Error("child.Cancelled() = false")
		}
		return nil
	})
}

func TestTK07_CancelMessage(t *testing.T) {
	for _, tc := range []struct {
		name, msg string
		cancel    func(asyncio.AnyTask) bool
	}{
		{"no message", "", func(t asyncio.AnyTask) bool { return t.Cancel() }},
		{"empty message", "", func(t asyncio.AnyTask) bool { return t.CancelWithMessage("") }},
		{"message", "5", func(t asyncio.AnyTask) bool { return t.CancelWithMessage("5") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			asynciotest.Run(t, func(ctx context.Context) error {
				child := asyncio.Go(ctx, func(ctx context.Context) error {
					return asyncio.Sleep(ctx, 10*time.Second)
				})
				if err := asyncio.Sleep(ctx, 0); err != nil {
					return err
				}
				tc.cancel(child)
				_, err := child.Await(ctx)
				if msg, ok := tkCancelMsg(err); !ok || msg != tc.msg {
					t.Errorf("Await: %v, want CancelledError(%q)", err, tc.msg)
				}
				return nil
			})
		})
	}
}

func TestTK09_CancelTaskCancelsAwaitedFuture(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		f := asyncio.NewFuture[int](runningLoop(t, ctx))
		task := asyncio.CreateTask(ctx, f.Await)
		if err := asyncio.Sleep(ctx, 0); err != nil {
			return err
		}
		task.Cancel()
		if _, err := task.Await(ctx); !errors.Is(err, asyncio.ErrCancelled) {
			t.Errorf("Await: %v, want a cancellation", err)
		}
		if !f.Cancelled() || !task.Cancelled() {
			t.Errorf("f.Cancelled()=%t task.Cancelled()=%t, want both true", f.Cancelled(), task.Cancelled())
		}
		return nil
	})
}

func TestTK10_CancelledInnerFutureCancelsTaskWithoutRequest(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		f := asyncio.NewFuture[int](runningLoop(t, ctx))
		task := asyncio.CreateTask(ctx, f.Await)
		if err := asyncio.Sleep(ctx, 0); err != nil {
			return err
		}
		f.Cancel()
		if _, err := task.Await(ctx); !errors.Is(err, asyncio.ErrCancelled) {
			t.Errorf("Await: %v, want a cancellation", err)
		}
		if !task.Cancelled() {
			t.Error("task.Cancelled() = false")
		}
		if n := task.Cancelling(); n != 0 {
			t.Errorf("task.Cancelling() = %d, want 0: nobody asked to cancel the task", n)
		}
		return nil
	})
}

func TestTK11_CatchingCancelAndReturningCompletesNormally(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		task := asyncio.CreateTask(ctx, func(ctx context.Context) (int, error) {
			//asynciovet:ignore the test catches the cancellation on purpose (TK11)
			if err := asyncio.Sleep(ctx, 10*time.Second); !errors.Is(err, asyncio.ErrCancelled) {
				return 0, fmt.Errorf("Sleep: %v, want a cancellation", err)
			}
			return 42, nil
		})
		if err := asyncio.Sleep(ctx, 0); err != nil {
			return err
		}
		task.Cancel()
		if v, err := task.Await(ctx); v != 42 || err != nil {
			t.Errorf("Await = %v, %v; want 42, nil", v, err)
		}
		if task.Cancelled() {
			t.Error("task.Cancelled() = true after the body swallowed the cancellation")
		}
		return nil
	})
}

func TestTK12_CancelIsDeliveredOnce(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		f3 := asyncio.NewFuture[int](runningLoop(t, ctx))
		task := asyncio.CreateTask(ctx, func(ctx context.Context) (int, error) {
			//asynciovet:ignore the test swallows the cancellation on purpose
			_ = asyncio.Sleep(ctx, 10*time.Second) // swallow the cancellation
			return f3.Await(ctx)
		})
		if err := asyncio.Sleep(ctx, 0); err != nil {
			return err
		}
		task.Cancel()
		if err := asyncio.Sleep(ctx, 0); err != nil { // the task swallows it and awaits f3
			return err
		}
		f3.SetResult(42)
		if v, err := task.Await(ctx); v != 42 || err != nil {
			t.Errorf("Await = %v, %v; want 42, nil", v, err)
		}
		if f3.Cancelled() {
			t.Error("f3 was cancelled: the request was delivered twice")
		}
		if n := task.Cancelling(); n != 1 {
			t.Errorf("task.Cancelling() = %d, want 1 (only Uncancel lowers it)", n)
		}
		return nil
	})
}

func TestTK14_SelfCancelThenReturnEndsCancelled(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		task := asyncio.CreateTask(ctx, func(ctx context.Context) (int, error) {
			asyncio.CurrentTask(ctx).Cancel()
			return 12, nil
		})
		if _, err := task.Await(ctx); !errors.Is(err, asyncio.ErrCancelled) {
			t.Errorf("Await: %v, want a cancellation", err)
		}
		if !task.Cancelled() {
			t.Error("task.Cancelled() = false: the pending request must win over the result")
		}
		return nil
	})
}

func TestTK15_PendingSelfCancelGoesToNextAwait(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		f := asyncio.NewFuture[int](runningLoop(t, ctx))
		var nested *asyncio.Task[int]
		outer := asyncio.Go(ctx, func(ctx context.Context) error {
			nested = asyncio.CreateTask(ctx, f.Await)
			if err := asyncio.Sleep(ctx, 0); err != nil {
				return err
			}
			asyncio.CurrentTask(ctx).Cancel()
			_, err := nested.Await(ctx)
			return err
		})
		if _, err := outer.Await(ctx); !errors.Is(err, asyncio.ErrCancelled) {
			t.Errorf("outer: %v, want a cancellation", err)
		}
		if !outer.Cancelled() || !nested.Cancelled() || !f.Cancelled() {
			t.Errorf("cancelled: outer=%t nested=%t f=%t, want all true",
				outer.Cancelled(), nested.Cancelled(), f.Cancelled())
		}
		return nil
	})
}

func TestTK16_CancellingAwaiterCancelsAwaitedTask(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		inner := asyncio.Go(ctx, func(ctx context.Context) error {
			return asyncio.Sleep(ctx, 10*time.Second)
		})
		outer := asyncio.Go(ctx, func(ctx context.Context) error {
			_, err := inner.Await(ctx)
			return err
		})
		if err := asyncio.Sleep(ctx, 0); err != nil {
			return err
		}
		outer.CancelWithMessage("bye")
		_, err := outer.Await(ctx)
		if msg, ok := tkCancelMsg(err); !ok || msg != "bye" {
			t.Errorf("outer: %v, want CancelledError(bye)", err)
		}
		if !inner.Cancelled() {
			t.Error("inner.Cancelled() = false: awaiting a task does not shield it")
		}
		return nil
	})
}

func TestTK17_ChildCancellationIsNotAParentCancelRequest(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		inner := asyncio.Go(ctx, func(ctx context.Context) error {
			return asyncio.Sleep(ctx, 10*time.Second)
		})
		outer := asyncio.CreateTask(ctx, func(ctx context.Context) (string, error) {
			if _, err := inner.Await(ctx); !errors.Is(err, asyncio.ErrCancelled) {
				return "", fmt.Errorf("inner.Await: %v, want a cancellation", err)
			}
			if n := asyncio.CurrentTask(ctx).Cancelling(); n != 0 {
				t.Errorf("outer Cancelling() = %d, want 0", n)
			}
			if ctx.Err() != nil {
				t.Errorf("outer ctx.Err() = %v, want nil", ctx.Err())
			}
			if err := asyncio.Sleep(ctx, 0); err != nil {
				return "", err
			}
			return "carried on", nil
		})
		if err := asyncio.Sleep(ctx, 0); err != nil {
			return err
		}
		inner.Cancel()
		if v, err := outer.Await(ctx); v != "carried on" || err != nil {
			t.Errorf("outer = %q, %v; want carried on, nil", v, err)
		}
		return nil
	})
}

func TestTK18_CancelTwiceCountsTwoRequests(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		task := asyncio.Go(ctx, func(ctx context.Context) error {
			return asyncio.Sleep(ctx, 10*time.Second)
		})
		if err := asyncio.Sleep(ctx, 0); err != nil {
			return err
		}
		if first, second := task.Cancel(), task.Cancel(); !first || !second {
			t.Errorf("Cancel, Cancel = %t, %t; want true, true", first, second)
		}
		if n := task.Cancelling(); n != 2 {
			t.Errorf("Cancelling() = %d, want 2", n)
		}
		if _, err := task.Await(ctx); !errors.Is(err, asyncio.ErrCancelled) {
			t.Errorf("Await: %v, want a cancellation", err)
		}
		if !task.Cancelled() {
			t.Error("task.Cancelled() = false")
		}
		return nil
	})
}

// Two requests before the task runs are delivered as one CancelledError: a
// task that handles it can go on sleeping.
func TestTK18_TwoRequestsDeliverOneCancelledError(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		task := asyncio.CreateTask(ctx, func(ctx context.Context) (string, error) {
			if err := asyncio.Sleep(ctx, 10*time.Second); !errors.Is(err, asyncio.ErrCancelled) {
				return "", fmt.Errorf("first Sleep: %v, want a cancellation", err)
			}
			if err := asyncio.Sleep(ctx, time.Second); err != nil {
				return "", fmt.Errorf("second Sleep: %v, want nil", err)
			}
			return "slept", nil
		})
		if err := asyncio.Sleep(ctx, 0); err != nil {
			return err
		}
		task.Cancel()
		task.Cancel()
		if v, err := task.Await(ctx); v != "slept" || err != nil {
			t.Errorf("Await = %q, %v; want slept, nil", v, err)
		}
		return nil
	})
}

func TestTK19_UncancelWithdrawsRequest(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		task := asyncio.Go(ctx, func(ctx context.Context) error {
			if err := asyncio.Sleep(ctx, 10*time.Second); errors.Is(err, asyncio.ErrCancelled) {
				if n := asyncio.CurrentTask(ctx).Uncancel(); n != 0 {
					t.Errorf("Uncancel() = %d, want 0", n)
				}
				if ctx.Err() == nil {
					t.Error("ctx.Err() = nil after Uncancel: a ctx once done must stay done")
				}
			}
			return asyncio.Sleep(ctx, 10*time.Second)
		})
		if err := asyncio.Sleep(ctx, 10*time.Millisecond); err != nil {
			return err
		}
		task.Cancel()
		if n := task.Cancelling(); n != 1 {
			t.Errorf("Cancelling() after the first Cancel = %d, want 1", n)
		}
		if err := asyncio.Sleep(ctx, 10*time.Millisecond); err != nil {
			return err
		}
		if n := task.Cancelling(); n != 0 || task.Done() {
			t.Errorf("after Uncancel: Cancelling()=%d Done()=%t, want 0 false", n, task.Done())
		}
		task.Cancel()
		if n := task.Cancelling(); n != 1 {
			t.Errorf("Cancelling() after the second Cancel = %d, want 1", n)
		}
		if _, err := task.Await(ctx); !errors.Is(err, asyncio.ErrCancelled) {
			t.Errorf("Await: %v, want a cancellation", err)
		}
		task.Uncancel() // no longer has an effect
		if !task.Cancelled() || !task.Done() {
			t.Error("Uncancel changed a finished task")
		}
		return nil
	})
}

func TestTK20_UncancelRevokesUndeliveredCancel(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		f := asyncio.NewFuture[int](runningLoop(t, ctx))
		task := asyncio.CreateTask(ctx, f.Await)
		if err := asyncio.Sleep(ctx, 0); err != nil {
			return err
		}
		f.SetResult(42) // the task's wake-up is queued
		task.Cancel()
		if n := task.Cancelling(); n != 1 {
			t.Errorf("Cancelling() = %d, want 1", n)
		}
		if n := task.Uncancel(); n != 0 {
			t.Errorf("Uncancel() = %d, want 0", n)
		}
		if v, err := task.Await(ctx); v != 42 || err != nil {
			t.Errorf("Await = %v, %v; want 42, nil", v, err)
		}
		return nil
	})
}

func TestTK22_ReturnedFutureIsTheResultNotAwaited(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		f := asyncio.NewFuture[int](runningLoop(t, ctx))
		task := asyncio.CreateTask(ctx, func(ctx context.Context) (*asyncio.Future[int], error) {
			return f, nil
		})
		got, err := task.Await(ctx)
		if got != f || err != nil {
			t.Errorf("Await = %v, %v; want the pending future itself", got, err)
		}
		if f.Done() {
			t.Error("the returned future was completed")
		}
		return nil
	})
}

func TestTK23_TaskCannotAwaitItself(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var task *asyncio.Task[struct{}]
		task = asyncio.Go(ctx, func(ctx context.Context) error {
			_, err := task.Await(ctx)
			return err
		})
		_, err := task.Await(ctx)
		if !errors.Is(err, asyncio.ErrAwaitSelf) || errors.Is(err, asyncio.ErrCancelled) || !strings.Contains(err.Error(), task.Name()) {
			t.Errorf("Await: %v, want a 'cannot await itself' error", err)
		}
		return nil
	})
}

func TestTK27_CurrentTaskFollowsInterleaving(t *testing.T) {
	if task := asyncio.CurrentTask(context.Background()); task != nil {
		t.Errorf("CurrentTask outside a loop = %v, want nil", task)
	}
	asynciotest.Run(t, func(ctx context.Context) error {
		loop := runningLoop(t, ctx)
		fa, fb := asyncio.NewFuture[int](loop), asyncio.NewFuture[int](loop)
		var a, b *asyncio.Task[struct{}]
		check := func(ctx context.Context, want asyncio.AnyTask, where string) {
			if got := asyncio.CurrentTask(ctx); got != want {
				t.Errorf("%s: CurrentTask = %v, want %v", where, got, want)
			}
		}
		a = asyncio.Go(ctx, func(ctx context.Context) error {
			check(ctx, a, "a before await")
			fb.SetResult(1) // hand over to b
			_, err := fa.Await(ctx)
			check(ctx, a, "a after await")
			return err
		})
		b = asyncio.Go(ctx, func(ctx context.Context) error {
			check(ctx, b, "b before await")
			_, err := fb.Await(ctx)
			check(ctx, b, "b after await")
			fa.SetResult(2)
			return err
		})
		main := asyncio.CurrentTask(ctx)
		_, err := asyncio.Gather[struct{}](ctx, a, b)
		check(ctx, main, "main after gather")
		return err
	})
}

// The Go counterpart of contextvars copying: a task sees the values of the
// ctx it was created from; values its creator or it derives later do not leak.
func TestTK28_TaskSeesCreatorValuesAtCreation(t *testing.T) {
	type key struct{}
	asynciotest.Run(t, func(ctx context.Context) error {
		ctx = context.WithValue(ctx, key{}, "nope")
		child := asyncio.CreateTask(ctx, func(ctx context.Context) (any, error) {
			if err := asyncio.Sleep(ctx, 0); err != nil {
				return nil, err
			}
			v := ctx.Value(key{})
			ctx = context.WithValue(ctx, key{}, "something else")
			return v, asyncio.Sleep(ctx, 0) // a derived ctx still awaits as the task
		})
		parent := context.WithValue(ctx, key{}, "yes")
		if v, err := child.Await(parent); v != "nope" || err != nil {
			t.Errorf("child saw %v, %v; want nope, nil", v, err)
		}
		if v := parent.Value(key{}); v != "yes" {
			t.Errorf("parent sees %v after the child ran, want yes", v)
		}
		return nil
	})
}

// A task's ctx carries its creator's values, not its creator's cancellation.
func TestCreateTask_CtxCarriesValuesNotCancellation(t *testing.T) {
	type key struct{}
	asynciotest.Run(t, func(ctx context.Context) error {
		var child *asyncio.Task[string]
		parent := asyncio.Go(context.WithValue(ctx, key{}, "v"), func(ctx context.Context) error {
			child = asyncio.CreateTask(ctx, func(ctx context.Context) (string, error) {
				if err := asyncio.Sleep(ctx, time.Second); err != nil {
					return "", err
				}
				v, _ := ctx.Value(key{}).(string)
				return v, nil
			})
			return asyncio.Sleep(ctx, time.Hour)
		})
		if err := asyncio.Sleep(ctx, 0); err != nil {
			return err
		}
		parent.Cancel()
		if _, err := parent.Await(ctx); !errors.Is(err, asyncio.ErrCancelled) {
			t.Errorf("parent: %v, want a cancellation", err)
		}
		if v, err := child.Await(ctx); v != "v" || err != nil {
			t.Errorf("child = %q, %v; want v, nil", v, err)
		}
		return nil
	})
}

func TestTK34_ErrorCrossesTaskBoundaryUnchanged(t *testing.T) {
	errKey := errors.New("KeyError")
	asynciotest.Run(t, func(ctx context.Context) error {
		wrapped := fmt.Errorf("ValueError: %w", errKey)
		task := asyncio.Go(ctx, func(ctx context.Context) error { return wrapped })
		_, err := task.Await(ctx)
		if err != wrapped || !errors.Is(err, errKey) {
			t.Errorf("Await: %v, want the task's own error value", err)
		}
		return nil
	})
}

func TestTask_PanicBecomesPanicErrorAndLoopGoesOn(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		task := asyncio.Go(ctx, func(ctx context.Context) error {
			panic("boom")
		})
		_, err := task.Await(ctx)
		var pe *asyncio.PanicError
		if !errors.As(err, &pe) {
			t.Errorf("Await: %v (%T), want a *PanicError", err, err)
			return nil
		}
		if pe.Value != "boom" {
			t.Errorf("PanicError.Value = %v, want boom", pe.Value)
		}
		if len(pe.Stack) == 0 || !strings.Contains(string(pe.Stack), "TestTask_PanicBecomesPanicError") {
			t.Errorf("PanicError.Stack does not show the panicking coroutine:\n%s", pe.Stack)
		}
		if task.Cancelled() {
			t.Error("a panicking task ended cancelled")
		}
		// The loop is still running: this coroutine can go on awaiting.
		return asyncio.Sleep(ctx, time.Second)
	})
}

func TestTask_PanicWithErrorUnwraps(t *testing.T) {
	errBoom := errors.New("boom")
	asynciotest.Run(t, func(ctx context.Context) error {
		task := asyncio.Go(ctx, func(ctx context.Context) error { panic(errBoom) })
		if _, err := task.Await(ctx); !errors.Is(err, errBoom) {
			t.Errorf("Await: %v, want it to match the panic's error", err)
		}
		return nil
	})
}

func TestTask_CtxDoneClosesOnCancel(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var taskCtx context.Context
		task := asyncio.Go(ctx, func(ctx context.Context) error {
			taskCtx = ctx
			err := asyncio.Sleep(ctx, time.Hour)
			select {
			case <-ctx.Done():
			default:
				t.Error("inside the task: ctx.Done() is open after the cancellation")
			}
			if !errors.Is(ctx.Err(), context.Canceled) {
				t.Errorf("inside the task: ctx.Err() = %v, want context.Canceled", ctx.Err())
			}
			return err
		})
		if err := asyncio.Sleep(ctx, 0); err != nil {
			return err
		}
		if taskCtx.Err() != nil {
			t.Errorf("before Cancel: ctx.Err() = %v, want nil", taskCtx.Err())
		}
		// A plain goroutine waiting on the task's ctx is released by Cancel.
		released := make(chan struct{})
		go func() {
			<-taskCtx.Done()
			close(released)
		}()
		task.CancelWithMessage("stop")
		//asynciovet:ignore waits on purpose for the goroutine that watches the task's ctx
		<-released
		if !errors.Is(taskCtx.Err(), context.Canceled) || !errors.Is(taskCtx.Err(), asyncio.ErrCancelled) {
			t.Errorf("ctx.Err() = %v, want it to match context.Canceled and ErrCancelled", taskCtx.Err())
		}
		if _, err := task.Await(ctx); !errors.Is(err, context.Canceled) {
			t.Errorf("Await: %v, want context.Canceled", err)
		}
		return nil
	})
}

func TestAwait_OutsideCoroutineIsErrNotInCoroutine(t *testing.T) {
	bg := context.Background()
	if err := asyncio.Sleep(bg, 0); !errors.Is(err, asyncio.ErrNotInCoroutine) {
		t.Errorf("Sleep: %v, want ErrNotInCoroutine", err)
	}
	if _, err := asyncio.Gather[int](bg); !errors.Is(err, asyncio.ErrNotInCoroutine) {
		t.Errorf("Gather: %v, want ErrNotInCoroutine", err)
	}
	if _, err := asyncio.GetRunningLoop(bg); !errors.Is(err, asyncio.ErrNotInCoroutine) {
		t.Errorf("GetRunningLoop: %v, want ErrNotInCoroutine", err)
	}
	task := asyncio.Go(bg, func(ctx context.Context) error { return nil })
	if _, err := task.Result(); !errors.Is(err, asyncio.ErrNotInCoroutine) {
		t.Errorf("Go outside a coroutine: %v, want a task done with ErrNotInCoroutine", err)
	}
	loop := asynciotest.NewLoop(t)
	f := asyncio.NewFuture[int](loop)
	if _, err := f.Await(bg); !errors.Is(err, asyncio.ErrNotInCoroutine) {
		t.Errorf("Future.Await: %v, want ErrNotInCoroutine", err)
	}
}

func TestAwait_FromPlainGoroutineWithTaskCtxIsErrNotInCoroutine(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		f := asyncio.NewFuture[int](runningLoop(t, ctx))
		errs := make(chan error, 2)
		go func() {
			//asynciovet:ignore awaits from a plain goroutine on purpose, to get ErrNotInCoroutine
			errs <- asyncio.Sleep(ctx, 0)
			_, err := f.Await(ctx)
			errs <- err
		}()
		for range 2 {
			//asynciovet:ignore waits for a plain goroutine on purpose: the test checks a call made off the loop
			if err := <-errs; !errors.Is(err, asyncio.ErrNotInCoroutine) {
				t.Errorf("await from a plain goroutine: %v, want ErrNotInCoroutine", err)
			}
		}
		return nil
	})
}

func TestAwait_WithAnotherTasksCtxIsErrNotInCoroutine(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		mainCtx := ctx
		task := asyncio.Go(ctx, func(ctx context.Context) error {
			if err := asyncio.Sleep(mainCtx, 0); !errors.Is(err, asyncio.ErrNotInCoroutine) {
				t.Errorf("Sleep with another task's ctx: %v, want ErrNotInCoroutine", err)
			}
			return nil
		})
		_, err := task.Await(ctx)
		return err
	})
}

func TestAwait_WithFinishedTasksCtxIsErrNotInCoroutine(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var kept context.Context
		task := asyncio.Go(ctx, func(ctx context.Context) error {
			kept = ctx
			return nil
		})
		if _, err := task.Await(ctx); err != nil {
			return err
		}
		// The next task may run on the finished task's goroutine.
		next := asyncio.Go(ctx, func(ctx context.Context) error {
			if err := asyncio.Sleep(kept, 0); !errors.Is(err, asyncio.ErrNotInCoroutine) {
				t.Errorf("Sleep with a finished task's ctx: %v, want ErrNotInCoroutine", err)
			}
			return nil
		})
		_, err := next.Await(ctx)
		return err
	})
}

func TestTask_NamesAndString(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		if name := asyncio.CurrentTask(ctx).Name(); name != "Task-1" {
			t.Errorf("main task name = %q, want Task-1", name)
		}
		a := asyncio.Go(ctx, func(ctx context.Context) error { return nil })
		b := asyncio.Go(ctx, func(ctx context.Context) error { return nil }, asyncio.WithName("worker"))
		if a.Name() != "Task-2" || b.Name() != "worker" {
			t.Errorf("names = %q, %q; want Task-2, worker", a.Name(), b.Name())
		}
		a.SetName("renamed")
		if a.Name() != "renamed" || !strings.Contains(a.String(), "renamed") {
			t.Errorf("after SetName: Name()=%q String()=%q", a.Name(), a.String())
		}
		_, err := asyncio.Gather[struct{}](ctx, a, b)
		return err
	})
}

func TestTask_ResultStates(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		task := asyncio.CreateTask(ctx, func(ctx context.Context) (int, error) {
			return 7, asyncio.Sleep(ctx, time.Second)
		})
		if _, err := task.Result(); !errors.Is(err, asyncio.ErrInvalidState) {
			t.Errorf("Result of a pending task: %v, want ErrInvalidState", err)
		}
		if r := recoverFrom(func() { _ = task.Exception() }); r == nil {
			t.Error("Exception of a pending task did not panic")
		}
		if _, err := task.Await(ctx); err != nil {
			return err
		}
		if v, err := task.Result(); v != 7 || err != nil {
			t.Errorf("Result = %v, %v; want 7, nil", v, err)
		}
		if task.Exception() != nil || task.Cancel() {
			t.Error("a finished task has an exception or accepted Cancel")
		}
		if n := runningLoop(t, ctx).Time(); n != time.Second {
			t.Errorf("loop time = %v, want 1s", n)
		}
		return nil
	})
}

func TestTask_DoneCallbacksRunInOrder(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		task := asyncio.Go(ctx, func(ctx context.Context) error { return nil })
		var log []string
		task.AddDoneCallback(func(*asyncio.Task[struct{}]) { log = append(log, "first") })
		removed := task.AddDoneCallback(func(*asyncio.Task[struct{}]) { log = append(log, "removed") })
		task.AddDoneCallback(func(*asyncio.Task[struct{}]) { log = append(log, "second") })
		if n := task.RemoveDoneCallback(removed); n != 1 {
			t.Errorf("RemoveDoneCallback = %d, want 1", n)
		}
		if _, err := task.Await(ctx); err != nil { // registered last, so woken last
			return err
		}
		if want := []string{"first", "second"}; !slices.Equal(log, want) {
			t.Errorf("log = %v, want %v", log, want)
		}
		// On a done task a new callback is scheduled, never called inline.
		task.AddDoneCallback(func(*asyncio.Task[struct{}]) { log = append(log, "late") })
		if len(log) != 2 {
			t.Errorf("a callback added to a done task ran inline: %v", log)
		}
		if err := asyncio.Sleep(ctx, 0); err != nil {
			return err
		}
		if len(log) != 3 {
			t.Errorf("after one yield: log = %v, want the late callback run", log)
		}
		return nil
	})
}

func TestAllTasks_ListsPendingTasks(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		main := asyncio.CurrentTask(ctx)
		sleeper := asyncio.Go(ctx, func(ctx context.Context) error { return asyncio.Sleep(ctx, time.Second) })
		quick := asyncio.Go(ctx, func(ctx context.Context) error { return nil })
		if err := asyncio.Sleep(ctx, 0); err != nil {
			return err
		}
		all, err := asyncio.AllTasks(ctx)
		if err != nil {
			return err
		}
		if want := []asyncio.AnyTask{main, sleeper}; !slices.Equal(all, want) || !quick.Done() {
			t.Errorf("AllTasks = %v, want %v", all, want)
		}
		_, err = sleeper.Await(ctx)
		return err
	})
}

// From 3.13, Uncancel withdrawing the only request before the first step
// lets the body run.
func TestTK06_UncancelBeforeStartRunsBody(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		child := asyncio.CreateTask(ctx, func(ctx context.Context) (string, error) {
			if ctx.Err() == nil {
				t.Error("ctx.Err() = nil: the withdrawn request left the ctx done, for good")
			}
			return "ran", nil
		})
		child.Cancel()
		child.Uncancel()
		if v, err := child.Await(ctx); v != "ran" || err != nil {
			t.Errorf("Await = %q, %v; want ran, nil", v, err)
		}
		return nil
	})
}

func TestTask_CancelFromAnotherGoroutine(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		task := asyncio.Go(ctx, func(ctx context.Context) error {
			return asyncio.Sleep(ctx, time.Hour)
		})
		if err := asyncio.Sleep(ctx, 0); err != nil {
			return err
		}
		accepted := make(chan bool)
		go func() { accepted <- task.CancelWithMessage("from outside") }()
		//asynciovet:ignore waits for a plain goroutine on purpose: the test checks a call made off the loop
		if !<-accepted { // the request is now queued on the loop
			t.Error("Cancel from another goroutine returned false")
		}
		_, err := task.Await(ctx)
		if msg, ok := tkCancelMsg(err); !ok || msg != "from outside" {
			t.Errorf("Await: %v, want CancelledError(from outside)", err)
		}
		if now := runningLoop(t, ctx).Time(); now != 0 {
			t.Errorf("loop time = %v: the task slept instead of being cancelled", now)
		}
		return nil
	})
}

func TestTask_CtxDoneClosesWhenTaskFinishes(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var taskCtx context.Context
		task := asyncio.Go(ctx, func(ctx context.Context) error {
			taskCtx = ctx
			return nil
		})
		if _, err := task.Await(ctx); err != nil {
			return err
		}
		select {
		case <-taskCtx.Done():
		default:
			t.Error("the ctx of a finished task is not done")
		}
		if !errors.Is(taskCtx.Err(), context.Canceled) {
			t.Errorf("ctx.Err() = %v, want context.Canceled", taskCtx.Err())
		}
		if ctx.Err() != nil {
			t.Errorf("the creator's ctx.Err() = %v, want nil", ctx.Err())
		}
		return nil
	})
}

func TestCancelTwiceWhileSleepingDeliversTheFirstMessage(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		task := asyncio.Go(ctx, func(ctx context.Context) error { return asyncio.Sleep(ctx, time.Hour) })
		//asynciovet:ignore a yield that lets the task start; nothing cancels this coroutine
		asyncio.Sleep(ctx, 0)
		task.CancelWithMessage("first")
		task.CancelWithMessage("second")
		_, err := task.Await(ctx)
		var ce *asyncio.CancelledError
		if !errors.As(err, &ce) || ce.Message != "first" {
			t.Errorf("err = %v, want the first message", err)
		}
		return nil
	})
}

func TestCancelTwiceWhileAwaitingAFutureDeliversTheFirstMessage(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		loop, _ := asyncio.GetRunningLoop(ctx)
		fut := asyncio.NewFuture[int](loop)
		task := asyncio.Go(ctx, func(ctx context.Context) error { _, err := fut.Await(ctx); return err })
		//asynciovet:ignore a yield that lets the task start; nothing cancels this coroutine
		asyncio.Sleep(ctx, 0)
		task.CancelWithMessage("first")
		task.CancelWithMessage("second")
		_, err := task.Await(ctx)
		var ce *asyncio.CancelledError
		if !errors.As(err, &ce) || ce.Message != "first" {
			t.Errorf("err = %v, want the first message", err)
		}
		return nil
	})
}

func TestTaskCancelOfFailedTaskMarksErrorRetrieved(t *testing.T) {
	var reports func() []asyncio.ExceptionContext
	asynciotest.Run(t, func(ctx context.Context) error {
		reports = asynciotest.Exceptions(runningLoop(t, ctx))
		task := asyncio.Go(ctx, func(ctx context.Context) error { return errors.New("ValueError") })
		if err := asyncio.Sleep(ctx, 0); err != nil {
			return err
		}
		if task.Cancel() {
			t.Error("Cancel of a failed task = true, want false")
		}
		return nil
	})
	if got := reports(); len(got) != 0 {
		t.Errorf("handler got %v after Cancel observed the failure, want nothing", got)
	}
}

func TestNilCoroutinePanicsAtTheCall(t *testing.T) {
	cases := []struct {
		want string
		call func(ctx context.Context)
	}{
		{"asyncio: Go: nil coroutine", func(ctx context.Context) { asyncio.Go(ctx, nil) }},
		{"asyncio: CreateTask: nil coroutine", func(ctx context.Context) { asyncio.CreateTask[int](ctx, nil) }},
		{"asyncio: EnsureFuture: nil awaitable", func(ctx context.Context) { asyncio.EnsureFuture[int](ctx, nil) }},
		{"asyncio: EnsureFuture: nil awaitable", func(ctx context.Context) {
			asyncio.EnsureFuture[int](ctx, asyncio.Coroutine[int](nil))
		}},
		{"asyncio: EnsureFuture: nil awaitable", func(ctx context.Context) {
			asyncio.EnsureFuture[struct{}](ctx, asyncio.Func(nil))
		}},
		// WithTaskGroup recovers its body's panic: repanic it here.
		{"asyncio: TaskGroup.Go: nil coroutine", func(ctx context.Context) {
			repanic(asyncio.WithTaskGroup(ctx, func(ctx context.Context, tg *asyncio.TaskGroup) error {
				tg.Go(nil)
				return nil
			}))
		}},
		{"asyncio: CreateGroupTask: nil coroutine", func(ctx context.Context) {
			repanic(asyncio.WithTaskGroup(ctx, func(ctx context.Context, tg *asyncio.TaskGroup) error {
				asyncio.CreateGroupTask[int](tg, nil)
				return nil
			}))
		}},
		{"asyncio: Run: nil coroutine", func(context.Context) { _ = asyncio.Run(nil) }},
		{"asyncio: RunValue: nil coroutine", func(context.Context) { _, _ = asyncio.RunValue[int](nil) }},
	}
	for _, c := range cases {
		t.Run(c.want, func(t *testing.T) {
			asynciotest.Run(t, func(ctx context.Context) error {
				defer func() {
					if r := recover(); r != c.want {
						t.Errorf("panic = %v, want %q", r, c.want)
					}
				}()
				c.call(ctx)
				return nil
			})
		})
	}
}

// repanic panics again with the value of the *PanicError err carries.
func repanic(err error) {
	var pe *asyncio.PanicError
	if errors.As(err, &pe) {
		panic(pe.Value)
	}
}
