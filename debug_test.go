package asyncio_test

// Diagnostics and debug mode: the DB cases of the conformance checklist, and
// TK-30 and TK-32, the reports about tasks nobody looks after.
//
// asyncio reports these from __del__, when the garbage collector drops the
// task. Here a failed task nobody retrieved is reported when it is collected
// or, at the latest, deterministically when its loop closes; a pending task is
// held by its loop, so it is reported when Close destroys it. The tests use
// the Close path; TestDB01_CollectedTaskErrorIsReported also checks the GC one.
//
// Not applicable to Go, so not tested:
//   - DB-03: dropping an unclosed loop warns (ResourceWarning). Go has no such
//     warnings; an unclosed loop keeps its coroutine goroutines, which goleak
//     (TestMain) reports for every test of this package.
//   - DB-05: an unclosed StreamWriter warns. The package has no streams yet,
//     and Go has no ResourceWarning.

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

// dbPendingTask makes a loop whose one task is blocked for ever on a future,
// as a pending task is when its loop closes.
func dbPendingTask(t *testing.T, opts ...asyncio.Option) (*asyncio.EventLoop, *asyncio.Task[struct{}]) {
	t.Helper()
	loop := asynciotest.NewLoop(t, opts...)
	f := asyncio.NewFuture[int](loop)
	task := loop.Go(func(ctx context.Context) error {
		_, err := f.Await(ctx)
		return err
	})
	yield := loop.Go(func(ctx context.Context) error { return asyncio.Sleep(ctx, 0) })
	if err := loop.RunUntilComplete(yield); err != nil {
		t.Fatal(err)
	}
	if task.Done() {
		t.Fatal("the task is not blocked")
	}
	return loop, task
}

// dbCloseReport closes the loop of dbPendingTask, made with opts, and returns
// the one report its exception handler gets: that the task was destroyed
// pending.
func dbCloseReport(t *testing.T, opts ...asyncio.Option) asyncio.ExceptionContext {
	t.Helper()
	loop, task := dbPendingTask(t, opts...)
	reports := asynciotest.Exceptions(loop)
	if err := loop.Close(); err != nil {
		t.Fatal(err)
	}
	if len(reports()) != 1 {
		t.Fatalf("handler called %d times, want once: %v", len(reports()), reports())
	}
	c := reports()[0]
	if c.Message != "Task was destroyed but it is pending!" || c.Task != asyncio.AnyTask(task) {
		t.Errorf("handler got %+v, want the destroyed-pending report for the task", c)
	}
	return c
}

func TestTK30_UnretrievedTaskErrorIsLogged(t *testing.T) {
	logs := captureLogs(t)
	var task *asyncio.Task[struct{}]
	asynciotest.Run(t, func(ctx context.Context) error {
		task = asyncio.Go(ctx, func(ctx context.Context) error {
			return errors.New("ValueError")
		})
		return asyncio.Sleep(ctx, 0) // the task fails; nobody looks at its error
	})
	runtime.KeepAlive(task) // so that the report comes from Close, not the GC
	out := logs.String()
	if !strings.Contains(out, "Task exception was never retrieved") || !strings.Contains(out, "ValueError") {
		t.Errorf("log = %q, want the never-retrieved report", out)
	}
}

func TestTK32_PendingTaskAtCloseIsReportedDestroyed(t *testing.T) {
	c := dbCloseReport(t)
	if c.Source != "" {
		t.Errorf("Source = %q outside debug mode, want empty", c.Source)
	}
}

func TestDB01_UnretrievedTaskErrorGoesToHandler(t *testing.T) {
	errValue := errors.New("ValueError")
	var reports func() []asyncio.ExceptionContext
	var task *asyncio.Task[struct{}]
	asynciotest.Run(t, func(ctx context.Context) error {
		reports = asynciotest.Exceptions(runningLoop(t, ctx))
		task = asyncio.Go(ctx, func(ctx context.Context) error { return errValue })
		return asyncio.Sleep(ctx, 0)
	})
	if len(reports()) != 1 {
		t.Fatalf("handler called %d times, want once: %v", len(reports()), reports())
	}
	c := reports()[0]
	if c.Message != "Task exception was never retrieved" || c.Err != errValue ||
		c.Future != asyncio.AnyFuture(task) || c.Task != asyncio.AnyTask(task) {
		t.Errorf("handler got %+v, want the never-retrieved report for the task", c)
	}
}

func TestDB01_CollectedTaskErrorIsReported(t *testing.T) {
	errValue := errors.New("ValueError")
	var reports func() []asyncio.ExceptionContext
	asynciotest.Run(t, func(ctx context.Context) error {
		reports = asynciotest.Exceptions(runningLoop(t, ctx))
		asyncio.Go(ctx, func(ctx context.Context) error { return errValue })
		if err := asyncio.Sleep(ctx, 0); err != nil { // the task fails and is dropped
			return err
		}
		for i := 0; i < 200 && len(reports()) == 0; i++ {
			runtime.GC()
			//asynciovet:ignore real time on purpose, for the runtime's cleanup goroutine
			time.Sleep(time.Millisecond) // real time, for the runtime's cleanup goroutine
			if err := asyncio.Sleep(ctx, 0); err != nil {
				return err
			}
		}
		if len(reports()) != 1 {
			t.Errorf("after GC: handler called %d times, want once", len(reports()))
		}
		return nil
	})
	if len(reports()) == 0 {
		return
	}
	if c := reports()[0]; c.Message != "Task exception was never retrieved" || c.Err != errValue {
		t.Errorf("handler got %+v, want the never-retrieved report", c)
	}
}

func TestDB01_RetrievedErrorIsNotReported(t *testing.T) {
	var reports func() []asyncio.ExceptionContext
	asynciotest.Run(t, func(ctx context.Context) error {
		reports = asynciotest.Exceptions(runningLoop(t, ctx))
		awaited := asyncio.Go(ctx, func(ctx context.Context) error { return errors.New("awaited") })
		inspected := asyncio.Go(ctx, func(ctx context.Context) error { return errors.New("inspected") })
		if _, err := awaited.Await(ctx); err == nil {
			t.Error("Await of a failing task returned nil")
		}
		if err := inspected.Exception(); err == nil {
			t.Error("Exception of a failed task returned nil")
		}
		return nil
	})
	if len(reports()) != 0 {
		t.Errorf("handler got %v for errors that were retrieved", reports())
	}
}

func TestDB04_DestroyedPendingReportCarriesCreationStack(t *testing.T) {
	c := dbCloseReport(t, asyncio.WithDebug(true))
	if !strings.Contains(c.Source, "dbPendingTask") {
		t.Errorf("Source = %q, want the stack where the task was created", c.Source)
	}
}

func TestDB06_RunCancelsBlockedTaskSilently(t *testing.T) {
	var reports func() []asyncio.ExceptionContext
	var blocked *asyncio.Task[int]
	asynciotest.Run(t, func(ctx context.Context) error {
		reports = asynciotest.Exceptions(runningLoop(t, ctx))
		f := asyncio.NewFuture[int](runningLoop(t, ctx))
		blocked = asyncio.CreateTask(ctx, f.Await)
		return asyncio.Sleep(ctx, 0)
	})
	if len(reports()) != 0 {
		t.Errorf("handler got %v, want no report", reports())
	}
	if !blocked.Cancelled() {
		t.Error("blocked.Cancelled() = false")
	}
}

func TestDebug_SlowCallbackIsLoggedOnlyInDebugMode(t *testing.T) {
	for _, debug := range []bool{true, false} {
		logs := captureLogs(t)
		asynciotest.Run(t, func(ctx context.Context) error {
			loop := runningLoop(t, ctx)
			loop.SetSlowCallbackDuration(time.Millisecond) // measured on the wall clock
			//asynciovet:ignore blocks the loop on purpose: the test needs a slow callback
			loop.CallSoon(func() { time.Sleep(2 * time.Millisecond) })
			return asyncio.Sleep(ctx, 0)
		}, asyncio.WithDebug(debug))
		if logged := strings.Contains(logs.String(), "Executing"); logged != debug {
			t.Errorf("debug=%t: slow callback logged=%t; log = %q", debug, logged, logs.String())
		}
	}
}

func TestDB01_UnretrievedPanicIsLoggedWithStack(t *testing.T) {
	logs := captureLogs(t)
	var task *asyncio.Task[struct{}]
	asynciotest.Run(t, func(ctx context.Context) error {
		task = asyncio.Go(ctx, func(ctx context.Context) error { panic("kaboom") })
		return asyncio.Sleep(ctx, 0)
	})
	runtime.KeepAlive(task)
	out := logs.String()
	if !strings.Contains(out, "Task exception was never retrieved") || !strings.Contains(out, "kaboom") ||
		!strings.Contains(out, "TestDB01_UnretrievedPanicIsLoggedWithStack") {
		t.Errorf("log = %q, want the report with the panic's stack", out)
	}
}
