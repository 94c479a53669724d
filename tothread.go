package asyncio

import (
	"context"
	"sync/atomic"
	"time"
)

// ToThread runs fn on a goroutine of the loop's default executor and
// suspends the calling coroutine, not the loop, until fn returns; it returns
// what fn returned: asyncio.to_thread. Use it for blocking Go code: a system
// call, net/http, database/sql, os/exec, a library without context support.
// fn must not use the loop: it runs outside it. A panic in fn is returned as
// a [*PanicError], which keeps the panic value and fn's stack. While fn runs,
// the loop's virtual clock, if it has one, follows real time instead of
// jumping (see [WithVirtualClock]).
//
// The ctx fn receives carries ctx's values. The default executor is a
// [BoundedExecutor] (see [WithDefaultExecutorSize] and
// [EventLoop.SetDefaultExecutor]): calls beyond its size wait their turn,
// without blocking the loop.
//
// # Cancellation
//
// When the task is cancelled while fn runs, or ctx (derived from the
// task's: context.WithTimeout...) is done, ToThread returns at once with the
// [*CancelledError] (or ctx's error), and cancels fn's ctx with that error as
// its cause (context.Cause), so that ctx-aware calls inside fn stop. fn runs
// on until it returns, and its result is then dropped: if it returns
// something to release (a connection, a file), fn should release it itself
// when its ctx is done. A cancellation that arrives while fn's result is on
// its way to the loop drops the result too, as asyncio's does.
//
// ToThread returns [ErrNotInCoroutine], without running fn, where ctx's
// coroutine is not the caller, and an error matching [ErrExecutorShutdown]
// once the default executor is shut down. It panics if fn is nil.
func ToThread[T any](ctx context.Context, fn func(ctx context.Context) (T, error)) (T, error) {
	if fn == nil {
		panic("asyncio: ToThread: nil function")
	}
	var zero T
	t, err := runningTask(ctx)
	if err != nil {
		return zero, err
	}
	l := t.fut.loop
	j, err := runInExecutor(l, ctx, nil, fn)
	if err != nil {
		return zero, err
	}
	v, err := j.fut.Await(ctx)
	if err != nil {
		// The await has cancelled the future, or the loop is closing: fn's
		// ctx is cancelled with the await's own error, and the outcome
		// dropped.
		j.abandon(err)
		return v, err
	}
	l.exec.spare = j.recycle()
	return v, nil
}

// RunInExecutor runs fn on a goroutine of executor e, or of the loop's
// default executor when e is nil, and returns a [Future] of l that fn's
// outcome completes: asyncio's loop.run_in_executor. fn receives a ctx that
// is cancelled, with the cancellation as its cause, when the Future is
// cancelled (a coroutine awaiting it is cancelled, or any caller cancels
// it); its result is then dropped. A panic in fn fails the Future with a
// [*PanicError]. A failure no one retrieves is reported as "Future exception
// was never retrieved".
//
// While fn runs, the loop's virtual clock follows real time (see
// [WithVirtualClock]). If l closes before fn returns, fn runs on, and its
// outcome is dropped without any callback into the closed loop.
//
// RunInExecutor returns [ErrLoopClosed] on a closed loop, [ErrWrongGoroutine]
// off l's goroutine, an error matching [ErrExecutorShutdown] when the
// executor is shut down, and any other error e.Submit returns; fn then never
// runs. It panics if fn is nil.
func RunInExecutor[T any](l *EventLoop, e Executor, fn func(ctx context.Context) (T, error)) (*Future[T], error) {
	if fn == nil {
		panic("asyncio: RunInExecutor: nil function")
	}
	j, err := runInExecutor(l, context.Background(), e, fn)
	if err != nil {
		return nil, err
	}
	j.watchCancel()
	return &j.fut, nil
}

func runInExecutor[T any](l *EventLoop, parent context.Context, e Executor, fn func(context.Context) (T, error)) (*job[T], error) {
	if err := l.check(); err != nil {
		return nil, err
	}
	if e == nil {
		var err error
		if e, err = l.defaultExecutor(); err != nil {
			return nil, err
		}
	}
	j, ok := l.exec.spare.(*job[T])
	if ok {
		l.exec.spare = nil
	} else {
		j = new(job[T])
		j.run = j.work
	}
	j.fn = fn
	j.ctx = &jobCtx{parent: parent}
	j.init(l, j.ctx)
	if err := e.Submit(j.run); err != nil {
		j.abandon(err)
		return nil, err
	}
	return j, nil
}

// A job is one function run on an executor for a loop Future: the delivery
// of its outcome, with the Future, in one allocation, and fn's ctx.
//
// A ToThread whose job delivered its result reuses the job for its loop's
// next ToThread of the same type (EventLoop.exec.spare): by then nothing
// else refers to it. The executor's goroutine touches the job last when it
// posts the outcome, which happens before the loop runs the delivery, and
// the Future was only ever the awaiting coroutine's. fn's ctx, which fn may
// keep, is never reused; RunInExecutor's jobs, whose Future is the
// caller's, are not either.
type job[T any] struct {
	delivery[T]
	ctx *jobCtx
	fn  func(context.Context) (T, error)
	run func() // work, bound once for the job's lifetime
}

// work runs on the executor's goroutine.
func (j *job[T]) work() {
	v, err := callGuarded(j.ctx, j.fn)
	j.deliver(v, err, false)
}

// recycle clears j for reuse and returns it.
func (j *job[T]) recycle() *job[T] {
	run := j.run
	*j = job[T]{run: run}
	return j
}

// callGuarded calls fn, turning a panic into a *PanicError.
func callGuarded[T any](ctx context.Context, fn func(context.Context) (T, error)) (v T, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = newPanicError(p)
		}
	}()
	return fn(ctx)
}

// jobCtx is the ctx an executor function receives: the caller's values,
// none of its cancellation, and done when the job is abandoned, with the
// cancellation as its error. Its Err is that cause itself, as a task ctx's
// is (a *CancelledError, which matches context.Canceled, or a derived ctx's
// error), so that context.Cause, which falls back to Err for a ctx of
// another package, reports it. It is context.WithCancelCause over
// context.WithoutCancel in one small allocation and without their lock, and it
// offers AfterFunc, as a task ctx does, so ctxs derived from it inside the
// function need no goroutine to follow it.
type jobCtx struct {
	parent context.Context          // the caller's ctx, for its values
	st     atomic.Pointer[ctxState] // made on first need: most functions never ask
}

func (c *jobCtx) state() *ctxState {
	if s := c.st.Load(); s != nil {
		return s
	}
	c.st.CompareAndSwap(nil, &ctxState{})
	return c.st.Load()
}

func (c *jobCtx) Deadline() (time.Time, bool) { return time.Time{}, false }
func (c *jobCtx) Done() <-chan struct{}       { return c.state().doneChan() }

func (c *jobCtx) Err() error {
	if s := c.st.Load(); s != nil {
		return s.getErr()
	}
	return nil
}

// Value looks key up through context.WithoutCancel, which hides the
// parent's own cancellation cause from context.Cause; made per call, not
// per job, since most functions never ask.
func (c *jobCtx) Value(key any) any { return context.WithoutCancel(c.parent).Value(key) }

func (c *jobCtx) AfterFunc(f func()) (stop func() bool) { return c.state().afterFunc(f) }
func (c *jobCtx) stop(cause error)                      { c.state().set(cause) }
func (c *jobCtx) String() string                        { return "asyncio.ToThread's ctx" }
