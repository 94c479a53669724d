package asyncio_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
)

// reports collects the exception handler's reports, which the watchdog makes
// from its own goroutine.
type reports struct {
	mu   sync.Mutex
	got  []asyncio.ExceptionContext
	some atomic.Bool
}

func (r *reports) handle(_ *asyncio.EventLoop, c asyncio.ExceptionContext) {
	r.mu.Lock()
	r.got = append(r.got, c)
	r.mu.Unlock()
	r.some.Store(true)
}

func (r *reports) all() []asyncio.ExceptionContext {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]asyncio.ExceptionContext(nil), r.got...)
}

// blockUntil blocks the loop, sleeping in time.Sleep, until done reports
// true or ten seconds have passed.
func blockUntil(done func() bool) {
	for deadline := time.Now().Add(10 * time.Second); !done() && time.Now().Before(deadline); {
		//asynciovet:ignore the test blocks the loop on purpose, for the watchdog to catch
		time.Sleep(time.Millisecond)
	}
}

// runDebugLoop runs main on a debug-mode loop whose slow-callback duration is
// threshold, reporting to r.
func runDebugLoop(t *testing.T, threshold time.Duration, r *reports, main func(ctx context.Context) error) {
	t.Helper()
	l := asyncio.NewEventLoop(asyncio.WithDebug(true))
	defer l.Close()
	l.SetSlowCallbackDuration(threshold)
	l.SetExceptionHandler(r.handle)
	if err := l.RunUntilComplete(l.CreateTask(main)); err != nil {
		t.Fatal(err)
	}
}

func TestWatchdogReportsAStepBlockedInTimeSleep(t *testing.T) {
	var r reports
	runDebugLoop(t, 20*time.Millisecond, &r, func(ctx context.Context) error {
		task := asyncio.Go(ctx, func(context.Context) error {
			blockUntil(r.some.Load)
			return nil
		}, asyncio.WithName("blocker"))
		_, err := task.Await(ctx)
		return err
	})
	got := r.all()
	if len(got) != 2 {
		t.Fatalf("%d reports, want 2 (blocked, then ended): %v", len(got), got)
	}
	var during, after *asyncio.BlockedLoopError
	if !errors.As(got[0].Err, &during) || !errors.As(got[1].Err, &after) {
		t.Fatalf("reports' errors = %v, %v; want *BlockedLoopError", got[0].Err, got[1].Err)
	}
	if during.Task != "blocker" || during.Ended || during.Running < 20*time.Millisecond {
		t.Errorf("first report = %+v, want blocker still running past the threshold", during)
	}
	if got[0].Task == nil || got[0].Task.Name() != "blocker" || got[0].Message != `Task "blocker" is blocking the loop` {
		t.Errorf("first report's context = %+v", got[0])
	}
	if !hasFrame(during.Stack, "time.Sleep") || !hasFrame(during.Stack, "asyncio_test.blockUntil") {
		t.Errorf("the stack captured while blocked lacks time.Sleep under blockUntil:\n%v", during.Stack)
	}
	if !after.Ended || after.Running < during.Running || after.Task != "blocker" {
		t.Errorf("second report = %+v, want the end of the same step, longer", after)
	}
}

func TestWatchdogReportsABlockedCallback(t *testing.T) {
	var r reports
	runDebugLoop(t, 20*time.Millisecond, &r, func(ctx context.Context) error {
		l := runningLoop(t, ctx)
		if _, err := l.CallSoon(func() { blockUntil(r.some.Load) }); err != nil {
			return err
		}
		return asyncio.Sleep(ctx, 0)
	})
	got := r.all()
	var e *asyncio.BlockedLoopError
	if len(got) == 0 || !errors.As(got[0].Err, &e) {
		t.Fatalf("reports = %v, want a *BlockedLoopError", got)
	}
	if e.Task != "" || got[0].Message != "Executing a callback is blocking the loop" || !hasFrame(e.Stack, "asyncio_test.blockUntil") {
		t.Errorf("report = %q %+v", got[0].Message, e)
	}
}

// A step shorter than the threshold is never reported, even one long enough
// for the watchdog to look at it while it runs.
func TestWatchdogIgnoresAStepUnderTheThreshold(t *testing.T) {
	var r reports
	runDebugLoop(t, time.Hour, &r, func(ctx context.Context) error {
		end := time.Now().Add(150 * time.Millisecond) // the watchdog looks every 100ms
		blockUntil(func() bool { return time.Now().After(end) })
		return nil
	})
	if got := r.all(); len(got) != 0 {
		t.Errorf("reports = %v, want none", got)
	}
}

func TestBlockedLoopErrorText(t *testing.T) {
	e := &asyncio.BlockedLoopError{Task: "w", Running: 1500 * time.Millisecond, Stack: []asyncio.Frame{{Func: "main.f", File: "/m.go", Line: 3}}}
	if got, want := e.Error(), "asyncio: task \"w\" has blocked the loop for 1.500 seconds, in:\n\tmain.f at /m.go:3"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	e = &asyncio.BlockedLoopError{Running: time.Second, Ended: true}
	if got, want := e.Error(), "asyncio: a callback blocked the loop for 1.000 seconds"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
