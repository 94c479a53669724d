package asyncio

import (
	"context"

	"github.com/asyncio-go/asyncio/internal/goid"
)

// A Coroutine is a function that can pause and resume: it takes the running
// task's ctx first and returns a value and an error. Holding one does not run
// it. Calling it from another coroutine with that coroutine's ctx, c(ctx), is
// asyncio's `await c()`: it runs inline, in the same task. [CreateTask] runs it
// concurrently, as a task of its own.
//
// Any func(context.Context) (T, error) converts to a Coroutine[T] implicitly,
// so plain function values and literals can be passed wherever a Coroutine[T]
// parameter is wanted ([CreateTask], [RunValue], [CreateGroupTask]). Where an
// [Awaitable] is wanted ([Gather], [WaitFor], [Shield], [AsCompleted]) convert it
// first: Coroutine[T](f), or [Func](f) for a func(context.Context) error.
// Inside the coroutine, [Sleep], Await, [Gather] and every other await suspend the
// task that ctx belongs to and let the loop run others.
//
// The zero Coroutine is nil: it is not a coroutine, and CreateTask and the
// other calls that start one panic when given it.
type Coroutine[T any] func(ctx context.Context) (T, error)

// Await runs c inline in the coroutine that owns ctx and returns its results.
// It returns [ErrNotInCoroutine], without running c, when ctx's coroutine is not
// the caller.
func (c Coroutine[T]) Await(ctx context.Context) (T, error) {
	if _, err := runningTask(ctx); err != nil {
		var zero T
		return zero, err
	}
	return c(ctx)
}

// A Func is a coroutine with no result: a func(context.Context) error. Go
// starts one as a task; converting one to Func makes it an [Awaitable], for
// [Gather] and [EnsureFuture].
//
// The zero Func is nil and, like a nil [Coroutine], is refused with a panic.
type Func func(ctx context.Context) error

// Await runs f inline in the coroutine that owns ctx, as [Coroutine.Await] does.
func (f Func) Await(ctx context.Context) (struct{}, error) {
	if _, err := runningTask(ctx); err != nil {
		return struct{}{}, err
	}
	return struct{}{}, f(ctx)
}

// An Awaitable is anything a coroutine can await for a T: a *Future[T], a
// *Task[T], a [Coroutine][T] (or a [Func], for T = struct{}), or a type of yours
// whose Await suspends only through this package's awaits.
//
// A nil Awaitable is refused by the calls that take one.
type Awaitable[T any] interface {
	Await(ctx context.Context) (T, error)
}

// Await awaits aw in the coroutine that owns ctx and returns its result. It is
// aw.Await(ctx), spelled as asyncio spells it.
func Await[T any](ctx context.Context, aw Awaitable[T]) (T, error) {
	return aw.Await(ctx)
}

// taskKey is the context key under which a task's ctx finds its task.
type taskKey struct{}

// runningTask returns the task that owns ctx, if its coroutine is the caller.
func runningTask(ctx context.Context) (*taskCore, error) {
	// The common case, the task's own ctx: runsNow by hand, since the
	// inliner finds it one unit over its budget and this runs at every await.
	if t, ok := ctx.(*taskCore); ok && goid.Get() == t.fut.loop.currentG.Load() && t.fut.loop.stepping == t {
		return t, nil
	}
	return findRunningTask(ctx)
}

// runsNow reports whether t's coroutine is the caller. A coroutine goroutine
// only runs while the loop has switched to it, so the identity test proves
// the caller holds the loop; the stepping test, that t itself runs, not a
// ctx kept from a finished task whose goroutine now serves another, nor a
// callback the loop runs on a suspended task's goroutine (see dispatch.go).
// Any goroutine may ask: stepping is read only once the identity matched.
func (t *taskCore) runsNow() bool {
	return goid.Get() == t.fut.loop.currentG.Load() && t.fut.loop.stepping == t
}

func findRunningTask(ctx context.Context) (*taskCore, error) {
	t, ok := ctx.(*taskCore)
	if !ok {
		if ctx == nil {
			return nil, ErrNotInCoroutine
		}
		if t, ok = ctx.Value(taskKey{}).(*taskCore); !ok {
			return nil, ErrNotInCoroutine
		}
	}
	if !t.runsNow() {
		return nil, ErrNotInCoroutine
	}
	return t, nil
}

// await suspends the coroutine that owns ctx until a is done. It returns nil
// when a is done; the caller reads a's outcome.
func await(ctx context.Context, a awaited) error {
	t, w, err := beginAwait(ctx, a)
	if t == nil {
		return err
	}
	return t.endAwait(a, w, t.suspend())
}

// awaitResult awaits a, whose result is stored at *v, and returns its
// outcome. Future.Await and Task.Await are this one call, which Go inlines,
// and it suspends by hand, so that the coroutine's await is one frame away
// from its switch (see suspend).
func awaitResult[T any](ctx context.Context, a awaited, v *T) (T, error) {
	t, w, err := beginAwait(ctx, a)
	if t != nil {
		if wk := t.worker; wk != nil && (wk.runsOn() || wk.yield()) && !t.mustCancel { // t.suspend(), by hand
			err = t.endAwait(a, w, nil)
		} else {
			err = t.endAwait(a, w, t.suspendEnded())
		}
	}
	if err != nil {
		var zero T
		return zero, err
	}
	return takeResult(a.core(), *v)
}

// beginAwait prepares the coroutine that owns ctx to wait for a. It returns
// the task, which must then suspend and call endAwait, or a nil task when
// there is nothing to wait for: a is done (err nil) or the await is refused.
// awaitResult suspends between the two itself, by hand, for the reason
// suspend gives.
func beginAwait(ctx context.Context, a awaited) (*taskCore, *ctxWatch, error) {
	t, err := runningTask(ctx)
	if err != nil {
		return nil, nil, err
	}
	f := a.core()
	if f.state != statePending {
		return nil, nil, nil // a done future does not yield to the loop
	}
	if f.loop != t.fut.loop {
		return nil, nil, wrongLoop("task %s awaits a future that", t.name())
	}
	if a == awaited(t) {
		return nil, nil, &misuseError{text: "asyncio: task " + t.name() + " cannot await itself", kind: ErrAwaitSelf}
	}
	var w *ctxWatch
	if ctx != context.Context(t) {
		if w, err = t.watch(ctx, a); err != nil {
			return nil, nil, err
		}
	}
	f.addCallback(t)
	t.waitFor = a
	if t.mustCancel && a.cancel(t.msg()) {
		// A cancel requested while the task ran goes to the first thing it awaits.
		t.mustCancel = false
	}
	return t, w, nil
}

// endAwait finishes an await begun by beginAwait once the task has resumed
// with err, the result of its suspension.
func (t *taskCore) endAwait(a awaited, w *ctxWatch, err error) error {
	f := a.core()
	t.waitFor = nil
	switch {
	case err == nil:
	case err != errLoopClosing && f.state == stateCancelled:
		err = f.err() // as in asyncio, the awaited future's own cancellation wins over a later request
	default:
		f.removeCallback(t)
	}
	if w != nil {
		err = w.end(err)
	}
	return err
}

// errLoopClosing is what every await returns while Close unwinds a coroutine
// that was still pending.
var errLoopClosing = &CancelledError{Message: "event loop closed"}

// suspend hands control back to the loop until the task's next step, and
// returns the cancellation that step delivers, if any.
//
// The hottest awaits (Sleep(ctx, 0), await) repeat its two lines by hand: Go
// will not inline it, and each call frame between a coroutine and its switch
// is paid again on the way back, when the processor's return predictions
// belong to the other stack.
func (t *taskCore) suspend() error {
	if w := t.worker; w != nil && (w.runsOn() || w.yield()) && !t.mustCancel {
		return nil
	}
	return t.suspendEnded()
}

// suspendEnded is what suspend returns after a switch that did not end in a
// plain resumption: a cancel request to deliver, or the end of a coroutine
// that Close unwinds (it clears t.worker first, so every later await fails at
// once, as the first one did). Not inlined, to keep suspend inlinable.
//
//go:noinline
func (t *taskCore) suspendEnded() error {
	if t.worker == nil {
		return errLoopClosing
	}
	return t.deliverCancel()
}

// deliverCancel hands the pending cancel request to the coroutine.
func (t *taskCore) deliverCancel() error {
	t.mustCancel = false
	return &CancelledError{Message: t.msg()}
}
