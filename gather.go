package asyncio

import (
	"context"
)

// gathering is the future Gather awaits: done when every child is, or, unless
// it collects errors, as soon as one child fails or is cancelled.
type gathering struct {
	fut             futureCore
	children        children
	finished        int
	collectErrors   bool
	cancelRequested bool
	refused         bool // Gather returned a misuse error: callbacks already scheduled do nothing
}

func (g *gathering) core() *futureCore { return &g.fut }

// cancel cancels every child that is still pending; the gathering future then
// ends with a cancellation once they are all done.
func (g *gathering) cancel(msg string) bool {
	if g.fut.state != statePending {
		return false
	}
	cancelled := false
	for i := range g.children.len() {
		if g.children.at(i).cancel(msg) {
			cancelled = true
		}
	}
	if cancelled {
		g.cancelRequested = true
	}
	return cancelled
}

// run is the done-callback of each child.
func (g *gathering) run(child *futureCore) {
	if g.refused {
		return
	}
	g.finished++
	if g.fut.state != statePending {
		if child.state == stateFinished {
			child.markRetrieved() // the gather has already reported its outcome
		}
		return
	}
	if !g.collectErrors && child.state != statePending && child.err() != nil {
		child.markRetrieved()
		err := child.err()
		if child.state == stateFinished { // a failure, not a cancellation: name the task
			for i := range g.children.len() {
				if a := g.children.at(i); a.core() == child {
					err = failureOf(a)
					break
				}
			}
		}
		g.fut.complete(stateFinished, err)
		return
	}
	if g.finished < g.children.len() {
		return
	}
	if g.cancelRequested {
		g.fut.complete(stateFinished, &CancelledError{Message: cancelMessage(child.err())})
		return
	}
	g.fut.complete(stateFinished, nil)
}

// resulter is a future-like child of Gather that can hand over its T.
type resulter[T any] interface {
	Awaitable[T]
	awaitable() awaited
	takeResult() (T, error)
}

// children is the untyped view of Gather's typed children: one slice serves
// both, since a gather of 200,000 tasks pays for every word per child.
type children interface {
	len() int
	at(i int) awaited
}

type resulters[T any] []resulter[T]

func (r resulters[T]) len() int         { return len(r) }
func (r resulters[T]) at(i int) awaited { return r[i].awaitable() }

// awaitedList is children that need no typed results.
type awaitedList []awaited

func (a awaitedList) len() int         { return len(a) }
func (a awaitedList) at(i int) awaited { return a[i] }

// Gather runs aws concurrently and returns their results in argument order:
// asyncio.gather. Coroutines are wrapped in tasks (see [EnsureFuture]); futures
// and tasks are awaited as they are.
//
// If an awaitable fails or is cancelled, Gather returns its error at once (a
// task's failure wrapped in a [*TaskError] that names the task); the
// others are not cancelled and keep running (asyncio's behaviour: cancel them
// yourself, or use a [TaskGroup], which does). A cancelled child counts as an
// error, a [*CancelledError], but does not cancel Gather's caller.
//
// # Cancellation
//
// Cancelling the task that awaits Gather cancels every child still pending,
// and Gather returns a *CancelledError once they are all done.
//
// Gather of nothing returns an empty slice at once. It returns
// [ErrNotInCoroutine] where ctx's coroutine is not the caller.
func Gather[T any](ctx context.Context, aws ...Awaitable[T]) ([]T, error) {
	vals, _, err := gather(ctx, false, aws)
	return vals, err
}

// GatherReturnExceptions behaves like [Gather] with asyncio's
// return_exceptions=True: it waits for every awaitable and reports each one's
// error in errs, beside vals, instead of returning the first. err is the
// gather's own failure: a cancellation of the caller, or a misuse error.
func GatherReturnExceptions[T any](ctx context.Context, aws ...Awaitable[T]) (vals []T, errs []error, err error) {
	return gather(ctx, true, aws)
}

func gather[T any](ctx context.Context, collectErrors bool, aws []Awaitable[T]) ([]T, []error, error) {
	t, err := runningTask(ctx)
	if err != nil {
		return nil, nil, err
	}
	children := make(resulters[T], len(aws))
	g := &gathering{fut: futureCore{loop: t.fut.loop}, children: children, collectErrors: collectErrors}
	for i, aw := range aws {
		var c resulter[T]
		switch a := aw.(type) {
		case *Future[T]:
			c = a
		case *Task[T]:
			c = a
		default:
			c = EnsureFuture(ctx, aw)
		}
		f := c.awaitable().core()
		if f.loop != t.fut.loop {
			g.refused = true
			for _, c := range children[:i] {
				c.awaitable().core().removeCallback(g)
			}
			return nil, nil, wrongLoop("Gather: argument %d", i)
		}
		// In the same pass: with 200,000 children, each pass over them
		// misses the cache once per child.
		f.addCallback(g)
		children[i] = c
	}
	if len(aws) == 0 {
		return []T{}, []error{}, nil
	}
	if err := await(ctx, g); err != nil {
		return nil, nil, err
	}
	if g.fut.err() != nil {
		return nil, nil, g.fut.err()
	}
	vals := make([]T, len(children))
	if !collectErrors { // every child succeeded: no errors to return
		for i, c := range children {
			vals[i], _ = c.takeResult()
		}
		return vals, nil, nil
	}
	errs := make([]error, len(children))
	for i, c := range children {
		vals[i], errs[i] = c.takeResult()
	}
	return vals, errs, nil
}
