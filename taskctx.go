package asyncio

import (
	"context"
	"slices"
	"sync"
	"time"
)

// ctxState is what a task's ctx, or a scope's, reports through Done and Err,
// which any goroutine may call. A task's is created on first need: most
// tasks are never asked.
//
// Once set, it stays set: context's contract ("successive calls to Done return
// the same value"; "after Err returns a non-nil error, successive calls to Err
// return the same error") holds, so every ctx derived from it agrees with it
// for good. A cancel request that Uncancel withdraws therefore leaves the ctx
// done; the requests that scopes make and withdraw (Timeout, TaskGroup) mark
// only the scope's own ctx (see scopeCtx).
type ctxState struct {
	mu    sync.Mutex
	done  chan struct{} // created lazily; closed once err is set
	err   error
	after []*afterFunc // registered by AfterFunc while err is nil; run when it is set
}

// finishedCtx is the shared state of every task that finished before anyone
// asked for its ctx's channel.
var finishedCtx = func() *ctxState {
	s := &ctxState{done: make(chan struct{}), err: errTaskDone}
	close(s.done)
	return s
}()

var errTaskDone = &CancelledError{Message: "task is done"}

// ctx returns the task's ctx state, creating it if needed.
func (t *taskCore) ctx() *ctxState {
	if s := t.ctxState.Load(); s != nil {
		return s
	}
	t.ctxState.CompareAndSwap(nil, &ctxState{})
	return t.ctxState.Load()
}

// set makes Done closed with err, unless it is closed already, and runs the
// functions registered with afterFunc.
func (s *ctxState) set(err error) {
	if s == finishedCtx {
		return
	}
	s.mu.Lock()
	if s.err != nil {
		s.mu.Unlock()
		return
	}
	s.err = err
	if s.done != nil {
		close(s.done)
	}
	after := s.after
	s.after = nil
	s.mu.Unlock()
	for _, a := range after {
		a.f()
	}
}

func (s *ctxState) doneChan() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done == nil {
		s.done = make(chan struct{})
		if s.err != nil {
			close(s.done)
		}
	}
	return s.done
}

func (s *ctxState) getErr() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// afterFunc is one registration of AfterFunc; its address is its identity,
// for stop.
type afterFunc struct{ f func() }

// afterFunc registers f to run once s is set; see taskCore.AfterFunc.
func (s *ctxState) afterFunc(f func()) (stop func() bool) {
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

// Deadline reports no deadline: a task runs until it finishes or is cancelled.
func (t *taskCore) Deadline() (time.Time, bool) { return time.Time{}, false }

// Done returns a channel closed when the task is cancelled ([Task.Cancel], by
// any caller) or finishes. It stays closed, even if Uncancel withdraws the
// request and the task goes on. Done may be called from any goroutine.
func (t *taskCore) Done() <-chan struct{} { return t.ctx().doneChan() }

// Err returns nil while Done is open, and then a [*CancelledError] (which
// matches context.Canceled), for good. It may be called from any goroutine.
func (t *taskCore) Err() error {
	s := t.ctxState.Load()
	if s == nil {
		return nil
	}
	return s.getErr()
}

// Value returns the task for the package's own key and otherwise looks the key
// up in the ctx the task was created from.
func (t *taskCore) Value(key any) any {
	if _, ok := key.(taskKey); ok {
		return t
	}
	if t.parent == nil {
		return nil
	}
	return t.parent.Value(key)
}

func (t *taskCore) String() string { return t.body.String() }

// AfterFunc arranges for f to run once the task's ctx is done: when the task
// is cancelled or finishes. It returns stop, which unregisters f and reports
// whether it did so before f ran.
//
// It is the method package context looks for on a parent: with it,
// context.WithCancel, WithTimeout and AfterFunc derive from a task's ctx
// without starting a goroutine to watch it. f runs on the goroutine that
// cancels the task, usually the loop's, and must not block; context's own f
// only cancels the derived ctx. If the ctx is done already, f runs at once in
// a goroutine of its own, because context registers it while holding a lock
// that f takes.
func (t *taskCore) AfterFunc(f func()) (stop func() bool) { return t.ctx().afterFunc(f) }

// scopeCtx is the ctx a scope gives its body: a Timeout's block or a
// TaskGroup's body. A scope interrupts its body by cancelling the task (so
// that the body's current await returns) and later withdraws that request
// with Uncancel. The cancellation is local to the scope, as in trio's cancel
// scopes: the scope's ctx is done, from then on and for good, while the
// task's ctx is not, so contexts derived from the task's ctx outside the
// scope are unaffected. The scope's ctx is also done when its parent is.
type scopeCtx struct {
	context.Context                 // the ctx the scope was entered with
	task            *taskCore       // the task running the body
	base            context.Context // the nearest ancestor that is not a scopeCtx
	timeout         *TimeoutScope   // the Timeout whose block this is, or nil
	st              ctxState
	linked          bool // registered with the parent; guarded by st.mu
}

// init binds c to parent, the ctx the scope is entered with, in task t.
func (c *scopeCtx) init(parent context.Context, t *taskCore, timeout *TimeoutScope) {
	c.Context, c.task, c.timeout = parent, t, timeout
	c.base = parent
	if p, ok := parent.(*scopeCtx); ok {
		c.base = p.base
	}
}

// cancel marks the scope's ctx done with err: the scope is interrupting its
// body.
func (c *scopeCtx) cancel(err error) { c.st.set(err) }

// link makes c done when its parent is, registering once, on first need:
// most scopes are never asked for a channel.
func (c *scopeCtx) link() {
	c.st.mu.Lock()
	if c.linked || c.st.err != nil {
		c.st.mu.Unlock()
		return
	}
	c.linked = true
	c.st.mu.Unlock()
	parent := c.Context
	if err := parent.Err(); err != nil {
		c.st.set(err)
		return
	}
	mark := func() { c.st.set(parent.Err()) }
	if p, ok := parent.(interface{ AfterFunc(func()) func() bool }); ok {
		p.AfterFunc(mark) // a task's or a scope's: runs mark as it is cancelled, on its goroutine
		return
	}
	if parent.Done() != nil {
		context.AfterFunc(parent, mark)
	}
}

// Done returns a channel closed when the scope cancels its body or its
// parent ctx is done.
func (c *scopeCtx) Done() <-chan struct{} {
	c.link()
	return c.st.doneChan()
}

// Err returns the scope's own error (ErrTimeout for an expired Timeout, a
// [*CancelledError] for a [TaskGroup] that cancelled its body) or the parent's,
// and keeps the first one for good.
func (c *scopeCtx) Err() error {
	if err := c.st.getErr(); err != nil {
		return err
	}
	if err := c.Context.Err(); err != nil {
		c.st.set(err)
		return c.st.getErr()
	}
	return nil
}

// Value finds the task at once, however deeply scopes nest.
func (c *scopeCtx) Value(key any) any {
	if _, ok := key.(taskKey); ok {
		return c.task
	}
	return c.Context.Value(key)
}

// Deadline reports the earlier of the Timeout's deadline and the parent's, as
// wall-clock time (see clock.wallTime).
func (c *scopeCtx) Deadline() (time.Time, bool) {
	pd, ok := c.Context.Deadline()
	if c.timeout == nil {
		return pd, ok
	}
	when := time.Duration(c.timeout.when.Load())
	if when == NoDeadline {
		return pd, ok
	}
	d := c.task.fut.loop.clock.wallTime(when)
	if ok && pd.Before(d) {
		return pd, true
	}
	return d, true
}

// AfterFunc lets context.WithCancel and friends derive from the scope's ctx
// without a goroutine each (see taskCore.AfterFunc).
func (c *scopeCtx) AfterFunc(f func()) func() bool {
	c.link()
	return c.st.afterFunc(f)
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

	prev, next *ctxWatch // the loop's list of watches in progress (see idle)
}

// watch returns the watch for an await on a, or a Sleep when a is nil, made
// with ctx. It returns nil when only the task itself can make ctx done: the
// task's cancellation then takes its usual path. It returns ctx's error, and
// no watch, when ctx is done already and no cancel request of the task's is
// pending: a done ctx fails the call, as it would any ctx-aware Go call.
func (t *taskCore) watch(ctx context.Context, a awaited) (*ctxWatch, error) {
	if s, ok := ctx.(*scopeCtx); ok {
		ctx = s.base
	}
	if ctx == context.Context(t) {
		return nil, nil
	}
	done := ctx.Done()
	if done == nil || done == t.Done() {
		return nil, nil
	}
	if err := ctx.Err(); err != nil {
		if t.cancels.Load() > 0 || t.mustCancel {
			return nil, nil // the task's own request takes its usual path
		}
		return nil, err
	}
	w := &ctxWatch{t: t, ctx: ctx, a: a}
	w.stop = context.AfterFunc(ctx, w.post)
	t.fut.loop.watches.add(w)
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
		t.fut.loop.disarm(&t.timer)
		t.fut.loop.soon(t, nil)
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
	w.t.fut.loop.watches.remove(w)
	if err == nil && w.fired && (w.a == nil || w.a.core().state == stateCancelled) {
		return w.err
	}
	return err
}

// watchList is the loop's intrusive list of ctx watches in progress. The
// virtual clock consults it (see idle): a watched ctx that is done has a post
// on its way, and a watched ctx with a deadline will be done by then, both
// from outside the loop.
type watchList struct{ head *ctxWatch }

func (l *watchList) add(w *ctxWatch) {
	w.next = l.head
	if l.head != nil {
		l.head.prev = w
	}
	l.head = w
}

func (l *watchList) remove(w *ctxWatch) {
	switch {
	case w.prev != nil:
		w.prev.next = w.next
	case l.head == w:
		l.head = w.next
	default:
		return // not in the list
	}
	if w.next != nil {
		w.next.prev = w.prev
	}
	w.prev, w.next = nil, nil
}

// posting reports whether a watched ctx is done and its post to the loop
// may still be on its way.
func (l *watchList) posting() bool {
	for w := l.head; w != nil; w = w.next {
		if !w.fired && w.ctx.Err() != nil {
			return true
		}
	}
	return false
}

// deadline returns the earliest deadline of the watched ctxs: the wall-clock
// time by which one of them will be done.
func (l *watchList) deadline() (time.Time, bool) {
	var first time.Time
	found := false
	for w := l.head; w != nil; w = w.next {
		if d, ok := w.ctx.Deadline(); ok && (!found || d.Before(first)) {
			first, found = d, true
		}
	}
	return first, found
}
