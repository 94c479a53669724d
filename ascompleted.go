package asyncio

import (
	"context"
	"iter"
	"time"
)

// AsCompleted runs aws concurrently and yields each one's result and error in
// the order they complete: asyncio.as_completed, as a range-over-func
// iterator. Coroutines are started as tasks (see [EnsureFuture]); futures and
// tasks are watched as they are, and one listed twice is yielded once. Those
// already done come first, in argument order.
//
//	for v, err := range asyncio.AsCompleted(ctx, fetchA, fetchB) {
//		...
//	}
//
// Breaking out of the loop leaves the futures and tasks you passed running,
// but cancels the tasks AsCompleted started for coroutines: no one else can
// reach them. Either way nothing of the iteration is left registered.
//
// # Cancellation
//
// If the task ranging over the iterator is cancelled while it waits, the
// iterator yields the [*CancelledError] and stops, and ends as a break does.
//
// Where ctx's coroutine is not the caller, the iterator yields
// [ErrNotInCoroutine] and stops. Call it in the coroutine that ranges over it.
func AsCompleted[T any](ctx context.Context, aws ...Awaitable[T]) iter.Seq2[T, error] {
	return asCompleted(ctx, NoDeadline, aws)
}

// AsCompletedTimeout behaves like [AsCompleted], but once timeout has passed on
// the loop's clock since the iteration began it yields what had completed by
// then, then a [*TimeoutError] (matching [ErrTimeout]), and stops. The timeout
// cancels nothing you passed in.
func AsCompletedTimeout[T any](ctx context.Context, timeout time.Duration, aws ...Awaitable[T]) iter.Seq2[T, error] {
	return asCompleted(ctx, timeout, aws)
}

func asCompleted[T any](ctx context.Context, timeout time.Duration, aws []Awaitable[T]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		t, err := runningTask(ctx)
		if err != nil {
			yield(zero, err)
			return
		}
		c := &completing{loop: t.fut.loop, index: make(map[*futureCore]int, len(aws))}
		var children []resulter[T]
		for _, aw := range aws {
			r := ensureResulter(ctx, aw)
			a := r.awaitable()
			core := a.core()
			if core.loop != c.loop {
				c.cancelOwned()
				yield(zero, wrongLoop("AsCompleted: %v", aw))
				return
			}
			if _, dup := c.index[core]; dup {
				continue
			}
			c.index[core] = len(children)
			children = append(children, r)
			c.items = append(c.items, a)
			c.owned = append(c.owned, isCoroutine(aw))
		}
		for _, a := range c.items {
			a.core().addCallback(c)
		}
		deadline := addDeadline(c.loop.Time(), timeout)
		if timeout != NoDeadline {
			c.loop.arm(&c.timer, deadline, c)
		}
		defer c.stop()
		for remaining := len(children); remaining > 0; {
			if len(c.queue) == 0 {
				if c.timedOut {
					yield(zero, &TimeoutError{Op: "AsCompletedTimeout", Delay: timeout, Deadline: deadline})
					return
				}
				c.waiter = &futureCore{loop: c.loop}
				err := waitOn(ctx, c.waiter)
				c.waiter = nil
				if err != nil {
					yield(zero, err)
					return
				}
				continue
			}
			src := c.queue[0]
			c.queue = c.queue[1:]
			remaining--
			if !yield(children[c.index[src]].takeResult()) {
				return
			}
		}
	}
}

// completing is the state of one AsCompleted iteration: the done-callback of
// every child, and its timer's callback (src nil).
type completing struct {
	loop     *EventLoop
	timer    timer
	index    map[*futureCore]int // child → position in items
	items    []awaited
	owned    []bool        // the child is a task AsCompleted started
	queue    []*futureCore // children done and not yet yielded, in completion order
	waiter   *futureCore   // what the iterating task awaits while queue is empty
	timedOut bool
}

func (c *completing) run(src *futureCore) {
	if src == nil {
		c.timedOut = true
		for _, a := range c.items {
			a.core().removeCallback(c) // a completion after the deadline is not yielded
		}
	} else {
		c.queue = append(c.queue, src)
	}
	if c.waiter != nil && c.waiter.state == statePending {
		c.waiter.complete(stateFinished, nil)
	}
}

// stop ends the iteration: nothing stays registered, and the tasks it started
// for coroutines and did not yield are cancelled.
func (c *completing) stop() {
	c.loop.disarm(&c.timer)
	for _, a := range c.items {
		a.core().removeCallback(c)
	}
	c.cancelOwned()
}

func (c *completing) cancelOwned() {
	for i, a := range c.items {
		if c.owned[i] && a.core().state == statePending {
			a.cancel("")
		}
	}
}

// isCoroutine reports whether aw is something EnsureFuture starts a task for.
func isCoroutine[T any](aw Awaitable[T]) bool {
	switch aw.(type) {
	case *Future[T], *Task[T]:
		return false
	}
	return true
}
