package asyncio_test

// run() and Runner: the RN cases of the conformance checklist.
//
// Not applicable to Go, so not tested:
//   - RN-03: run(1) / run(plain function) raise ValueError; Run and RunValue
//     take a coroutine function, so the compiler refuses anything else.
//   - RN-10 (contextvars half): Go has no context variables that outlive a
//     call; TestRN10_RunnerSharesOneLoopAcrossRuns checks the shared loop and
//     the state carried over between runs, and ErrRunnerClosed after Close.
//   - RN-11 (never-awaited half): the refused coroutine is a plain func value,
//     so nothing is left to report; TestRN11_RecursiveRunnerRunIsRefused
//     checks it never runs.

import (
	"context"
	"errors"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

func TestRN01_RunReturnsResultAndClosesLoop(t *testing.T) {
	var loop *asyncio.EventLoop
	v, err := asyncio.RunValue(func(ctx context.Context) (int, error) {
		loop, _ = asyncio.GetRunningLoop(ctx)
		if err := asyncio.Sleep(ctx, 0); err != nil {
			return 0, err
		}
		return 42, nil
	}, asyncio.WithVirtualClock())
	if v != 42 || err != nil {
		t.Fatalf("RunValue = %v, %v; want 42, nil", v, err)
	}
	if loop == nil || !loop.IsClosed() || loop.IsRunning() {
		t.Errorf("the loop Run created is %v, want closed", loop)
	}
}

func TestRN01_RunReturnsMainsError(t *testing.T) {
	errBoom := errors.New("boom")
	err := asyncio.Run(func(ctx context.Context) error { return errBoom }, asyncio.WithVirtualClock())
	if err != errBoom {
		t.Errorf("Run = %v, want %v", err, errBoom)
	}
}

func TestRN04_RunInsideRunningLoopIsRefused(t *testing.T) {
	noop := func(ctx context.Context) error { return nil }
	asynciotest.Run(t, func(ctx context.Context) error {
		if err := asyncio.Run(noop); !errors.Is(err, asyncio.ErrAnotherLoopRunning) {
			t.Errorf("Run inside a coroutine: %v, want ErrAnotherLoopRunning", err)
		}
		if _, err := asyncio.RunValue(func(ctx context.Context) (int, error) { return 1, nil }); !errors.Is(err, asyncio.ErrAnotherLoopRunning) {
			t.Errorf("RunValue inside a coroutine: %v, want ErrAnotherLoopRunning", err)
		}
		done := asyncio.NewFuture[error](runningLoop(t, ctx))
		runningLoop(t, ctx).CallSoon(func() { done.SetResult(asyncio.Run(noop)) })
		//asynciovet:ignore the test checks only the value Await returns
		if err, _ := done.Await(ctx); !errors.Is(err, asyncio.ErrAnotherLoopRunning) {
			t.Errorf("Run inside a loop callback: %v, want ErrAnotherLoopRunning", err)
		}
		return nil
	})
}

func TestRN05_RunCancelsLeftoversAndWaitsForCleanup(t *testing.T) {
	var log []string
	var leftover *asyncio.Task[struct{}]
	v, err := asyncio.RunValue(func(ctx context.Context) (int, error) {
		leftover = asyncio.Go(ctx, func(ctx context.Context) error {
			err := asyncio.Sleep(ctx, time.Hour)
			if errors.Is(err, asyncio.ErrCancelled) {
				log = append(log, "cleanup-start")
				if err := asyncio.Sleep(ctx, 10*time.Millisecond); err != nil {
					return err
				}
				log = append(log, "cleanup-end")
			}
			return err
		})
		return 123, nil
	}, asyncio.WithVirtualClock())
	if v != 123 || err != nil {
		t.Fatalf("RunValue = %v, %v; want 123, nil", v, err)
	}
	if want := []string{"cleanup-start", "cleanup-end"}; !slices.Equal(log, want) {
		t.Errorf("log = %v, want %v", log, want)
	}
	if !leftover.Cancelled() {
		t.Error("leftover.Cancelled() = false")
	}
}

func TestRN06_LeftoverErrorAtShutdownGoesToHandler(t *testing.T) {
	errZero := errors.New("division by zero")
	var reports func() []asyncio.ExceptionContext
	var leftover *asyncio.Task[struct{}]
	v, err := asyncio.RunValue(func(ctx context.Context) (int, error) {
		reports = asynciotest.Exceptions(runningLoop(t, ctx))
		leftover = asyncio.Go(ctx, func(ctx context.Context) error {
			if err := asyncio.Sleep(ctx, time.Hour); errors.Is(err, asyncio.ErrCancelled) {
				return errZero
			}
			return nil
		})
		return 123, asyncio.Sleep(ctx, 0)
	}, asyncio.WithVirtualClock())
	if v != 123 || err != nil {
		t.Fatalf("RunValue = %v, %v; want 123, nil", v, err)
	}
	if len(reports()) != 1 {
		t.Fatalf("handler called %d times, want once: %v", len(reports()), reports())
	}
	c := reports()[0]
	if !strings.Contains(c.Message, "asyncio.run() shutdown") || c.Err != errZero || c.Task != asyncio.AnyTask(leftover) {
		t.Errorf("handler got %+v, want the shutdown message, the error and the task", c)
	}
}

// rnRunLeavingATask runs a main coroutine that starts a task sleeping an
// hour, lets it start and then ends with exit. It returns Run's error and the
// task left over.
func rnRunLeavingATask(exit func() error) (*asyncio.Task[struct{}], error) {
	var leftover *asyncio.Task[struct{}]
	err := asyncio.Run(func(ctx context.Context) error {
		leftover = asyncio.Go(ctx, func(ctx context.Context) error {
			return asyncio.Sleep(ctx, time.Hour)
		})
		if err := asyncio.Sleep(ctx, 0); err != nil {
			return err
		}
		return exit()
	}, asyncio.WithVirtualClock())
	return leftover, err
}

func TestRN07_MainErrorPropagatesAndLeftoverIsCancelled(t *testing.T) {
	errFancyExit := errors.New("FancyExit")
	leftover, err := rnRunLeavingATask(func() error { return errFancyExit })
	if !errors.Is(err, errFancyExit) {
		t.Errorf("Run = %v, want %v", err, errFancyExit)
	}
	if !leftover.Cancelled() {
		t.Error("leftover.Cancelled() = false")
	}
}

func TestRN07_MainPanicPropagatesAndLeftoverIsCancelled(t *testing.T) {
	leftover, err := rnRunLeavingATask(func() error { panic("fancy exit") })
	var pe *asyncio.PanicError
	if !errors.As(err, &pe) || pe.Value != "fancy exit" {
		t.Errorf("Run = %v, want a *PanicError(fancy exit)", err)
	}
	if !leftover.Cancelled() {
		t.Error("leftover.Cancelled() = false")
	}
}

func TestRN09_RunDebugOption(t *testing.T) {
	for _, on := range []bool{true, false} {
		asynciotest.Run(t, func(ctx context.Context) error {
			if got := runningLoop(t, ctx).GetDebug(); got != on {
				t.Errorf("WithDebug(%t): GetDebug() = %t", on, got)
			}
			return nil
		}, asyncio.WithDebug(on))
	}
}

func TestRN10_RunnerSharesOneLoopAcrossRuns(t *testing.T) {
	r := asyncio.NewRunner(asyncio.WithVirtualClock())
	defer r.Close()
	var loops []*asyncio.EventLoop
	var state []int
	for i := range 3 {
		err := r.Run(func(ctx context.Context) error {
			loops = append(loops, runningLoop(t, ctx))
			state = append(state, i)
			return asyncio.Sleep(ctx, time.Second)
		})
		if err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
	}
	loop, err := r.Loop()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(loops, []*asyncio.EventLoop{loop, loop, loop}) || !slices.Equal(state, []int{0, 1, 2}) {
		t.Errorf("runs saw loops %v and state %v, want one loop", loops, state)
	}
	if now := loop.Time(); now != 3*time.Second {
		t.Errorf("loop time after three runs = %v, want 3s", now)
	}
	if err := r.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if !loop.IsClosed() {
		t.Error("Close left the runner's loop open")
	}
	if _, err := r.Loop(); !errors.Is(err, asyncio.ErrRunnerClosed) {
		t.Errorf("Loop after Close: %v, want ErrRunnerClosed", err)
	}
	if err := r.Run(func(ctx context.Context) error { return nil }); !errors.Is(err, asyncio.ErrRunnerClosed) {
		t.Errorf("Run after Close: %v, want ErrRunnerClosed", err)
	}
	if err := r.Close(); err != nil {
		t.Errorf("second Close: %v, want nil", err)
	}
}

func TestRN10_RunnerKeepsPendingTasksForNextRun(t *testing.T) {
	r := asyncio.NewRunner(asyncio.WithVirtualClock())
	defer r.Close()
	var bg *asyncio.Task[int]
	err := r.Run(func(ctx context.Context) error {
		bg = asyncio.CreateTask(ctx, func(ctx context.Context) (int, error) {
			return 7, asyncio.Sleep(ctx, time.Second)
		})
		return nil
	})
	if err != nil || bg.Done() {
		t.Fatalf("first run: %v; background task done=%t, want pending", err, bg.Done())
	}
	err = r.Run(func(ctx context.Context) error {
		v, err := bg.Await(ctx)
		if v != 7 || err != nil {
			t.Errorf("background task = %v, %v; want 7, nil", v, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestRN10_RunnerCloseCancelsLeftovers(t *testing.T) {
	r := asyncio.NewRunner(asyncio.WithVirtualClock())
	var cleaned bool
	var bg *asyncio.Task[struct{}]
	err := r.Run(func(ctx context.Context) error {
		bg = asyncio.Go(ctx, func(ctx context.Context) error {
			err := asyncio.Sleep(ctx, time.Hour)
			cleaned = errors.Is(err, asyncio.ErrCancelled)
			return err
		})
		return asyncio.Sleep(ctx, 0)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if !cleaned || !bg.Cancelled() {
		t.Errorf("after Close: cleanup ran=%t, cancelled=%t; want both", cleaned, bg.Cancelled())
	}
}

func TestRN11_RecursiveRunnerRunIsRefused(t *testing.T) {
	r := asyncio.NewRunner(asyncio.WithVirtualClock())
	defer r.Close()
	ran := false
	err := r.Run(func(ctx context.Context) error {
		err := r.Run(func(ctx context.Context) error {
			ran = true
			return nil
		})
		if !errors.Is(err, asyncio.ErrAnotherLoopRunning) {
			t.Errorf("re-entrant Runner.Run: %v, want ErrAnotherLoopRunning", err)
		}
		if err := r.Close(); !errors.Is(err, asyncio.ErrAnotherLoopRunning) {
			t.Errorf("Runner.Close inside its own run: %v, want ErrAnotherLoopRunning", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if ran {
		t.Error("the refused coroutine ran")
	}
}

func TestRN12_CancelledMainMakesRunReturnCancelledError(t *testing.T) {
	err := asyncio.Run(func(ctx context.Context) error {
		main := asyncio.CurrentTask(ctx)
		asyncio.Go(ctx, func(ctx context.Context) error {
			if err := asyncio.Sleep(ctx, 0); err != nil {
				return err
			}
			main.Cancel()
			return nil
		})
		return asyncio.Sleep(ctx, 10*time.Second)
	}, asyncio.WithVirtualClock())
	if !errors.Is(err, asyncio.ErrCancelled) {
		t.Errorf("Run = %v, want a cancellation", err)
	}
}

func TestRunClosesItsLoopWhenACoroutineCallsGoexit(t *testing.T) {
	runPassingGoexitOn(t, func(ctx context.Context) error {
		asyncio.Go(ctx, func(ctx context.Context) error { return asyncio.Sleep(ctx, time.Hour) })
		if err := asyncio.Sleep(ctx, 0); err != nil {
			return err
		}
		runtime.Goexit() // what t.Fatal does inside a coroutine
		return nil
	})
	// goleak, in TestMain, fails the package if the loop's goroutines outlived it.
}

func TestRunDoesNotReportItsMainTaskAfterGoexit(t *testing.T) {
	logs := captureLogs(t)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = asyncio.Run(func(ctx context.Context) error {
			runtime.Goexit() // what t.Fatal does inside a coroutine
			return nil
		}, asyncio.WithVirtualClock())
	}()
	<-done
	if out := logs.String(); strings.Contains(out, "never retrieved") {
		t.Errorf("Run logged after a Goexit:\n%s", out)
	}
}
