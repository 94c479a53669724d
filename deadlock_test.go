package asyncio_test

// On the virtual clock, a program whose tasks wait for something that can
// never happen is reported, not hung: asyncio would wait for ever.

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
)

// runDeadlocked runs main on the virtual clock and returns Run's error, which
// must be a *DeadlockError.
func runDeadlocked(t *testing.T, main func(ctx context.Context) error) *asyncio.DeadlockError {
	t.Helper()
	err := asyncio.Run(main, asyncio.WithVirtualClock())
	var de *asyncio.DeadlockError
	if !errors.Is(err, asyncio.ErrDeadlock) || !errors.As(err, &de) {
		t.Fatalf("Run = %v, want a *DeadlockError", err)
	}
	return de
}

func wantInReport(t *testing.T, de *asyncio.DeadlockError, lines ...string) {
	t.Helper()
	msg := de.Error()
	for _, l := range lines {
		if !strings.Contains(msg, l) {
			t.Errorf("deadlock report lacks %q:\n%s", l, msg)
		}
	}
}

func TestDeadlockOnAFutureNobodyResolvesIsReported(t *testing.T) {
	de := runDeadlocked(t, func(ctx context.Context) error {
		_, err := asyncio.NewFuture[int](runningLoop(t, ctx)).Await(ctx)
		return err
	})
	if len(de.Tasks) != 1 || de.Tasks[0].Name() != "Task-1" {
		t.Errorf("Tasks = %v, want the main task", de.Tasks)
	}
	wantInReport(t, de, "1 pending task", "Task-1 awaits <Future pending>")
}

func TestDeadlockOnALockAcquiredTwiceByOneTaskIsReported(t *testing.T) {
	de := runDeadlocked(t, func(ctx context.Context) error {
		var mu asyncio.Lock
		if err := mu.Acquire(ctx); err != nil {
			return err
		}
		return mu.Acquire(ctx)
	})
	wantInReport(t, de, "Task-1 awaits Lock.Acquire")
}

func TestDeadlockOfTwoTasksAwaitingEachOtherIsReported(t *testing.T) {
	de := runDeadlocked(t, func(ctx context.Context) error {
		var a, b *asyncio.Task[struct{}]
		a = asyncio.Go(ctx, func(ctx context.Context) error {
			_, err := b.Await(ctx)
			return err
		}, asyncio.WithName("a"))
		b = asyncio.Go(ctx, func(ctx context.Context) error {
			_, err := a.Await(ctx)
			return err
		}, asyncio.WithName("b"))
		_, err := a.Await(ctx)
		return err
	})
	wantInReport(t, de, "3 pending tasks",
		`Task-1 awaits <Task pending name="a">`,
		`a awaits <Task pending name="b">`,
		`b awaits <Task pending name="a">`)
}

func TestDeadlockReportFromRunUntilCompleteLeavesTheFuturePending(t *testing.T) {
	loop := asyncio.NewEventLoop(asyncio.WithVirtualClock())
	defer loop.Close()
	f := asyncio.NewFuture[int](loop)
	task := loop.Go(func(ctx context.Context) error {
		_, err := f.Await(ctx)
		return err
	})
	if err := loop.RunUntilComplete(task); !errors.Is(err, asyncio.ErrDeadlock) {
		t.Fatalf("RunUntilComplete = %v, want ErrDeadlock", err)
	}
	if task.Done() {
		t.Error("the task is done after a deadlock report")
	}
	// The loop can still be driven: resolving the future lets the task end.
	if _, err := loop.CallSoon(func() { f.SetResult(1) }); err != nil {
		t.Fatal(err)
	}
	if err := loop.RunUntilComplete(task); err != nil {
		t.Errorf("RunUntilComplete after resolving = %v", err)
	}
}

func TestSleepingForEverWithNothingElseIsADeadlock(t *testing.T) {
	de := runDeadlocked(t, func(ctx context.Context) error {
		return asyncio.Sleep(ctx, asyncio.NoDeadline)
	})
	wantInReport(t, de, "Task-1 awaits Sleep for ever")
}

func TestNoDeadlockWhileAWallClockDeadlineIsPending(t *testing.T) {
	err := asyncio.Run(func(ctx context.Context) error {
		wctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
		defer cancel()
		err := asyncio.Sleep(wctx, asyncio.NoDeadline)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Sleep = %v, want the ctx's DeadlineExceeded", err)
		}
		return nil
	}, asyncio.WithVirtualClock())
	if err != nil {
		t.Fatal(err)
	}
}

func TestALoopWithNoTaskWaitsForPostsInsteadOfReportingADeadlock(t *testing.T) {
	loop := asyncio.NewEventLoop(asyncio.WithVirtualClock())
	defer loop.Close()
	go func() {
		time.Sleep(time.Millisecond)
		_, _ = loop.CallSoonThreadsafe(loop.Stop)
	}()
	if err := loop.RunForever(); err != nil {
		t.Errorf("RunForever = %v, want nil", err)
	}
}
