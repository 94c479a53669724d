package asyncio

import (
	"context"
	"fmt"
	"sync/atomic"
)

// futureState is a future's state. The loop goroutine writes it atomically
// (publish), after the result and error, so that Done, Cancelled and String
// may read it, and then what it guards, from any goroutine.
type futureState uint32

const (
	statePending futureState = iota
	stateFinished
	stateCancelled
)

// awaited is what a task can wait on: a future, a task, or an internal
// aggregate such as gather's. cancel is the one behaviour that differs.
type awaited interface {
	core() *futureCore
	cancel(msg string) bool
}

// doneCallback is a registered done-callback; id is 0 for internal ones.
type doneCallback struct {
	r  runner
	id uint64
}

// futureCore is the untyped state machine shared by Future, Task and the
// internal aggregates. It is touched on the loop's goroutine only.
type futureCore struct {
	loop      *EventLoop
	state     futureState
	retrieved bool // the error was looked at; nothing to report
	tracked   bool // an unretrieved record watches this future (see debug.go)
	// slot holds, while f is pending, its done-callbacks: none (nil), one
	// internal runner, the common case of a single waiter, or a
	// *callbackList; once f is done, its error, or nil. A future needs
	// callbacks only before it is done and an error only after, so one
	// word pair serves both, and a Future[int] fits 48 bytes, not 64: with
	// a fresh future per hand-off, the garbage collector runs a quarter
	// less often.
	slot any
}

// callbackList is the done-callbacks of a future that has more than one, or
// a user's, in registration order.
type callbackList []doneCallback

// err returns f's exception or cancellation error, once f is done.
func (f *futureCore) err() error {
	if f.slot == nil {
		return nil
	}
	err, _ := f.slot.(error)
	return err
}

func (f *futureCore) core() *futureCore { return f }

// publish moves f to state s; see futureState.
func (f *futureCore) publish(s futureState) { atomic.StoreUint32((*uint32)(&f.state), uint32(s)) }

// loadState reads f's state from any goroutine.
func (f *futureCore) loadState() futureState {
	return futureState(atomic.LoadUint32((*uint32)(&f.state)))
}

func (f *futureCore) addCallback(r runner) { f.addDoneCallback(doneCallback{r: r}) }

func (f *futureCore) addDoneCallback(c doneCallback) {
	if f.state != statePending {
		f.loop.soon(c.r, f)
		return
	}
	switch s := f.slot.(type) {
	case nil:
		if c.id == 0 {
			f.slot = c.r
			return
		}
		f.slot = &callbackList{c}
	case *callbackList:
		*s = append(*s, c)
	default:
		f.slot = &callbackList{{r: s.(runner)}, c}
	}
}

// removeCallback removes the registrations of r and of id (when non-zero) and
// returns how many it removed.
func (f *futureCore) removeCallback(r runner) int {
	return f.removeWhere(func(c doneCallback) bool { return c.r == r })
}

func (f *futureCore) removeWhere(match func(doneCallback) bool) int {
	if f.state != statePending || f.slot == nil {
		return 0
	}
	cbs, ok := f.slot.(*callbackList)
	if !ok {
		if match(doneCallback{r: f.slot.(runner)}) {
			f.slot = nil
			return 1
		}
		return 0
	}
	kept := (*cbs)[:0]
	for _, c := range *cbs {
		if !match(c) {
			kept = append(kept, c)
		}
	}
	n := len(*cbs) - len(kept)
	clear((*cbs)[len(kept):])
	*cbs = kept
	return n
}

// eachCallback calls fn with each done-callback of pending f, in order.
func (f *futureCore) eachCallback(fn func(runner)) {
	if f.state != statePending || f.slot == nil {
		return
	}
	if cbs, ok := f.slot.(*callbackList); ok {
		for _, c := range *cbs {
			fn(c.r)
		}
		return
	}
	fn(f.slot.(runner))
}

// complete moves f to state with err and schedules its done-callbacks, in
// registration order, for a later iteration.
func (f *futureCore) complete(state futureState, err error) {
	cbs := f.slot
	f.slot = nil
	if err != nil {
		f.slot = err
	}
	f.publish(state)
	switch s := cbs.(type) {
	case nil:
	case *callbackList:
		for _, c := range *s {
			f.loop.soon(c.r, f)
		}
	default:
		f.loop.soon(s.(runner), f)
	}
}

func (f *futureCore) cancel(msg string) bool {
	if f.state != statePending {
		f.markRetrieved()
		return false
	}
	f.complete(stateCancelled, &CancelledError{Message: msg})
	return true
}

func (f *futureCore) markRetrieved() {
	f.retrieved = true
	if f.tracked {
		f.loop.untrackUnretrieved(f)
	}
}

// exception is Future.Exception and Task.Exception (method). Its one result
// is the future's own outcome, so misuse has no room there and panics, as the
// loopBound queries do.
func (f *futureCore) exception(method string) error {
	mustOnLoop(f.loop, method)
	switch f.state {
	case statePending:
		panic("asyncio: " + method + " of a pending future: " + ErrInvalidState.Error() + ": call it once Done reports true")
	case stateCancelled:
		return f.err()
	}
	f.markRetrieved()
	return f.err()
}

func (f *futureCore) settle(err error) error {
	if err := f.loop.check(); err != nil {
		return err
	}
	if f.state != statePending {
		return invalidState("future is already done: %s", f.stateString())
	}
	f.complete(stateFinished, err)
	return nil
}

func (f *futureCore) stateString() string {
	switch f.state {
	case statePending:
		return "pending"
	case stateCancelled:
		return "cancelled"
	}
	return "finished"
}

// describe says what f is, for String methods, which any goroutine may call:
// the result is read only once the state says it is set.
func (f *futureCore) describe(result func() any) string {
	switch f.loadState() {
	case statePending:
		return "pending"
	case stateCancelled:
		return "cancelled"
	}
	if err := f.err(); err != nil {
		return fmt.Sprintf("finished exception=%q", err.Error())
	}
	return fmt.Sprintf("finished result=%v", result())
}

// A CallbackID identifies one registration of a done-callback, for
// RemoveDoneCallback. (Go functions cannot be compared, so asyncio's
// remove-by-function becomes remove-by-registration.)
//
// The zero CallbackID names no registration: RemoveDoneCallback removes
// nothing for it.
type CallbackID uint64

// AnyFuture is the untyped view of a *Future[T] or *Task[T]: what RunUntilComplete
// takes and what APIs over mixed result types ([AllTasks], Wait) hand back.
// It is implemented only by this package's types.
//
// A nil AnyFuture is not a future; the calls that take one do not accept it.
type AnyFuture interface {
	// Done reports whether the future has a result, an error, or was cancelled.
	Done() bool
	// Cancelled reports whether the future was cancelled.
	Cancelled() bool
	// Cancel requests cancellation; see Future.Cancel and Task.Cancel.
	Cancel() bool
	// CancelWithMessage is Cancel with a message for the CancelledError.
	CancelWithMessage(msg string) bool
	// Exception returns the error the future completed with; see Future.Exception.
	Exception() error
	String() string

	awaitable() awaited
}

// A Future is a value that will be set later: a result of type T or an error.
// It is asyncio's low-level Future. Coroutines await it with Await; done
// callbacks run in a later loop iteration, in the order they were added.
//
// A Future belongs to the loop it was made for. Done, Cancelled, String,
// Loop, Cancel and AddDoneCallback may be called from any goroutine (Cancel
// and AddDoneCallback hand their work to the loop); the other methods must be
// called on the loop's goroutine (its callbacks and coroutines), and return
// [ErrWrongGoroutine], changing nothing, when called from elsewhere, except
// [Future.RemoveDoneCallback] and [Future.Exception], which panic. Use
// [EventLoop.CallSoonThreadsafe] to complete a Future from another goroutine.
// The zero Future is not usable: make one with [NewFuture].
type Future[T any] struct {
	c      futureCore
	result T
}

// NewFuture returns a pending [Future] bound to loop: asyncio's
// loop.create_future(). (Go methods cannot take type parameters, so this is a
// function.) NewFuture panics if loop is nil.
func NewFuture[T any](loop *EventLoop) *Future[T] {
	if loop == nil {
		panic("asyncio: NewFuture: nil loop")
	}
	return &Future[T]{c: futureCore{loop: loop}}
}

func (f *Future[T]) awaitable() awaited { return &f.c }

// Loop returns the loop f is bound to.
func (f *Future[T]) Loop() *EventLoop { return f.c.loop }

// Done reports whether f has a result, an error, or was cancelled. It may be
// called from any goroutine.
func (f *Future[T]) Done() bool { return f.c.loadState() != statePending }

// Cancelled reports whether f was cancelled. It may be called from any
// goroutine.
func (f *Future[T]) Cancelled() bool { return f.c.loadState() == stateCancelled }

// Result returns f's result, or the error it completed with: its exception,
// or a [*CancelledError] if it was cancelled. For a pending f the error matches
// ErrInvalidState.
func (f *Future[T]) Result() (T, error) {
	return resultOf(&f.c, f.result)
}

func resultOf[T any](c *futureCore, v T) (T, error) {
	var zero T
	if err := c.loop.check(); err != nil && err != ErrLoopClosed {
		return zero, err
	}
	switch {
	case c.state == statePending:
		return zero, invalidState("result is not set")
	case c.err() != nil:
		c.markRetrieved()
		return zero, c.err()
	}
	return v, nil
}

// Exception returns the error f completed with, or nil if it completed with a
// result, and the [*CancelledError] of a cancelled f. Looking at the error marks
// it retrieved, so it is not reported as "never retrieved".
//
// Exception is defined only once f is done: its result is f's own error,
// and any error may be that (a coroutine can fail with [ErrInvalidState] or
// [ErrWrongGoroutine]), so a misuse has no room in it. Called while f is
// pending, or off the loop's goroutine, Exception panics naming the mistake,
// as asyncio's Future.exception raises InvalidStateError. Check [Future.Done]
// first, or use [Future.Result], whose error reports a pending f.
func (f *Future[T]) Exception() error { return f.c.exception("Future.Exception") }

// SetResult completes f with v and schedules its done-callbacks. It returns an
// error matching [ErrInvalidState] if f is already done, and [ErrWrongGoroutine]
// or [ErrLoopClosed] as the loop's methods do.
func (f *Future[T]) SetResult(v T) error {
	if err := f.c.settle(nil); err != nil {
		return err
	}
	f.result = v
	return nil
}

// SetException completes f with err and schedules its done-callbacks. If no
// one looks at err (Result, Exception, Await) before f is garbage collected or
// its loop closes, err is reported to the loop's exception handler as "Future
// exception was never retrieved". The errors returned are those of SetResult.
// SetException panics if err is nil.
func (f *Future[T]) SetException(err error) error {
	if err == nil {
		panic("asyncio: SetException: nil error")
	}
	if err := f.c.settle(err); err != nil {
		return err
	}
	trackFailure(&f.c, f, "Future exception was never retrieved", nil)
	return nil
}

// Cancel cancels f if it is pending, schedules its done-callbacks and reports
// true; it reports false if f is already done. Called from a goroutine other
// than the loop's, it hands the request to the loop and reports true.
func (f *Future[T]) Cancel() bool { return f.CancelWithMessage("") }

// CancelWithMessage is Cancel with a message that the [CancelledError] carries.
func (f *Future[T]) CancelWithMessage(msg string) bool {
	if l := f.c.loop; !l.onLoopGoroutine() {
		_, err := l.CallSoonThreadsafe(func() { f.c.cancel(msg) })
		return err == nil
	}
	return f.c.cancel(msg)
}

// AddDoneCallback arranges for fn(f) to run in a later loop iteration once f is
// done (at once if it is done already) and returns an id for
// RemoveDoneCallback. Callbacks run in the order they were added; a panic in
// one is reported to the exception handler and the others still run. It may
// be called from any goroutine: from another goroutine, the registration is
// handed to the loop, which makes it in its next iteration. It returns 0 and
// registers nothing on a closed loop.
func (f *Future[T]) AddDoneCallback(fn func(*Future[T])) CallbackID {
	return addUserCallback(&f.c, func() { fn(f) })
}

// RemoveDoneCallback removes the callback registered as id and returns the
// number removed: 1, or 0 if id is unknown or the callback was already
// scheduled to run. It must be called on f's loop's goroutine: called from
// another goroutine it panics, since whether the callback can still run is
// known only there.
func (f *Future[T]) RemoveDoneCallback(id CallbackID) int { return removeUserCallback(&f.c, id) }

func addUserCallback(c *futureCore, fn func()) CallbackID {
	l := c.loop
	id := l.userCBSeq.Add(1)
	err := l.threadsafe(func() {
		c.addDoneCallback(doneCallback{r: &Handle{fn: fn, loop: l}, id: id})
	})
	if err != nil {
		return 0
	}
	return CallbackID(id)
}

func removeUserCallback(c *futureCore, id CallbackID) int {
	mustOnLoop(c.loop, "RemoveDoneCallback")
	if id == 0 {
		return 0
	}
	return c.removeWhere(func(d doneCallback) bool { return d.id == uint64(id) })
}

// Await suspends the calling coroutine until f is done and returns Result's
// values. Awaiting a done future returns at once, without yielding to the loop.
//
// # Cancellation
//
// Cancelling the awaiting task cancels f too, as asyncio does: a [Future] has
// no other owner to finish it. Wrap f with [Shield] to keep it alive.
//
// Await returns [ErrNotInCoroutine] when ctx's coroutine is not the caller, and
// an error matching [ErrWrongLoop] when f belongs to another loop.
func (f *Future[T]) Await(ctx context.Context) (T, error) {
	return awaitResult(ctx, &f.c, &f.result)
}

func (f *Future[T]) takeResult() (T, error) { return takeResult(&f.c, f.result) }

// takeResult returns the outcome of done future c, whose result is v.
func takeResult[T any](c *futureCore, v T) (T, error) {
	if c.err() != nil {
		var zero T
		c.markRetrieved()
		return zero, c.err()
	}
	return v, nil
}

func (f *Future[T]) String() string {
	return "<Future " + f.c.describe(func() any { return f.result }) + ">"
}
