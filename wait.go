package asyncio

import (
	"context"
	"fmt"
	"time"
)

// ReturnWhen tells Wait when to return: asyncio's return_when.
//
// The zero ReturnWhen is AllCompleted.
type ReturnWhen int

const (
	// AllCompleted returns when every future is done: ALL_COMPLETED, the
	// default (the zero value).
	AllCompleted ReturnWhen = iota
	// FirstCompleted returns when any future is done: FIRST_COMPLETED.
	FirstCompleted
	// FirstException returns when any future fails with an error other than
	// a cancellation, or when every future is done: FIRST_EXCEPTION.
	FirstException
)

func (r ReturnWhen) String() string {
	switch r {
	case AllCompleted:
		return "AllCompleted"
	case FirstCompleted:
		return "FirstCompleted"
	case FirstException:
		return "FirstException"
	}
	return fmt.Sprintf("ReturnWhen(%d)", int(r))
}

// Wait waits for the futures and tasks fs until the condition when says, and
// returns them split into done and pending, each in the order of fs (a
// future listed twice is reported once): asyncio.wait. It never returns a
// future's error and never cancels one; look at done for the outcomes.
//
// Every future that is done when Wait wakes is in done, not just the one that
// woke it; futures already done count, but Wait still yields to the loop for
// one iteration, as asyncio does.
//
// # Cancellation
//
// If the calling task is cancelled, Wait returns the [*CancelledError] and the
// futures keep running.
//
// Wait returns an error, without waiting, matching [ErrNoFutures] for an
// empty fs, [ErrWrongLoop] for a future of another loop, and an error naming
// an unknown when; and [ErrNotInCoroutine] where ctx's coroutine is not the
// caller.
func Wait[F AnyFuture](ctx context.Context, fs []F, when ReturnWhen) (done, pending []F, err error) {
	return wait(ctx, fs, when, NoDeadline)
}

// WaitTimeout behaves like Wait, but returns at the latest once timeout has
// passed on the loop's clock, with the futures not yet done in pending. The
// timeout is not an error and cancels nothing.
func WaitTimeout[F AnyFuture](ctx context.Context, fs []F, when ReturnWhen, timeout time.Duration) (done, pending []F, err error) {
	return wait(ctx, fs, when, timeout)
}

func wait[F AnyFuture](ctx context.Context, fs []F, when ReturnWhen, timeout time.Duration) (done, pending []F, err error) {
	t, err := runningTask(ctx)
	if err != nil {
		return nil, nil, err
	}
	if len(fs) == 0 {
		return nil, nil, &misuseError{text: "asyncio: Wait: no futures to wait for", kind: ErrNoFutures}
	}
	if when < AllCompleted || when > FirstException {
		return nil, nil, fmt.Errorf("asyncio: Wait: invalid ReturnWhen %d", int(when))
	}
	l := t.fut.loop
	uniq := make([]F, 0, len(fs))
	seen := make(map[*futureCore]bool, len(fs))
	for _, f := range fs {
		c := f.awaitable().core()
		if c.loop != l {
			return nil, nil, wrongLoop("Wait: %v", f)
		}
		if !seen[c] {
			seen[c] = true
			uniq = append(uniq, f)
		}
	}
	w := newWaiting(l, len(uniq), when)
	for _, f := range uniq {
		f.awaitable().core().addCallback(w)
	}
	if timeout != NoDeadline {
		l.arm(&w.timer, addDeadline(l.Time(), timeout), w)
	}
	err = waitOn(ctx, w)
	l.disarm(&w.timer)
	for _, f := range uniq {
		f.awaitable().core().removeCallback(w)
	}
	if err != nil {
		return nil, nil, err
	}
	for _, f := range uniq {
		if f.Done() {
			done = append(done, f)
		} else {
			pending = append(pending, f)
		}
	}
	return done, pending, nil
}

// waiting is the future Wait suspends on: done when its condition is met or
// its timer fires. It is the done-callback of every future waited for, and
// its own timer's callback (src nil).
type waiting struct {
	futureCore
	timer   timer
	counter int
	when    ReturnWhen
}

func newWaiting(l *EventLoop, n int, when ReturnWhen) *waiting {
	w := &waiting{futureCore: futureCore{loop: l}, counter: n, when: when}
	return w
}

func (w *waiting) run(src *futureCore) {
	if src != nil {
		w.counter--
		failed := src.state == stateFinished && src.err() != nil
		if w.counter > 0 && w.when != FirstCompleted && (w.when != FirstException || !failed) {
			return
		}
	}
	w.loop.disarm(&w.timer)
	if w.state == statePending {
		w.complete(stateFinished, nil)
	}
}

// waitOn suspends until a (a future of this package's making, which no one
// else completes with an error) is done, and returns the cancellation that
// ended the wait early, if any.
func waitOn(ctx context.Context, a awaited) error {
	err := await(ctx, a)
	if c := a.core(); err == nil && c.state == stateCancelled {
		err = c.err()
	}
	return err
}

// WaitFor awaits aw for at most timeout on the loop's clock and returns its
// result: asyncio.wait_for. If the timeout passes first, aw is cancelled,
// WaitFor waits until it has finished, and returns a [*TimeoutError] (matching
// [ErrTimeout] and [context.DeadlineExceeded]) whose Cause is the cancellation.
// [NoDeadline] waits without a timer.
//
// WaitFor is Timeout around aw.Await, as asyncio's is since 3.12: a coroutine
// runs inline in the caller's task. A result that arrives with the deadline
// is never lost: if aw handles the cancellation and returns a value, or fails
// with another error, WaitFor returns that. A timeout of zero or less returns
// the outcome of an aw already done; otherwise it starts aw as a task (see
// [EnsureFuture]), cancels it before its first step and waits for it.
//
// # Cancellation
//
// Cancelling the caller cancels aw, as awaiting it would, and returns the
// [*CancelledError]; a cancellation that arrives as aw completes is not lost.
// Wrap aw with [Shield] to keep it running.
//
// WaitFor returns [ErrNotInCoroutine] where ctx's coroutine is not the caller.
func WaitFor[T any](ctx context.Context, aw Awaitable[T], timeout time.Duration) (T, error) {
	var zero T
	t, err := runningTask(ctx)
	if err != nil {
		return zero, err
	}
	if timeout <= 0 {
		inner := ensureResulter(ctx, aw)
		a := inner.awaitable()
		if c := a.core(); c.state == statePending {
			if c.loop != t.fut.loop {
				return zero, wrongLoop("WaitFor: %v", aw)
			}
			a.cancel("")
			w := newWaiting(c.loop, 1, AllCompleted)
			c.addCallback(w)
			if err := waitOn(ctx, w); err != nil {
				c.removeCallback(w)
				return zero, err
			}
		}
		v, err := inner.takeResult()
		if err != nil && a.core().state == stateCancelled {
			return zero, &TimeoutError{Cause: err, Op: "WaitFor", Delay: timeout, Deadline: t.fut.loop.Time()}
		}
		return v, err
	}
	var v T
	err = timeoutAt(ctx, "WaitFor", addDeadline(t.fut.loop.Time(), timeout), func(ctx context.Context) error {
		var err error
		v, err = aw.Await(ctx)
		return err
	})
	if err != nil {
		return zero, err
	}
	return v, nil
}
