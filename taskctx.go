package asyncio

import (
	"context"
	"slices"
)

// afterFunc is one registration of taskCore.AfterFunc; its address is its
// identity, for stop.
type afterFunc struct{ f func() }

// AfterFunc arranges for f to run once the task's ctx is done: when the task
// is asked to cancel or finishes. It returns stop, which unregisters f and
// reports whether it did so before f ran.
//
// It is the method package context looks for on a parent: with it,
// context.WithCancel, WithTimeout and AfterFunc derive from a task's ctx
// without starting a goroutine to watch it. f runs on the goroutine that
// cancels the task, usually the loop's, and must not block; context's own f
// only cancels the derived ctx. If the ctx is done already, f runs at once in
// a goroutine of its own, because context registers it while holding a lock
// that f takes.
func (t *taskCore) AfterFunc(f func()) (stop func() bool) {
	s := t.ctx()
	s.mu.Lock()
	if s.err != nil {
		s.mu.Unlock()
		go f()
		return func() bool { return false }
	}
	a := &afterFunc{f: f}
	s.after = append(s.after, a)
	s.mu.Unlock()
	return func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		i := slices.Index(s.after, a)
		if i < 0 {
			return false
		}
		s.after = slices.Delete(s.after, i, i+1)
		return true
	}
}

// ctxWatch makes an await or a Sleep called with a ctx derived from the
// task's (context.WithTimeout, WithCancel...) end when that ctx is done
// first, returning its error. An await cancels what it awaits and waits for
// it, as a cancellation of the task would; so a result that wins the race is
// returned, not lost. The watch is posted to the loop by context.AfterFunc,
// because the ctx may be cancelled on any goroutine.
type ctxWatch struct {
	t     *taskCore
	ctx   context.Context
	a     awaited // what the await waits for; nil for Sleep
	stop  func() bool
	fired bool  // the ctx interrupted the wait
	ended bool  // the wait is over: a late fire does nothing
	err   error // the ctx's error when it fired
}

// watch returns the watch for an await on a, or a Sleep when a is nil, made
// with ctx. It returns nil when only the task itself can make ctx done: the
// task's cancellation then takes its usual path. It returns ctx's error, and
// no watch, when ctx is done already for reasons of its own.
func (t *taskCore) watch(ctx context.Context, a awaited) (*ctxWatch, error) {
	for {
		s, ok := ctx.(*scopeCtx)
		if !ok {
			break
		}
		ctx = s.Context
	}
	if ctx == context.Context(t) {
		return nil, nil
	}
	done := ctx.Done()
	if done == nil || done == t.Done() {
		return nil, nil
	}
	if err := ctx.Err(); err != nil {
		if t.Err() != nil {
			return nil, nil
		}
		return nil, err
	}
	w := &ctxWatch{t: t, ctx: ctx, a: a}
	w.stop = context.AfterFunc(ctx, w.post)
	return w, nil
}

func (w *ctxWatch) post() { _, _ = w.t.fut.loop.CallSoonThreadsafe(w.fire) }

func (w *ctxWatch) fire() {
	if w.ended || w.fired {
		return
	}
	t := w.t
	if w.a == nil {
		if !t.sleeping {
			return
		}
		t.sleeping = false
		t.fut.loop.timers.remove(&t.timer)
		t.fut.loop.ready.push(t, nil)
	} else if t.waitFor != w.a || !w.a.cancel("") {
		return
	}
	w.fired, w.err = true, w.ctx.Err()
}

// end closes the watch when the wait is over and returns the wait's error:
// err, or the ctx's error if the ctx interrupted the wait.
func (w *ctxWatch) end(err error) error {
	w.stop()
	w.ended = true
	if err == nil && w.fired && (w.a == nil || w.a.core().state == stateCancelled) {
		return w.err
	}
	return err
}
