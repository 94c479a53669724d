package asyncio

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"time"
)

// ErrExecutorShutdown reports work handed to an executor that was shut down:
// asyncio's "cannot schedule new futures after shutdown".
var ErrExecutorShutdown = errors.New("asyncio: executor is shut down")

// An Executor runs functions on goroutines other than a loop's: asyncio's
// concurrent.futures.Executor. [ToThread] and [RunInExecutor] hand their
// work to one; [NewBoundedExecutor] makes the kind every loop uses by
// default.
//
// Submit must not block for long: a loop calls it from its own goroutine.
// Both methods must be safe to call from any goroutine. A nil Executor,
// where [RunInExecutor] takes one, stands for the loop's default executor.
type Executor interface {
	// Submit arranges for fn to run once, on a goroutine of the
	// executor's, and returns nil; or it returns an error (matching
	// ErrExecutorShutdown once the executor is shut down) and never
	// runs fn.
	Submit(fn func()) error
	// Shutdown makes every later Submit fail and waits until the
	// functions already submitted have returned, or until ctx is done,
	// when it returns ctx's error; a ctx done already asks it not to
	// wait. The functions still run either way.
	Shutdown(ctx context.Context) error
}

// A BoundedExecutor runs the functions submitted to it on at most n
// goroutines, started as work arrives and kept until Shutdown: asyncio's
// ThreadPoolExecutor(max_workers=n). Work beyond n waits in a FIFO queue of
// unbounded length, so Submit never blocks.
//
// Its methods may be called from any goroutine. A panic in a submitted
// function is not recovered, as a panic in a go statement's function is not;
// [ToThread] and [RunInExecutor] recover theirs. The zero BoundedExecutor is not
// usable: make one with [NewBoundedExecutor].
type BoundedExecutor struct {
	mu      sync.Mutex
	work    sync.Cond // signalled, with mu, when queue gains a function or shut is set
	queue   []func()  // FIFO from head
	head    int
	max     int
	workers int  // goroutines started and not yet exited
	idle    int  // workers waiting in work.Wait and not yet signalled
	shut    bool // set once by Shutdown
	exited  chan struct{}
	closed  bool // exited is closed
}

// NewBoundedExecutor returns an executor that runs at most n functions at a
// time. It panics if n < 1.
func NewBoundedExecutor(n int) *BoundedExecutor {
	if n < 1 {
		panic("asyncio: NewBoundedExecutor: size must be at least 1")
	}
	e := &BoundedExecutor{max: n, exited: make(chan struct{})}
	e.work.L = &e.mu
	return e
}

// defaultExecutorSize is asyncio's default for ThreadPoolExecutor: blocking
// work waits more than it computes, so a few more than the processors.
func defaultExecutorSize() int { return min(32, runtime.NumCPU()+4) }

// Size returns the most functions e runs at a time.
func (e *BoundedExecutor) Size() int { return e.max }

// Submit queues fn to run on one of e's goroutines, starting a goroutine if
// none is waiting and fewer than Size run. It returns ErrExecutorShutdown,
// and never runs fn, once Shutdown was called. Submit panics if fn is nil.
func (e *BoundedExecutor) Submit(fn func()) error {
	if fn == nil {
		panic("asyncio: BoundedExecutor.Submit: nil function")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.shut {
		return ErrExecutorShutdown
	}
	e.queue = append(e.queue, fn)
	switch {
	case e.idle > 0:
		// Counted here rather than by the worker it wakes: a second Submit
		// before that worker runs must wake, or start, another.
		e.idle--
		e.work.Signal()
	case e.workers < e.max:
		e.workers++
		go e.worker()
	}
	return nil
}

func (e *BoundedExecutor) worker() {
	e.mu.Lock()
	for {
		for e.head == len(e.queue) && !e.shut {
			e.idle++
			e.work.Wait()
		}
		if e.head == len(e.queue) { // shut down and drained
			e.workers--
			if e.workers == 0 && !e.closed {
				e.closed = true
				close(e.exited)
			}
			e.mu.Unlock()
			return
		}
		fn := e.queue[e.head]
		e.queue[e.head] = nil
		e.head++
		if e.head == len(e.queue) {
			e.queue, e.head = e.queue[:0], 0
		}
		e.mu.Unlock()
		fn()
		e.mu.Lock()
	}
}

// Shutdown makes later Submits fail and waits until every function
// submitted has returned and e's goroutines have exited, or until ctx is
// done, when it returns ctx's error. Functions already queued still run.
// Shutdown may be called more than once, from any goroutine; each call
// waits as the first does.
func (e *BoundedExecutor) Shutdown(ctx context.Context) error {
	e.mu.Lock()
	e.shut = true
	e.idle = 0
	e.work.Broadcast()
	if e.workers == 0 && !e.closed {
		e.closed = true
		close(e.exited)
	}
	e.mu.Unlock()
	select {
	case <-e.exited:
		return nil
	default:
	}
	select {
	case <-e.exited:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// WithDefaultExecutorSize makes the loop's default executor, the one
// [ToThread] and [RunInExecutor] with a nil [Executor] use, a [BoundedExecutor]
// of n goroutines. Without it the size is min(32, runtime.NumCPU()+4), as
// asyncio's is. It panics if n < 1.
func WithDefaultExecutorSize(n int) Option {
	if n < 1 {
		panic("asyncio: WithDefaultExecutorSize: size must be at least 1")
	}
	return func(l *EventLoop) { l.exec.size = n }
}

// executorState is a loop's default executor (loop goroutine only).
type executorState struct {
	e        Executor // made on first use, or set by SetDefaultExecutor
	size     int      // for the one made on first use; 0 for the default size
	shutdown bool     // ShutdownDefaultExecutor was called: no new work
	spare    any      // a *job[T] that ToThread finished with, for the next one (see job)
}

// defaultExecutor returns l's default executor, making it on first use.
func (l *EventLoop) defaultExecutor() (Executor, error) {
	x := &l.exec
	if x.shutdown {
		return nil, &misuseError{text: "asyncio: the loop's default executor is shut down", kind: ErrExecutorShutdown}
	}
	if x.e == nil {
		n := x.size
		if n == 0 {
			n = defaultExecutorSize()
		}
		x.e = NewBoundedExecutor(n)
	}
	return x.e, nil
}

// SetDefaultExecutor makes e the executor that [ToThread] and [RunInExecutor]
// with a nil [Executor] use from now on, and that Run shuts down at its end;
// nil brings back a [BoundedExecutor] of the default size, made on next use.
// The executor it replaces is not shut down. It returns ErrLoopClosed on a
// closed loop and ErrWrongGoroutine off the loop's goroutine.
func (l *EventLoop) SetDefaultExecutor(e Executor) error {
	if err := l.check(); err != nil {
		return err
	}
	l.exec.e = e
	return nil
}

// ShutdownDefaultExecutor shuts the loop's default executor down and
// waits, suspending the calling coroutine, until the functions it was given
// have returned: asyncio's loop.shutdown_default_executor. From then on,
// [ToThread] and [RunInExecutor] with a nil [Executor] fail with an error matching
// [ErrExecutorShutdown]. Run and [Runner.Close] call it before closing the
// loop. An executor never used has nothing to wait for.
//
// # Cancellation
//
// If the task is cancelled, or ctx (derived from the task's) is done, while
// ShutdownDefaultExecutor waits, it returns that error at once; the executor
// stays shut down and its functions run on.
//
// It must be called from a coroutine of l: it returns [ErrNotInCoroutine]
// where ctx's coroutine is not the caller, and an error matching
// ErrWrongLoop for a coroutine of another loop.
func (l *EventLoop) ShutdownDefaultExecutor(ctx context.Context) error {
	t, err := runningTask(ctx)
	if err != nil {
		return err
	}
	if t.fut.loop != l {
		return wrongLoop("ShutdownDefaultExecutor: the loop")
	}
	l.exec.shutdown = true
	e := l.exec.e
	if e == nil {
		return nil
	}
	sctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	defer stop()
	// The wait runs on a goroutine of its own, not the executor's, which it
	// waits for.
	serr, err := goAwait(ctx, t, "ShutdownDefaultExecutor", nil, stop, func() error { return e.Shutdown(sctx) })
	if err != nil {
		return err
	}
	return serr
}

// closeDefaultExecutor shuts the default executor down without waiting,
// as asyncio's loop.close does: the functions it was given run on.
func (l *EventLoop) closeDefaultExecutor() {
	x := &l.exec
	e, shutAlready := x.e, x.shutdown
	x.e, x.shutdown = nil, true
	if e != nil && !shutAlready {
		done, cancel := context.WithCancel(context.Background())
		cancel()
		_ = e.Shutdown(done)
	}
}

// executorJoinTimeout bounds how long Run waits for the default executor's
// functions, as asyncio.run does (its THREAD_JOIN_TIMEOUT): a function that
// ignores its ctx and never returns must not keep the program from ending.
const executorJoinTimeout = 5 * time.Minute

// shutdownExecutorAtExit runs the loop until its default executor is shut
// down, for Runner.Close; running the loop meanwhile lets the executor's
// functions still reach it (RunCoroutineThreadsafe) as they end.
func (l *EventLoop) shutdownExecutorAtExit() error {
	if err := l.claim(); err != nil {
		return err
	}
	defer l.release()
	if l.exec.e == nil {
		l.exec.shutdown = true
		return nil
	}
	t := l.CreateTask(func(ctx context.Context) error {
		ctx, cancel := context.WithTimeout(ctx, executorJoinTimeout)
		defer cancel()
		err := l.ShutdownDefaultExecutor(ctx)
		if errors.Is(err, context.DeadlineExceeded) {
			l.handle(ExceptionContext{
				Message: "the default executor did not finish its functions within " + executorJoinTimeout.String(),
				Err:     err,
			})
			return nil
		}
		return err
	})
	return l.runClaimed(t.awaitable())
}
