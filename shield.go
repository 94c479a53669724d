package asyncio

import (
	"context"
)

// Shield returns a [Future] that completes as aw does, except that cancelling
// it, or the task awaiting it, does not cancel aw: asyncio.shield. A
// coroutine is first started as a task (see [EnsureFuture]); a future or task
// is watched as it is. Shield of an aw already done returns at once a Future
// done with its outcome (a Future aw itself), so awaiting it does not yield.
//
// # Cancellation
//
// Awaiting the Future returned behaves like awaiting aw, except when the
// awaiting task is cancelled: its await returns the [*CancelledError] at once
// while aw runs on. From then on nothing observes aw: if it fails, its error
// is reported to the loop's exception handler as never retrieved, unless you
// kept aw and look at it. If aw itself is cancelled later, the Future is
// cancelled too, without aw's message (asyncio's outer.cancel()).
//
// Shield returns a Future already done with [ErrNotInCoroutine] where ctx's
// coroutine is not the caller, and with an error if aw belongs to another
// loop.
func Shield[T any](ctx context.Context, aw Awaitable[T]) *Future[T] {
	t, err := runningTask(ctx)
	if err != nil {
		return failedFuture[T](err)
	}
	inner := ensureResulter(ctx, aw)
	ic := inner.awaitable().core()
	if ic.loop != t.fut.loop {
		return failedFuture[T](wrongLoop("Shield: %v", aw))
	}
	if ic.state != statePending {
		if f, ok := inner.(*Future[T]); ok {
			return f
		}
		return doneCopy(t.fut.loop, inner) // asyncio returns the done task itself: no yield to await it
	}
	s := &shielding[T]{inner: inner, outer: NewFuture[T](t.fut.loop)}
	ic.addCallback(s)
	s.outer.c.addCallback(s)
	return s.outer
}

// shielding links the two futures of a Shield: it is the done-callback of
// both.
type shielding[T any] struct {
	inner resulter[T]
	outer *Future[T]
}

func (s *shielding[T]) run(src *futureCore) {
	ic, oc := s.inner.awaitable().core(), &s.outer.c
	if src == oc {
		// The outer is done (cancelled, most often): stop observing the
		// inner, so that an error of its own is reported, not lost.
		if ic.state == statePending {
			ic.removeCallback(s)
		}
		return
	}
	if oc.state != statePending {
		if ic.state != stateCancelled {
			ic.markRetrieved() // the outer already had its outcome reported
		}
		return
	}
	if ic.state == stateCancelled {
		oc.cancel("") // as asyncio's outer.cancel(): the inner's message is not carried over
		return
	}
	v, err := s.inner.takeResult()
	if err != nil {
		oc.complete(stateFinished, err)
		trackFailure(oc, s.outer, "Future exception was never retrieved", nil)
		return
	}
	s.outer.result = v
	oc.complete(stateFinished, nil)
}

// doneCopy returns a Future of loop already done with the outcome of done
// future r, so that awaiting it returns at once. An error is handed over:
// r's is marked retrieved, the copy's is watched instead.
func doneCopy[T any](loop *EventLoop, r resulter[T]) *Future[T] {
	out := NewFuture[T](loop)
	if c := r.awaitable().core(); c.state == stateCancelled {
		out.c.complete(stateCancelled, c.err())
		return out
	}
	v, err := r.takeResult()
	if err != nil {
		out.c.complete(stateFinished, err)
		trackFailure(&out.c, out, "Future exception was never retrieved", nil)
		return out
	}
	out.result = v
	out.c.complete(stateFinished, nil)
	return out
}

// ensureResulter returns aw as a future-like value whose result can be taken:
// futures and tasks as they are, anything else as a new task.
func ensureResulter[T any](ctx context.Context, aw Awaitable[T]) resulter[T] {
	switch a := aw.(type) {
	case *Future[T]:
		return a
	case *Task[T]:
		return a
	}
	return EnsureFuture(ctx, aw)
}

// failedFuture returns a Future already done with err, owned by no running
// loop: the result of a misused call.
func failedFuture[T any](err error) *Future[T] {
	return &Future[T]{c: futureCore{loop: orphanLoop, state: stateFinished, slot: err, retrieved: true}}
}
