package asyncio

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// A ConcurrentFuture is a result of type T, or an error, that goroutines
// wait for: asyncio's concurrent.futures.Future. [RunCoroutineThreadsafe]
// returns one for a coroutine it runs on a loop; [NewConcurrentFuture]
// makes one for a result a goroutine of yours produces, and [WrapFuture]
// turns either into a loop [Future] that coroutines await.
//
// Unlike a [Future], it belongs to no loop and every method may be called
// from any goroutine. Its Done is a channel, Go's way to wait on a
// goroutine's side (in select, with a ctx); a loop Future's Done is a bool,
// as asyncio's done() is.
//
// The zero ConcurrentFuture is not usable: it is made by
// [NewConcurrentFuture] or [RunCoroutineThreadsafe].
type ConcurrentFuture[T any] struct {
	mu        sync.Mutex
	done      chan struct{} // closed once state is no longer pending
	state     futureState
	v         T
	err       error
	onCancel  func(*CancelledError)   // stops the producer; run once, by the first Cancel
	producer  context.CancelCauseFunc // NewConcurrentFuture's ctx, cancelled once f is done
	callbacks []func()                // run once, when the future is done (WrapFuture)
	loop      *EventLoop              // the loop whose task produces the result, or nil
}

func newConcurrentFuture[T any]() *ConcurrentFuture[T] {
	return &ConcurrentFuture[T]{done: make(chan struct{})}
}

// NewConcurrentFuture returns a pending [ConcurrentFuture] for a result that
// the caller's goroutines produce, and the ctx they should produce it with:
// a ctx derived from ctx that is cancelled when the future is cancelled
// (then with its [*CancelledError] as the cause, see context.Cause) or
// completed. Complete the future with SetResult or SetException.
func NewConcurrentFuture[T any](ctx context.Context) (*ConcurrentFuture[T], context.Context) {
	pctx, cancel := context.WithCancelCause(ctx)
	f := newConcurrentFuture[T]()
	f.producer = cancel
	return f, pctx
}

// complete moves f from pending to state with v and err, and reports whether
// it did; the callbacks run after, outside the lock.
func (f *ConcurrentFuture[T]) complete(state futureState, v T, err error) bool {
	f.mu.Lock()
	if f.state != statePending {
		f.mu.Unlock()
		return false
	}
	f.state, f.v, f.err = state, v, err
	cbs := f.callbacks
	f.callbacks = nil
	close(f.done)
	f.mu.Unlock()
	if f.producer != nil {
		if state == stateCancelled {
			f.producer(err) // the cause the producer sees
		} else {
			f.producer(nil) // the result is in: release the ctx
		}
	}
	for _, cb := range cbs {
		cb()
	}
	return true
}

// SetResult completes f with v. It returns an error matching
// [ErrInvalidState] if f is already done (cancelled, say), and then changes
// nothing.
func (f *ConcurrentFuture[T]) SetResult(v T) error {
	if !f.complete(stateFinished, v, nil) {
		return invalidState("concurrent future is already done")
	}
	return nil
}

// SetException completes f with err, as SetResult does. It panics if err is
// nil.
func (f *ConcurrentFuture[T]) SetException(err error) error {
	if err == nil {
		panic("asyncio: ConcurrentFuture.SetException: nil error")
	}
	var zero T
	if !f.complete(stateFinished, zero, err) {
		return invalidState("concurrent future is already done")
	}
	return nil
}

// Done returns a channel that is closed once f has a result, an error, or
// was cancelled.
func (f *ConcurrentFuture[T]) Done() <-chan struct{} { return f.done }

// Cancelled reports whether f was cancelled.
func (f *ConcurrentFuture[T]) Cancelled() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.state == stateCancelled
}

// Cancel cancels f if it is pending, and reports whether it did: false if f
// is already done, whose result then stands. A cancelled f is done at once,
// its Result a [*CancelledError], and its producer is asked to stop: the task
// of [RunCoroutineThreadsafe] is cancelled on its loop, the ctx of
// [NewConcurrentFuture] is cancelled. Cancel does not wait for the producer.
func (f *ConcurrentFuture[T]) Cancel() bool { return f.CancelWithMessage("") }

// CancelWithMessage is Cancel with a message that the [CancelledError]
// carries.
func (f *ConcurrentFuture[T]) CancelWithMessage(msg string) bool {
	return f.cancel(&CancelledError{Message: msg})
}

// stop cancels f for a Future that WrapFuture made of it and that was
// cancelled (or whose await was interrupted) with cause.
func (f *ConcurrentFuture[T]) stop(cause error) {
	var ce *CancelledError
	if !errors.As(cause, &ce) {
		ce = &CancelledError{Message: cause.Error()}
	}
	f.cancel(ce)
}

func (f *ConcurrentFuture[T]) cancel(ce *CancelledError) bool {
	var zero T
	if !f.complete(stateCancelled, zero, ce) {
		return false
	}
	if f.onCancel != nil {
		f.onCancel(ce)
	}
	return true
}

// Result waits until f is done and returns its result, or the error it
// completed with: the coroutine's error, a [*CancelledError] if f or its task
// was cancelled, an error matching ErrLoopClosed if the loop closed before
// the coroutine finished. If ctx is done first, Result returns ctx's error
// (context.DeadlineExceeded for a context.WithTimeout: asyncio's result(timeout)
// raising TimeoutError), and f is left as it is.
//
// Waiting would block the goroutine of an event loop, and for ever if f's
// result comes from that loop: called on a loop's goroutine or from a
// coroutine while f is pending, Result returns an error matching
// [ErrWrongGoroutine] at once. Await it there through [WrapFuture].
func (f *ConcurrentFuture[T]) Result(ctx context.Context) (T, error) {
	select {
	case <-f.done:
		return f.v, f.err
	default:
	}
	if inRunningLoop() {
		var zero T
		return zero, &misuseError{
			text: "asyncio: ConcurrentFuture.Result would block an event loop's goroutine: await it through WrapFuture",
			kind: ErrWrongGoroutine,
		}
	}
	select {
	case <-f.done:
		return f.v, f.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}

// onDone runs fn once f is done: at once, on the caller's goroutine, if it
// is; otherwise on the goroutine that completes f.
func (f *ConcurrentFuture[T]) onDone(fn func()) {
	f.mu.Lock()
	if f.state == statePending {
		f.callbacks = append(f.callbacks, fn)
		f.mu.Unlock()
		return
	}
	f.mu.Unlock()
	fn()
}

// loopClosed fails f when its loop closes before its task could finish.
func (f *ConcurrentFuture[T]) loopClosed() {
	var zero T
	f.complete(stateFinished, zero, errClosedUnderFuture)
}

var errClosedUnderFuture = &misuseError{
	text: "asyncio: the event loop closed before the coroutine finished",
	kind: ErrLoopClosed,
}

func (f *ConcurrentFuture[T]) String() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case f.state == statePending:
		return "<ConcurrentFuture pending>"
	case f.state == stateCancelled:
		return "<ConcurrentFuture cancelled>"
	case f.err != nil:
		return fmt.Sprintf("<ConcurrentFuture finished exception=%q>", f.err.Error())
	}
	return fmt.Sprintf("<ConcurrentFuture finished result=%v>", f.v)
}

// RunCoroutineThreadsafe submits coro to run as a task on loop, from any
// goroutine, and returns a [ConcurrentFuture] that the task's outcome
// completes: asyncio.run_coroutine_threadsafe. The task is created in a
// later iteration of loop; a loop that is stopped creates it when it next
// runs. The calling goroutine waits with the future's Result (with a ctx,
// for a timeout) or its Done channel.
//
// Cancelling the future cancels the task on its loop (it need not have
// started); cancelling the task, or the loop's Run ending while it is
// pending, makes the future's Result the [*CancelledError]. If the loop closes
// while the task is pending, or before it was created, the future fails with
// an error matching ErrLoopClosed: no one waits for ever.
//
// RunCoroutineThreadsafe returns ErrLoopClosed, and runs nothing, on a
// closed loop. It panics if coro or loop is nil.
func RunCoroutineThreadsafe[T any](coro Coroutine[T], loop *EventLoop) (*ConcurrentFuture[T], error) {
	if coro == nil {
		panic("asyncio: RunCoroutineThreadsafe: nil coroutine")
	}
	if loop == nil {
		panic("asyncio: RunCoroutineThreadsafe: nil loop")
	}
	f := newConcurrentFuture[T]()
	f.loop = loop
	s := &submitted[T]{f: f}
	f.onCancel = func(*CancelledError) {
		_, _ = loop.CallSoonThreadsafe(s.cancelTask)
	}
	if !loop.addWaiter(f) {
		return nil, ErrLoopClosed
	}
	if _, err := loop.CallSoonThreadsafe(func() { s.start(loop, coro) }); err != nil {
		loop.removeWaiter(f)
		return nil, err
	}
	return f, nil
}

// submitted is the loop's side of RunCoroutineThreadsafe: its fields are
// touched on the loop's goroutine only.
type submitted[T any] struct {
	f         *ConcurrentFuture[T]
	t         *Task[T]
	cancelled bool // the future was cancelled before the task existed
}

func (s *submitted[T]) start(loop *EventLoop, coro Coroutine[T]) {
	s.t = &Task[T]{coro: coro}
	s.t.init(loop, context.Background(), nil)
	s.t.task.fut.addCallback(s)
	if s.cancelled || s.f.Cancelled() {
		s.t.Cancel()
	}
}

func (s *submitted[T]) cancelTask() {
	if s.t == nil {
		s.cancelled = true
		return
	}
	s.t.Cancel()
}

// run copies the task's outcome to the future, once the task is done.
func (s *submitted[T]) run(*futureCore) {
	s.f.loop.removeWaiter(s.f)
	v, err := s.t.Result()
	state := stateFinished
	if s.t.Cancelled() {
		state = stateCancelled // the task is done: nothing left to cancel
	}
	s.f.complete(state, v, err)
}
