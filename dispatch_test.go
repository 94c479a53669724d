package asyncio_test

import (
	"context"
	"errors"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

// A suspending task runs the loop on its own goroutine until its next step
// (see dispatch.go). These tests pin down that this changes nothing a
// program can see: the order of steps, what counts as inside a coroutine,
// Stop, and a runtime.Goexit reaching the caller of Run.

func TestManyTasksYieldingTakeTurnsInCreationOrder(t *testing.T) {
	const tasks, rounds = 100, 5 // more tasks than goroutines parked in a chain
	var got []int
	asynciotest.Run(t, func(ctx context.Context) error {
		var all []*asyncio.Task[struct{}]
		for i := range tasks {
			all = append(all, asyncio.Go(ctx, func(ctx context.Context) error {
				for range rounds {
					got = append(got, i)
					if err := asyncio.Sleep(ctx, 0); err != nil {
						return err
					}
				}
				return nil
			}))
		}
		_, err := asyncio.Gather(ctx, asyncio.Awaitables(all)...)
		return err
	})
	var want []int
	for range rounds {
		for i := range tasks {
			want = append(want, i)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("steps out of round-robin order:\n got %v\nwant %v", got, want)
	}
}

func TestTwoTasksPassingFuturesAlternate(t *testing.T) {
	var got []string
	asynciotest.Run(t, func(ctx context.Context) error {
		loop, err := asyncio.GetRunningLoop(ctx)
		if err != nil {
			return err
		}
		toPong, toPing := asyncio.NewFuture[int](loop), asyncio.NewFuture[int](loop)
		pong := asyncio.CreateTask(ctx, func(ctx context.Context) (int, error) {
			for {
				v, err := toPong.Await(ctx)
				if err != nil || v == 3 {
					return v, err
				}
				got = append(got, "pong")
				toPong = asyncio.NewFuture[int](loop)
				_ = toPing.SetResult(v + 1)
			}
		})
		v := 0
		for v < 3 {
			got = append(got, "ping")
			_ = toPong.SetResult(v)
			if v, err = toPing.Await(ctx); err != nil {
				return err
			}
			toPing = asyncio.NewFuture[int](loop)
		}
		_ = toPong.SetResult(v)
		_, err = pong.Await(ctx)
		return err
	})
	if want := []string{"ping", "pong", "ping", "pong", "ping", "pong"}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestACallbackHoldingATasksCtxIsNotInsideItsCoroutine(t *testing.T) {
	var sleepErr error
	var current asyncio.AnyTask
	asynciotest.Run(t, func(ctx context.Context) error {
		loop, err := asyncio.GetRunningLoop(ctx)
		if err != nil {
			return err
		}
		done := asyncio.NewFuture[struct{}](loop)
		// The callback runs while the task is suspended, possibly on the
		// task's own goroutine.
		if _, err := loop.CallSoon(func() {
			sleepErr = asyncio.Sleep(ctx, 0)
			current = asyncio.CurrentTask(ctx)
			_ = done.SetResult(struct{}{})
		}); err != nil {
			return err
		}
		_, err = done.Await(ctx)
		return err
	})
	if !errors.Is(sleepErr, asyncio.ErrNotInCoroutine) {
		t.Errorf("Sleep from a callback = %v, want ErrNotInCoroutine", sleepErr)
	}
	if current != nil {
		t.Errorf("CurrentTask from a callback = %v, want nil", current)
	}
}

func TestStopFromATaskResumedByAnotherEndsTheIteration(t *testing.T) {
	loop := asynciotest.NewLoop(t)
	var got []string
	loop.Go(func(ctx context.Context) error {
		got = append(got, "A1")
		if err := asyncio.Sleep(ctx, 0); err != nil { // resumes B on A's goroutine
			return err
		}
		got = append(got, "A2")
		return nil
	})
	loop.Go(func(ctx context.Context) error {
		got = append(got, "B")
		loop.Stop()
		return asyncio.Sleep(ctx, time.Hour)
	})
	if err := loop.RunForever(); err != nil {
		t.Fatal(err)
	}
	if want := []string{"A1", "B"}; !slices.Equal(got, want) {
		t.Fatalf("after the first iteration got %v, want %v", got, want)
	}
	elRunTicks(t, loop, 1)
	if want := []string{"A1", "B", "A2"}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestGoexitInATaskResumedByAnotherReachesTheCallerOfRun(t *testing.T) {
	runPassingGoexitOn(t, func(ctx context.Context) error {
		loop, err := asyncio.GetRunningLoop(ctx)
		if err != nil {
			return err
		}
		never := asyncio.NewFuture[int](loop)
		asyncio.Go(ctx, func(ctx context.Context) error {
			runtime.Goexit() // what t.Fatal does inside a coroutine
			return nil
		})
		_, err = never.Await(ctx) // the main task's goroutine resumes the one above
		return err
	})
}

func TestGoexitInACallbackReachesTheCallerOfRun(t *testing.T) {
	runPassingGoexitOn(t, func(ctx context.Context) error {
		loop, err := asyncio.GetRunningLoop(ctx)
		if err != nil {
			return err
		}
		if _, err := loop.CallSoon(runtime.Goexit); err != nil {
			return err
		}
		return asyncio.Sleep(ctx, time.Hour)
	})
}

func TestATaskCancelledWhileItResumesAnotherGetsTheCancellation(t *testing.T) {
	var got []string
	asynciotest.Run(t, func(ctx context.Context) error {
		loop, err := asyncio.GetRunningLoop(ctx)
		if err != nil {
			return err
		}
		never := asyncio.NewFuture[int](loop)
		var host *asyncio.Task[struct{}]
		host = asyncio.Go(ctx, func(ctx context.Context) error {
			asyncio.Go(ctx, func(context.Context) error { // runs on host's goroutine, below
				got = append(got, "cancel host")
				host.Cancel()
				return nil
			})
			_, err := never.Await(ctx)
			got = append(got, "host: "+err.Error())
			return err
		})
		if _, err := host.Await(ctx); !errors.Is(err, asyncio.ErrCancelled) {
			t.Errorf("host = %v, want cancelled", err)
		}
		if !never.Cancelled() {
			t.Error("the future the host awaited was not cancelled with it")
		}
		return nil
	})
	if want := []string{"cancel host", "host: " + (&asyncio.CancelledError{}).Error()}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestATimeoutExpiresForATaskThatResumedOthers(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		loop, err := asyncio.GetRunningLoop(ctx)
		if err != nil {
			return err
		}
		never := asyncio.NewFuture[int](loop)
		for range 3 { // tasks the main task's goroutine resumes while it waits
			asyncio.Go(ctx, func(ctx context.Context) error { return asyncio.Sleep(ctx, time.Minute) })
		}
		err = asyncio.Timeout(ctx, time.Second, func(ctx context.Context) error {
			_, err := never.Await(ctx)
			return err
		})
		if !errors.Is(err, asyncio.ErrTimeout) {
			t.Errorf("Timeout = %v, want ErrTimeout", err)
		}
		return nil
	})
}

func TestAFailureInAResumedTaskStaysInThatTask(t *testing.T) {
	boom := errors.New("boom")
	asynciotest.Run(t, func(ctx context.Context) error {
		failing := asyncio.Go(ctx, func(context.Context) error { return boom })
		panicking := asyncio.Go(ctx, func(context.Context) error { panic("p") })
		if err := asyncio.Sleep(ctx, 0); err != nil { // both run on this goroutine meanwhile
			t.Errorf("the task that resumed them got %v", err)
		}
		if _, err := failing.Await(ctx); !errors.Is(err, boom) {
			t.Errorf("failing = %v, want boom", err)
		}
		var pe *asyncio.PanicError
		if _, err := panicking.Await(ctx); !errors.As(err, &pe) {
			t.Errorf("panicking = %v, want a *PanicError", err)
		}
		return nil
	})
}

func TestRunInsideAResumedTaskIsRefused(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		inner := asyncio.Go(ctx, func(context.Context) error {
			return asyncio.Run(func(context.Context) error { return nil })
		})
		if err := asyncio.Sleep(ctx, 0); err != nil {
			return err
		}
		if _, err := inner.Await(ctx); !errors.Is(err, asyncio.ErrAnotherLoopRunning) {
			t.Errorf("Run inside a task = %v, want ErrAnotherLoopRunning", err)
		}
		return nil
	})
}

func TestAPostFromAnotherGoroutineRunsWhileTasksPassTheLoopAround(t *testing.T) {
	err := asyncio.Run(func(ctx context.Context) error {
		loop, err := asyncio.GetRunningLoop(ctx)
		if err != nil {
			return err
		}
		posted := asyncio.NewFuture[struct{}](loop)
		go func() {
			_, _ = loop.CallSoonThreadsafe(func() { _ = posted.SetResult(struct{}{}) })
		}()
		// Two tasks ping-pong, never leaving the loop idle, until the post lands.
		var ping, pong *asyncio.Future[int]
		ping = asyncio.NewFuture[int](loop)
		partner := asyncio.Go(ctx, func(ctx context.Context) error {
			for {
				v, err := ping.Await(ctx)
				if err != nil {
					return err
				}
				ping = asyncio.NewFuture[int](loop)
				_ = pong.SetResult(v)
			}
		})
		defer partner.Cancel()
		for !posted.Done() {
			pong = asyncio.NewFuture[int](loop)
			_ = ping.SetResult(1)
			if _, err := pong.Await(ctx); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
