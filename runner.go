package asyncio

import (
	"context"
	"errors"
)

// ErrRunnerClosed reports a Runner used after Close.
var ErrRunnerClosed = errors.New("asyncio: runner is closed")

// Run runs main as a task on a new event loop and returns its error:
// asyncio.run. When main returns, Run cancels the tasks still pending, waits
// for them to finish (reporting their errors other than cancellation to the
// exception handler), and closes the loop.
//
// Run returns ErrAnotherLoopRunning when called from a goroutine that runs a
// loop or from inside a coroutine.
func Run(main func(ctx context.Context) error, opts ...Option) error {
	_, err := RunValue(func(ctx context.Context) (struct{}, error) { return struct{}{}, main(ctx) }, opts...)
	return err
}

// RunValue behaves like Run for a coroutine with a result, which it returns.
func RunValue[T any](main Coroutine[T], opts ...Option) (v T, err error) {
	r := NewRunner(opts...)
	defer func() { // deferred, so that a coroutine's runtime.Goexit (t.Fatal) still closes the loop
		if cerr := r.Close(); err == nil {
			err = cerr
		}
	}()
	err = r.Run(func(ctx context.Context) error {
		var err error
		v, err = main(ctx)
		return err
	})
	return v, err
}

// A Runner runs several top-level coroutines, one after another, on one event
// loop, which it creates on first use: asyncio.Runner. Use it where Run's new
// loop per call is too costly or loop state must carry over; Close it when
// done.
type Runner struct {
	opts   []Option
	loop   *EventLoop
	closed bool
}

// NewRunner returns a Runner whose loop will be made with opts.
func NewRunner(opts ...Option) *Runner { return &Runner{opts: opts} }

// Loop returns the runner's loop, creating it if needed, or ErrRunnerClosed.
func (r *Runner) Loop() (*EventLoop, error) {
	if r.closed {
		return nil, ErrRunnerClosed
	}
	if r.loop == nil {
		r.loop = NewEventLoop(r.opts...)
	}
	return r.loop, nil
}

// Run runs main as a task on the runner's loop until it returns, and returns
// its error. Tasks main leaves pending stay pending until the next Run or
// Close. Run returns ErrRunnerClosed after Close, and ErrAnotherLoopRunning
// when called from a goroutine that runs a loop or from inside a coroutine.
func (r *Runner) Run(main func(ctx context.Context) error) error {
	if inRunningLoop() {
		return ErrAnotherLoopRunning
	}
	l, err := r.Loop()
	if err != nil {
		return err
	}
	return l.RunUntilComplete(l.CreateTask(main))
}

// Close cancels the tasks still pending on the runner's loop, waits for them
// and closes the loop, as Run does at its end. Errors the cancelled tasks end
// with, other than cancellation, go to the exception handler. Closing a closed
// Runner does nothing.
func (r *Runner) Close() error {
	if r.closed {
		return nil
	}
	if inRunningLoop() {
		return ErrAnotherLoopRunning
	}
	r.closed = true
	if r.loop == nil {
		return nil
	}
	err := r.loop.cancelAllTasks()
	if cerr := r.loop.Close(); err == nil {
		err = cerr
	}
	return err
}

// cancelAllTasks cancels the pending tasks and runs the loop until they end.
func (l *EventLoop) cancelAllTasks() error {
	pending := l.tasks.all()
	if len(pending) == 0 {
		return nil
	}
	g := &gathering{fut: futureCore{loop: l}, children: make([]awaited, len(pending)), collectErrors: true}
	for i, t := range pending {
		t.Cancel()
		g.children[i] = t.awaitable()
		t.awaitable().core().addCallback(g)
	}
	if err := l.runUntil(g); err != nil {
		return err
	}
	for _, t := range pending {
		if err := t.Exception(); err != nil && !t.Cancelled() {
			l.CallExceptionHandler(ExceptionContext{
				Message: "unhandled exception during asyncio.run() shutdown",
				Err:     err,
				Future:  t,
				Task:    t,
			})
		}
	}
	return nil
}
