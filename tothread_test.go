package asyncio_test

// ToThread and RunInExecutor: blocking Go code run on an executor and
// awaited from coroutines; cancellation, panics, the virtual clock, and the
// goroutines they must not leak (TestMain's goleak check covers every test
// here).

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
	"github.com/asyncio-go/asyncio/internal/goid"
)

// TestEL22_RunInExecutorRunsOffTheLoop: the result comes from a goroutine
// other than the loop's, and a failing fn fails the future.
func TestEL22_RunInExecutorRunsOffTheLoop(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		loop, err := asyncio.GetRunningLoop(ctx)
		if err != nil {
			return err
		}
		type answer struct {
			arg string
			g   uint64
		}
		fut, err := asyncio.RunInExecutor(loop, nil, func(context.Context) (answer, error) {
			return answer{"yo", uint64(goid.Get())}, nil
		})
		if err != nil {
			return err
		}
		got, err := fut.Await(ctx)
		if err != nil || got.arg != "yo" || got.g == uint64(goid.Get()) {
			t.Errorf("RunInExecutor = %+v, %v; want yo from another goroutine (this is %d)", got, err, goid.Get())
		}
		boom := errors.New("value error")
		failing, err := asyncio.RunInExecutor(loop, nil, func(context.Context) (int, error) { return 0, boom })
		if err != nil {
			return err
		}
		if _, err := failing.Await(ctx); err != boom {
			t.Errorf("a failing fn's future = %v, want %v", err, boom)
		}
		return nil
	})
}

// TestTH01_ToThreadReturnsFnsResult: values and errors come back as fn
// returned them, from a goroutine other than the coroutine's.
func TestTH01_ToThreadReturnsFnsResult(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		sum, err := asyncio.ToThread(ctx, func(context.Context) (int, error) { return 40 + 2, nil })
		if sum != 42 || err != nil {
			t.Errorf("ToThread(sum) = %d, %v; want 42", sum, err)
		}
		me := goid.Get()
		other, err := asyncio.ToThread(ctx, func(context.Context) (bool, error) { return goid.Get() != me, nil })
		if !other || err != nil {
			t.Errorf("ToThread ran on the coroutine's goroutine (%v)", err)
		}
		type key struct{}
		vctx := context.WithValue(ctx, key{}, "test")
		got, err := asyncio.ToThread(vctx, func(ctx context.Context) (string, error) { return ctx.Value(key{}).(string), nil })
		if got != "test" || err != nil {
			t.Errorf("fn's ctx carries %q, %v; want the caller's value test", got, err)
		}
		boom := errors.New("boom")
		if _, err := asyncio.ToThread(ctx, func(context.Context) (int, error) { return 0, boom }); err != boom {
			t.Errorf("ToThread of a failing fn = %v, want boom", err)
		}
		return nil
	})
}

//go:noinline
func panicsInExecutor(context.Context) (int, error) { panic("bad") }

// TestToThreadPanicBecomesTheTasksErrorWithItsStack: a panic in fn is the
// task's error, a *PanicError whose stack shows where fn panicked.
func TestToThreadPanicBecomesTheTasksErrorWithItsStack(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		task := asyncio.CreateTask(ctx, func(ctx context.Context) (int, error) {
			return asyncio.ToThread(ctx, panicsInExecutor)
		})
		_, err := task.Await(ctx)
		var pe *asyncio.PanicError
		if !errors.As(err, &pe) || pe.Value != "bad" {
			t.Fatalf("the task's error is %v, want a *PanicError of bad", err)
		}
		if !strings.Contains(string(pe.Stack), "panicsInExecutor") {
			t.Errorf("the stack does not show fn:\n%s", pe.Stack)
		}
		if task.Cancelled() || task.Exception() != err {
			t.Errorf("task cancelled=%t, exception %v; want it failed with the panic", task.Cancelled(), task.Exception())
		}
		return nil
	})
}

// TestToThreadCancelReturnsAtOnceAndCancelsFnsContext: the await returns the
// cancellation while fn still runs; fn's ctx is done with the cancellation
// as its cause; fn's late result is dropped, and its goroutine ends.
func TestToThreadCancelReturnsAtOnceAndCancelsFnsContext(t *testing.T) {
	release, ended := make(chan struct{}), make(chan struct{})
	var cause error
	asynciotest.Run(t, func(ctx context.Context) error {
		started := make(chan struct{})
		task := asyncio.CreateTask(ctx, func(ctx context.Context) (int, error) {
			return asyncio.ToThread(ctx, func(ctx context.Context) (int, error) {
				defer close(ended)
				close(started)
				<-ctx.Done()
				cause = context.Cause(ctx)
				<-release // goes on after its ctx is done: the await must not wait
				return 7, nil
			})
		})
		if _, _, err := asyncio.Recv(ctx, started); err != nil {
			return err
		}
		task.CancelWithMessage("enough")
		v, err := task.Await(ctx)
		var ce *asyncio.CancelledError
		if v != 0 || !errors.As(err, &ce) || ce.Message != "enough" || !task.Cancelled() {
			t.Errorf("cancelled ToThread = %d, %v; want the cancellation with message enough", v, err)
		}
		close(release)
		return nil
	})
	<-ended // Run waited for the executor: fn has returned
	var ce *asyncio.CancelledError
	if !errors.As(cause, &ce) || ce.Message != "enough" || !errors.Is(cause, context.Canceled) {
		t.Errorf("context.Cause(fn's ctx) = %v, want the task's *CancelledError", cause)
	}
}

// TestToThreadAbandonedFnDoesNotHoldTheClock: once its await was cancelled,
// a fn that runs on no longer counts as outside work, and the virtual clock
// jumps again.
func TestToThreadAbandonedFnDoesNotHoldTheClock(t *testing.T) {
	release := make(chan struct{})
	asynciotest.Run(t, func(ctx context.Context) error {
		loop, _ := asyncio.GetRunningLoop(ctx)
		task := asyncio.Go(ctx, func(ctx context.Context) error {
			_, err := asyncio.ToThread(ctx, func(context.Context) (int, error) {
				<-release // ignores its ctx
				return 0, nil
			})
			return err
		})
		if err := yieldN(ctx, 2); err != nil {
			return err
		}
		task.Cancel()
		if _, err := task.Await(ctx); !syCancelled(err) {
			t.Errorf("the task ended with %v, want its cancellation", err)
		}
		start := loop.Time()
		if err := asyncio.Sleep(ctx, time.Hour); err != nil {
			return err
		}
		if d := loop.Time() - start; d != time.Hour {
			t.Errorf("the hour's sleep took %v of loop time, want exactly 1h: the clock did not jump", d)
		}
		close(release)
		return nil
	})
}

// TestToThreadDerivedCtxDoneCancelsFn: a ctx derived from the task's that
// is done ends the await with its error, which is fn's ctx's cause.
func TestToThreadDerivedCtxDoneCancelsFn(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		dctx, cancel := context.WithTimeout(ctx, 5*time.Millisecond)
		defer cancel()
		var cause error
		_, err := asyncio.ToThread(dctx, func(ctx context.Context) (int, error) {
			<-ctx.Done()
			cause = context.Cause(ctx)
			return 0, ctx.Err()
		})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("ToThread under an expired ctx = %v, want context.DeadlineExceeded", err)
		}
		// Run waits for fn before returning; read cause once it has.
		t.Cleanup(func() {
			if !errors.Is(cause, context.DeadlineExceeded) {
				t.Errorf("context.Cause(fn's ctx) = %v, want context.DeadlineExceeded", cause)
			}
		})
		return nil
	})
}

// TestToThreadTenThousandInFlightOnABoundedExecutor: 10,000 ToThread calls
// in flight run on no more goroutines than the executor's size, and every
// result comes back.
func TestToThreadTenThousandInFlightOnABoundedExecutor(t *testing.T) {
	const calls, size = 10000, 8
	var running, most atomic.Int32
	release := make(chan struct{})
	asynciotest.Run(t, func(ctx context.Context) error {
		before := runtime.NumGoroutine()
		tasks := make([]asyncio.Awaitable[int], calls)
		for i := range tasks {
			tasks[i] = asyncio.CreateTask(ctx, func(ctx context.Context) (int, error) {
				return asyncio.ToThread(ctx, func(context.Context) (int, error) {
					n := running.Add(1)
					for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
					}
					<-release
					running.Add(-1)
					return 2 * i, nil
				})
			})
		}
		if err := yieldN(ctx, 2); err != nil { // every task is in ToThread now
			return err
		}
		// Each task is a goroutine; the executor adds at most size more.
		if n := runtime.NumGoroutine() - before; n > calls+size+4 {
			t.Errorf("%d goroutines for %d calls in flight, want at most %d", n, calls, calls+size+4)
		}
		close(release)
		got, err := asyncio.Gather(ctx, tasks...)
		if err != nil {
			return err
		}
		for i, v := range got {
			if v != 2*i {
				t.Fatalf("result %d = %d, want %d", i, v, 2*i)
			}
		}
		return nil
	}, asyncio.WithDefaultExecutorSize(size))
	if m := most.Load(); m > size || m < 1 {
		t.Errorf("%d calls ran at once, want between 1 and %d", m, size)
	}
}

// TestRunInExecutorCancelCancelsFnsContext: cancelling the future, by any
// caller, cancels fn's ctx with the cancellation as its cause.
func TestRunInExecutorCancelCancelsFnsContext(t *testing.T) {
	causes := make(chan error, 1)
	asynciotest.Run(t, func(ctx context.Context) error {
		loop, _ := asyncio.GetRunningLoop(ctx)
		started := make(chan struct{})
		fut, err := asyncio.RunInExecutor(loop, nil, func(ctx context.Context) (int, error) {
			close(started)
			<-ctx.Done()
			causes <- context.Cause(ctx)
			return 1, nil
		})
		if err != nil {
			return err
		}
		if _, _, err := asyncio.Recv(ctx, started); err != nil {
			return err
		}
		fut.CancelWithMessage("stop")
		if _, err := fut.Await(ctx); !syCancelled(err) {
			t.Errorf("the cancelled future's Await = %v", err)
		}
		return nil
	})
	var ce *asyncio.CancelledError
	if err := <-causes; !errors.As(err, &ce) || ce.Message != "stop" {
		t.Errorf("context.Cause(fn's ctx) = %v, want the future's cancellation with message stop", err)
	}
}

// countingExecutor runs each function on a new goroutine, counting them.
type countingExecutor struct {
	wg        sync.WaitGroup
	submitted atomic.Int32
	shutdowns atomic.Int32
}

func (e *countingExecutor) Submit(fn func()) error {
	e.submitted.Add(1)
	e.wg.Go(fn)
	return nil
}

func (e *countingExecutor) Shutdown(context.Context) error {
	e.shutdowns.Add(1)
	e.wg.Wait()
	return nil
}

// TestSetDefaultExecutorIsUsedAndShutDownByRun: ToThread and RunInExecutor
// with a nil Executor use the one set; Run shuts it down.
func TestSetDefaultExecutorIsUsedAndShutDownByRun(t *testing.T) {
	e := &countingExecutor{}
	asynciotest.Run(t, func(ctx context.Context) error {
		loop, _ := asyncio.GetRunningLoop(ctx)
		if err := loop.SetDefaultExecutor(e); err != nil {
			return err
		}
		if _, err := asyncio.ToThread(ctx, func(context.Context) (int, error) { return 1, nil }); err != nil {
			return err
		}
		other := &countingExecutor{}
		fut, err := asyncio.RunInExecutor(loop, other, func(context.Context) (int, error) { return 2, nil })
		if err != nil {
			return err
		}
		if v, err := fut.Await(ctx); v != 2 || err != nil || other.submitted.Load() != 1 {
			t.Errorf("RunInExecutor on an executor of its own = %d, %v, %d submitted", v, err, other.submitted.Load())
		}
		return nil
	})
	if e.submitted.Load() != 1 || e.shutdowns.Load() != 1 {
		t.Errorf("the default executor got %d functions and %d shutdowns, want 1 and 1", e.submitted.Load(), e.shutdowns.Load())
	}
}

// TestRunWaitsForTheDefaultExecutor: a function nobody awaits has returned
// by the time Run does.
func TestRunWaitsForTheDefaultExecutor(t *testing.T) {
	var finished atomic.Bool
	asynciotest.Run(t, func(ctx context.Context) error {
		loop, _ := asyncio.GetRunningLoop(ctx)
		_, err := asyncio.RunInExecutor(loop, nil, func(context.Context) (int, error) {
			time.Sleep(10 * time.Millisecond)
			finished.Store(true)
			return 0, nil
		})
		return err
	})
	if !finished.Load() {
		t.Error("Run returned before the default executor's function did")
	}
}

// TestShutdownDefaultExecutorWaitsThenRefusesWork: the coroutine waits for
// the functions already given; later calls fail with ErrExecutorShutdown.
func TestShutdownDefaultExecutorWaitsThenRefusesWork(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		loop, _ := asyncio.GetRunningLoop(ctx)
		var finished atomic.Bool
		if _, err := asyncio.RunInExecutor(loop, nil, func(context.Context) (int, error) {
			time.Sleep(10 * time.Millisecond)
			finished.Store(true)
			return 0, nil
		}); err != nil {
			return err
		}
		if err := loop.ShutdownDefaultExecutor(ctx); err != nil {
			return err
		}
		if !finished.Load() {
			t.Error("ShutdownDefaultExecutor returned before the function did")
		}
		if _, err := asyncio.ToThread(ctx, func(context.Context) (int, error) { return 0, nil }); !errors.Is(err, asyncio.ErrExecutorShutdown) {
			t.Errorf("ToThread after ShutdownDefaultExecutor = %v, want ErrExecutorShutdown", err)
		}
		if _, err := asyncio.RunInExecutor(loop, nil, func(context.Context) (int, error) { return 0, nil }); !errors.Is(err, asyncio.ErrExecutorShutdown) {
			t.Errorf("RunInExecutor after ShutdownDefaultExecutor = %v, want ErrExecutorShutdown", err)
		}
		return loop.ShutdownDefaultExecutor(ctx) // twice is fine
	})
}

// TestExecutorJobEndingAfterItsLoopClosedPostsNothing: a function that
// returns after its loop closed attempts no callback into it.
func TestExecutorJobEndingAfterItsLoopClosedPostsNothing(t *testing.T) {
	e := asyncio.NewBoundedExecutor(2)
	defer e.Shutdown(context.Background())
	loop := asyncio.NewEventLoop(asyncio.WithVirtualClock())
	asynciotest.Exceptions(loop)
	release := make(chan struct{})
	ran := make(chan struct{}, 2)
	task := loop.CreateTask(func(ctx context.Context) error {
		// One future nobody awaits, one ToThread awaited by a task that
		// the loop's Close unwinds.
		if _, err := asyncio.RunInExecutor(loop, e, func(context.Context) (int, error) {
			<-release
			ran <- struct{}{}
			return 1, nil
		}); err != nil {
			return err
		}
		asyncio.Go(ctx, func(ctx context.Context) error {
			_, err := asyncio.ToThread(ctx, func(context.Context) (int, error) {
				<-release
				ran <- struct{}{}
				return 2, nil
			})
			return err
		})
		return asyncio.Sleep(ctx, 0)
	})
	if err := loop.RunUntilComplete(task); err != nil {
		t.Fatal(err)
	}
	if err := loop.Close(); err != nil {
		t.Fatal(err)
	}
	posts := asyncio.OutsidePosts(loop)
	close(release)
	<-ran
	<-ran
	if err := e.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	// The default executor was shut down by Close without waiting; the
	// ToThread function has returned (ran), and its job ends right after.
	if got := asyncio.OutsidePosts(loop); got != posts {
		t.Errorf("%d outcomes posted into the closed loop", got-posts)
	}
}

func TestBoundedExecutorShutdown(t *testing.T) {
	e := asyncio.NewBoundedExecutor(1)
	release := make(chan struct{})
	var order []int
	var mu sync.Mutex
	for i := range 3 {
		if err := e.Submit(func() {
			if i == 0 {
				<-release
			}
			mu.Lock()
			order = append(order, i)
			mu.Unlock()
		}); err != nil {
			t.Fatal(err)
		}
	}
	done, cancel := context.WithCancel(context.Background())
	cancel()
	if err := e.Shutdown(done); err != context.Canceled {
		t.Errorf("Shutdown with a done ctx while a function runs = %v, want context.Canceled", err)
	}
	if err := e.Submit(func() {}); !errors.Is(err, asyncio.ErrExecutorShutdown) {
		t.Errorf("Submit after Shutdown = %v, want ErrExecutorShutdown", err)
	}
	close(release)
	if err := e.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(order) != 3 || order[0] != 0 || order[1] != 1 || order[2] != 2 {
		t.Errorf("the queued functions ran as %v, want [0 1 2]: all of them, FIFO", order)
	}
	if e.Size() != 1 {
		t.Errorf("Size = %d", e.Size())
	}
}

func TestBoundedExecutorMisusePanics(t *testing.T) {
	for name, f := range map[string]func(){
		"NewBoundedExecutor(0)":      func() { asyncio.NewBoundedExecutor(0) },
		"WithDefaultExecutorSize(0)": func() { asyncio.WithDefaultExecutorSize(0) },
		"Submit(nil)":                func() { _ = asyncio.NewBoundedExecutor(1).Submit(nil) },
		"ToThread(nil)": func() {
			//asynciovet:ignore panics before it could return an error
			_, _ = asyncio.ToThread[int](context.Background(), nil)
		},
	} {
		if r := recoverFrom(f); r == nil || !strings.HasPrefix(fmt.Sprint(r), "asyncio: ") {
			t.Errorf("%s panicked with %v, want a message naming the mistake", name, r)
		}
	}
}

func TestToThreadOutsideACoroutineRunsNothing(t *testing.T) {
	ran := false
	_, err := asyncio.ToThread(context.Background(), func(context.Context) (int, error) { ran = true; return 0, nil })
	if !errors.Is(err, asyncio.ErrNotInCoroutine) || ran {
		t.Errorf("ToThread outside a coroutine = %v (ran %t), want ErrNotInCoroutine", err, ran)
	}
}
