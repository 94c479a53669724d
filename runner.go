package asyncio

import (
	"context"
	"errors"
	"sync"
)

// ErrRunnerClosed reports a [Runner] used after Close.
var ErrRunnerClosed = errors.New("asyncio: runner is closed")

// Run runs main as a task on a new event loop and returns its error:
// asyncio.run. When main returns, Run cancels the tasks still pending, waits
// for them to finish (reporting their errors other than cancellation to the
// exception handler), shuts the default executor down, waiting for the
// functions it runs, and closes the loop. While main runs, the first
// SIGINT (Ctrl-C) cancels it, and Run then returns an error matching
// [ErrInterrupted]; a second SIGINT ends the process (see
// [WithSignalHandling]).
//
// Run returns [ErrAnotherLoopRunning] when called from a goroutine that runs a
// loop or from inside a coroutine. It panics if main is nil.
func Run(main func(ctx context.Context) error, opts ...Option) error {
	if main == nil {
		panic("asyncio: Run: nil coroutine")
	}
	_, err := RunValue(func(ctx context.Context) (struct{}, error) { return struct{}{}, main(ctx) }, opts...)
	return err
}

// RunValue behaves like Run for a coroutine with a result, which it returns.
func RunValue[T any](main Coroutine[T], opts ...Option) (v T, err error) {
	if main == nil {
		panic("asyncio: RunValue: nil coroutine")
	}
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
//
// A Runner may be used from any goroutine, one Run at a time: a Run or Close
// while another Run is in progress returns ErrLoopRunning. The zero Runner is
// ready to use, with no options.
type Runner struct {
	mu     sync.Mutex // guards loop, closed and busy
	opts   []Option
	loop   *EventLoop
	closed bool
	busy   bool // a Run or Close is in progress
}

// NewRunner returns a [Runner] whose loop will be made with opts.
func NewRunner(opts ...Option) *Runner { return &Runner{opts: opts} }

// Loop returns the runner's loop, creating it if needed, or ErrRunnerClosed.
func (r *Runner) Loop() (*EventLoop, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.loopLocked()
}

func (r *Runner) loopLocked() (*EventLoop, error) {
	if r.closed {
		return nil, ErrRunnerClosed
	}
	if r.loop == nil {
		r.loop = NewEventLoop(r.opts...)
	}
	return r.loop, nil
}

// begin marks the runner busy and returns its loop, for Run; closing also
// marks it closed, for Close.
func (r *Runner) begin(closing bool) (*EventLoop, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.busy {
		return nil, ErrLoopRunning
	}
	if closing {
		if r.closed {
			return nil, errRunnerDone
		}
		r.closed = true
		r.busy = r.loop != nil
		return r.loop, nil
	}
	l, err := r.loopLocked()
	if err == nil {
		r.busy = true
	}
	return l, err
}

func (r *Runner) end() {
	r.mu.Lock()
	r.busy = false
	r.mu.Unlock()
}

// errRunnerDone tells Close that an earlier Close did the work.
var errRunnerDone = errors.New("asyncio: runner already closed")

// Run runs main as a task on the runner's loop until it returns, and returns
// its error. Tasks main leaves pending stay pending until the next Run or
// Close. SIGINT is handled while main runs, as by [Run]. Run returns [ErrRunnerClosed] after Close, and [ErrAnotherLoopRunning]
// when called from a goroutine that runs a loop or from inside a coroutine.
func (r *Runner) Run(main func(ctx context.Context) error) error {
	if main == nil {
		panic("asyncio: Runner.Run: nil coroutine")
	}
	if inRunningLoop() {
		return ErrAnotherLoopRunning
	}
	l, err := r.begin(false)
	if err != nil {
		return err
	}
	defer r.end()
	return l.runMain(main)
}

// Close cancels the tasks still pending on the runner's loop, waits for them,
// shuts the loop's default executor down, waiting for the functions it was
// given (see [EventLoop.ShutdownDefaultExecutor]), and closes the loop, as
// Run does at its end. Errors the cancelled tasks end
// with, other than cancellation, go to the exception handler. Closing a closed
// Runner does nothing.
func (r *Runner) Close() error {
	if inRunningLoop() {
		return ErrAnotherLoopRunning
	}
	l, err := r.begin(true)
	if err == errRunnerDone || (err == nil && l == nil) {
		return nil
	}
	if err != nil {
		return err
	}
	defer r.end()
	err = l.cancelAllTasks()
	if serr := l.shutdownExecutorAtExit(); err == nil {
		err = serr
	}
	if cerr := l.Close(); err == nil {
		err = cerr
	}
	return err
}

// runMain runs main as a new task until it is done, creating the task only
// once the loop is claimed, so that whichever goroutine runs the Runner owns
// the loop for the whole of it.
func (l *EventLoop) runMain(main func(context.Context) error) error {
	if err := l.claim(); err != nil {
		return err
	}
	var t *Task[struct{}]
	returned := false
	defer func() {
		// A coroutine's runtime.Goexit (t.Fatal) unwinds this goroutine, and
		// release ends the main task with errGoexit: the caller is gone, and
		// the test already failed, so nobody is left to retrieve it and it is
		// not reported as never retrieved.
		if !returned && t != nil && t.Done() {
			t.task.fut.markRetrieved()
		}
	}()
	defer l.release()
	t = l.Go(main)
	intr := l.catchInterrupt(t)
	defer intr.end() // also when a coroutine's runtime.Goexit unwinds Run
	err := l.runClaimed(t.awaitable())
	returned = true
	return intr.result(err)
}

// cancelAllTasks cancels the pending tasks and runs the loop until they end.
func (l *EventLoop) cancelAllTasks() error {
	if err := l.claim(); err != nil {
		return err
	}
	defer l.release()
	pending := l.tasks.all()
	if len(pending) == 0 {
		return nil
	}
	children := make(awaitedList, len(pending))
	g := &gathering{fut: futureCore{loop: l}, children: children, collectErrors: true}
	for i, t := range pending {
		t.Cancel()
		children[i] = t.awaitable()
		t.awaitable().core().addCallback(g)
	}
	if err := l.runClaimed(g); err != nil {
		return err
	}
	for _, t := range pending {
		if err := t.Exception(); err != nil && !t.Cancelled() {
			l.handle(ExceptionContext{
				Message: "unhandled exception during asyncio.run() shutdown",
				Err:     err,
				Future:  t,
				Task:    t,
			})
		}
	}
	return nil
}
