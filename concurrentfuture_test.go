package asyncio_test

// RunCoroutineThreadsafe, ConcurrentFuture and WrapFuture: coroutines
// submitted from plain goroutines, results waited for there, and goroutine
// results awaited on a loop.

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

// onRunningLoop runs worker on a plain goroutine while a loop on the virtual
// clock runs, and returns when both are done.
func onRunningLoop(t *testing.T, worker func(loop *asyncio.EventLoop)) {
	t.Helper()
	asynciotest.Run(t, func(ctx context.Context) error {
		loop, _ := asyncio.GetRunningLoop(ctx)
		done := make(chan struct{})
		go func() {
			defer close(done)
			worker(loop)
		}()
		_, _, err := asyncio.Recv(ctx, done)
		return err
	})
}

func add(a, b int) asyncio.Coroutine[int] {
	return func(ctx context.Context) (int, error) {
		if err := asyncio.Sleep(ctx, time.Millisecond); err != nil {
			return 0, err
		}
		return a + b, nil
	}
}

func TestTH03_RunCoroutineThreadsafeResult(t *testing.T) {
	onRunningLoop(t, func(loop *asyncio.EventLoop) {
		f, err := asyncio.RunCoroutineThreadsafe(add(1, 2), loop)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if v, err := f.Result(ctx); v != 3 || err != nil {
			t.Errorf("Result = %d, %v; want 3", v, err)
		}
		select {
		case <-f.Done():
		default:
			t.Error("Done is open after Result returned")
		}
		if f.Cancel() || f.Cancelled() {
			t.Error("a finished future could be cancelled")
		}
	})
}

func TestTH04_RunCoroutineThreadsafeErrorAndTimeout(t *testing.T) {
	onRunningLoop(t, func(loop *asyncio.EventLoop) {
		boom := errors.New("runtime error")
		f, err := asyncio.RunCoroutineThreadsafe(func(context.Context) (int, error) { return 0, boom }, loop)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Result(context.Background()); err != boom {
			t.Errorf("the failing coroutine's Result = %v, want %v", err, boom)
		}

		ended := make(chan error, 1)
		f, err = asyncio.RunCoroutineThreadsafe(func(ctx context.Context) (int, error) {
			err := asyncio.Sleep(ctx, 10*time.Second)
			//asynciovet:ignore the channel is buffered and has room: the send never waits
			ended <- err
			return 0, err
		}, loop)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
		defer cancel()
		if _, err := f.Result(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Result past its timeout = %v, want context.DeadlineExceeded", err)
		}
		if !f.Cancel() || !f.Cancelled() {
			t.Error("Cancel of a pending future did not cancel it")
		}
		if _, err := f.Result(context.Background()); !syCancelled(err) {
			t.Errorf("Result after Cancel = %v, want the cancellation", err)
		}
		if err := <-ended; !syCancelled(err) {
			t.Errorf("the task's Sleep ended with %v, want its cancellation", err)
		}
	})
}

func TestTH05_RunCoroutineThreadsafeTaskCancelsItself(t *testing.T) {
	onRunningLoop(t, func(loop *asyncio.EventLoop) {
		f, err := asyncio.RunCoroutineThreadsafe(func(ctx context.Context) (int, error) {
			asyncio.CurrentTask(ctx).Cancel()
			return 0, asyncio.Sleep(ctx, 0)
		}, loop)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Result(context.Background()); !syCancelled(err) || !f.Cancelled() {
			t.Errorf("Result = %v (cancelled %t), want the cancellation", err, f.Cancelled())
		}
	})
}

func TestTH06_RunCoroutineThreadsafeRefusesNil(t *testing.T) {
	loop := asynciotest.NewLoop(t)
	for name, f := range map[string]func(){
		"nil coroutine": func() { _, _ = asyncio.RunCoroutineThreadsafe[int](nil, loop) },
		"nil loop":      func() { _, _ = asyncio.RunCoroutineThreadsafe(add(1, 2), nil) },
	} {
		if r := recoverFrom(f); r == nil || !strings.Contains(r.(string), "RunCoroutineThreadsafe") {
			t.Errorf("%s: panicked with %v, want a message naming RunCoroutineThreadsafe", name, r)
		}
	}
}

func TestRunCoroutineThreadsafeToAClosedLoop(t *testing.T) {
	loop := asyncio.NewEventLoop()
	if err := loop.Close(); err != nil {
		t.Fatal(err)
	}
	ran := false
	f, err := asyncio.RunCoroutineThreadsafe(func(context.Context) (int, error) { ran = true; return 0, nil }, loop)
	if f != nil || !errors.Is(err, asyncio.ErrLoopClosed) || ran {
		t.Errorf("RunCoroutineThreadsafe to a closed loop = %v, %v (ran %t); want ErrLoopClosed", f, err, ran)
	}
}

// TestRunCoroutineThreadsafeLoopClosingUnderIt: a loop closed before the
// task was made, or with the task pending, fails the future: no waiter
// hangs.
func TestRunCoroutineThreadsafeLoopClosingUnderIt(t *testing.T) {
	loop := asyncio.NewEventLoop(asyncio.WithVirtualClock())
	never, err := asyncio.RunCoroutineThreadsafe(add(1, 2), loop) // the loop never runs
	if err != nil {
		t.Fatal(err)
	}
	stuck, err := asyncio.RunCoroutineThreadsafe(func(ctx context.Context) (int, error) {
		return 0, asyncio.Sleep(ctx, time.Hour)
	}, loop)
	if err != nil {
		t.Fatal(err)
	}
	loop.Stop()
	if err := loop.RunForever(); err != nil { // one iteration: both tasks start
		t.Fatal(err)
	}
	asynciotest.Exceptions(loop) // "Task was destroyed but it is pending!"
	if err := loop.Close(); err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]*asyncio.ConcurrentFuture[int]{"started": never, "sleeping": stuck} {
		if _, err := f.Result(context.Background()); !errors.Is(err, asyncio.ErrLoopClosed) {
			t.Errorf("%s: Result after the loop closed = %v, want ErrLoopClosed", name, err)
		}
	}

	loop = asyncio.NewEventLoop()
	f, err := asyncio.RunCoroutineThreadsafe(add(1, 2), loop)
	if err != nil {
		t.Fatal(err)
	}
	if err := loop.Close(); err != nil { // the task was never made
		t.Fatal(err)
	}
	if _, err := f.Result(context.Background()); !errors.Is(err, asyncio.ErrLoopClosed) {
		t.Errorf("Result after the loop closed unrun = %v, want ErrLoopClosed", err)
	}
}

// TestRunCoroutineThreadsafeCancelledBeforeTheTaskStartsRunsNothing: a
// future cancelled while its loop is stopped cancels the task before it
// starts.
func TestRunCoroutineThreadsafeCancelledBeforeTheTaskStartsRunsNothing(t *testing.T) {
	loop := asynciotest.NewLoop(t)
	ran := false
	f, err := asyncio.RunCoroutineThreadsafe(func(context.Context) (int, error) { ran = true; return 1, nil }, loop)
	if err != nil {
		t.Fatal(err)
	}
	f.CancelWithMessage("not now")
	task := loop.CreateTask(func(ctx context.Context) error { return yieldN(ctx, 3) })
	if err := loop.RunUntilComplete(task); err != nil {
		t.Fatal(err)
	}
	var ce *asyncio.CancelledError
	if _, err := f.Result(context.Background()); ran || !errors.As(err, &ce) || ce.Message != "not now" {
		t.Errorf("ran %t, Result %v; want nothing run and the cancellation with message not now", ran, err)
	}
}

func TestConcurrentFutureResultOnALoopGoroutineIsRefused(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		loop, _ := asyncio.GetRunningLoop(ctx)
		f, err := asyncio.RunCoroutineThreadsafe(add(1, 2), loop)
		if err != nil {
			return err
		}
		if _, err := f.Result(context.Background()); !errors.Is(err, asyncio.ErrWrongGoroutine) {
			t.Errorf("Result from a coroutine of its own loop = %v, want ErrWrongGoroutine", err)
		}
		w, err := asyncio.WrapFuture(loop, f)
		if err != nil {
			return err
		}
		if v, err := w.Await(ctx); v != 3 || err != nil {
			t.Errorf("the wrapped future = %d, %v; want 3", v, err)
		}
		if v, err := f.Result(context.Background()); v != 3 || err != nil { // done: does not block
			t.Errorf("Result of a done future from a coroutine = %d, %v; want 3", v, err)
		}
		return nil
	})
}

func TestConcurrentFutureSetTwice(t *testing.T) {
	f, _ := asyncio.NewConcurrentFuture[int](context.Background())
	if err := f.SetResult(1); err != nil {
		t.Fatal(err)
	}
	if err := f.SetResult(2); !errors.Is(err, asyncio.ErrInvalidState) {
		t.Errorf("a second SetResult = %v, want ErrInvalidState", err)
	}
	if err := f.SetException(errors.New("x")); !errors.Is(err, asyncio.ErrInvalidState) {
		t.Errorf("SetException after SetResult = %v, want ErrInvalidState", err)
	}
	if v, err := f.Result(context.Background()); v != 1 || err != nil {
		t.Errorf("Result = %d, %v; want the first result, 1", v, err)
	}
	if s := f.String(); s != "<ConcurrentFuture finished result=1>" {
		t.Errorf("String = %q", s)
	}
	if r := recoverFrom(func() { _ = f.SetException(nil) }); r == nil {
		t.Error("SetException(nil) did not panic")
	}
}

func TestWrapFutureAwaitsAGoroutinesResult(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		loop, _ := asyncio.GetRunningLoop(ctx)
		cf, _ := asyncio.NewConcurrentFuture[string](ctx)
		go func() {
			time.Sleep(time.Millisecond)
			_ = cf.SetResult("from a goroutine")
		}()
		fut, err := asyncio.WrapFuture(loop, cf)
		if err != nil {
			return err
		}
		if v, err := fut.Await(ctx); v != "from a goroutine" || err != nil {
			t.Errorf("Await = %q, %v", v, err)
		}
		failed, _ := asyncio.NewConcurrentFuture[string](ctx)
		boom := errors.New("boom")
		_ = failed.SetException(boom)
		if fut, err = asyncio.WrapFuture(loop, failed); err != nil {
			return err
		}
		if _, err := fut.Await(ctx); err != boom {
			t.Errorf("Await of a failed future = %v, want boom", err)
		}
		return nil
	})
}

// TestWrapFutureCancelCancelsTheProducer: cancelling the loop future
// cancels the producer's ctx, with the cancellation as its cause.
func TestWrapFutureCancelCancelsTheProducer(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		loop, _ := asyncio.GetRunningLoop(ctx)
		cf, pctx := asyncio.NewConcurrentFuture[int](context.Background())
		causes := make(chan error, 1)
		go func() {
			<-pctx.Done()
			causes <- context.Cause(pctx)
			if err := cf.SetResult(1); !errors.Is(err, asyncio.ErrInvalidState) {
				t.Errorf("SetResult on the cancelled future = %v, want ErrInvalidState", err)
			}
		}()
		fut, err := asyncio.WrapFuture(loop, cf)
		if err != nil {
			return err
		}
		fut.CancelWithMessage("no more")
		if _, err := fut.Await(ctx); !syCancelled(err) {
			t.Errorf("Await of the cancelled future = %v", err)
		}
		var ce *asyncio.CancelledError
		if _, _, err := asyncio.Recv(ctx, causes); err != nil {
			return err
		}
		if cause := context.Cause(pctx); !errors.As(cause, &ce) || ce.Message != "no more" || !cf.Cancelled() {
			t.Errorf("the producer's cause = %v (cancelled %t), want the cancellation with message no more", cause, cf.Cancelled())
		}
		return nil
	})
}

// TestWrapFutureOfAFinishedProducerKeepsItsResult: a producer done before
// the loop future is cancelled keeps its result.
func TestWrapFutureOfAFinishedProducerKeepsItsResult(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		loop, _ := asyncio.GetRunningLoop(ctx)
		cf, pctx := asyncio.NewConcurrentFuture[int](context.Background())
		_ = cf.SetResult(5)
		fut, err := asyncio.WrapFuture(loop, cf)
		if err != nil {
			return err
		}
		fut.Cancel() // before the result reaches the loop
		if _, err := fut.Await(ctx); !syCancelled(err) {
			t.Errorf("Await = %v, want the cancellation", err)
		}
		if v, err := cf.Result(context.Background()); v != 5 || err != nil || cf.Cancelled() {
			t.Errorf("the producer's future = %d, %v (cancelled %t); want 5", v, err, cf.Cancelled())
		}
		if cause := context.Cause(pctx); syCancelled(cause) && errors.As(cause, new(*asyncio.CancelledError)) {
			t.Errorf("the finished producer's ctx has cause %v, want no cancellation", cause)
		}
		return nil
	})
}

// TestWrapFutureOfACoroutineOnAnotherLoop: a coroutine run on one loop is
// awaited from another.
func TestWrapFutureOfACoroutineOnAnotherLoop(t *testing.T) {
	other := make(chan *asyncio.EventLoop)
	stop := make(chan struct{})
	finished := make(chan error)
	go func() {
		finished <- asyncio.Run(func(ctx context.Context) error {
			loop, _ := asyncio.GetRunningLoop(ctx)
			if err := asyncio.Send(ctx, other, loop); err != nil {
				return err
			}
			_, _, err := asyncio.Recv(ctx, stop)
			return err
		})
	}()
	b := <-other
	// Plain Run, not asynciotest.Run: loop b's workers live on past this
	// loop, which asynciotest.Run's leak check would report.
	err := asyncio.Run(func(ctx context.Context) error {
		a, _ := asyncio.GetRunningLoop(ctx)
		cf, err := asyncio.RunCoroutineThreadsafe(add(20, 22), b)
		if err != nil {
			return err
		}
		fut, err := asyncio.WrapFuture(a, cf)
		if err != nil {
			return err
		}
		if v, err := fut.Await(ctx); v != 42 || err != nil {
			t.Errorf("the other loop's coroutine = %d, %v; want 42", v, err)
		}
		// A cancelled ConcurrentFuture cancels the Future that wraps it.
		cf, err = asyncio.RunCoroutineThreadsafe(func(ctx context.Context) (int, error) {
			return 0, asyncio.Sleep(ctx, time.Hour)
		}, b)
		if err != nil {
			return err
		}
		if fut, err = asyncio.WrapFuture(a, cf); err != nil {
			return err
		}
		cf.Cancel()
		if _, err := fut.Await(ctx); !syCancelled(err) || !fut.Cancelled() {
			t.Errorf("the wrapper of a cancelled future = %v (cancelled %t), want cancelled", err, fut.Cancelled())
		}
		return nil
	}, asyncio.WithVirtualClock())
	if err != nil {
		t.Error(err)
	}
	close(stop)
	if err := <-finished; err != nil {
		t.Fatal(err)
	}
}
