package asyncio

import (
	"context"
	"errors"
	"math"
	"sync/atomic"
	"time"
)

// NoDeadline is the deadline of a timeout that never expires: asyncio's
// timeout(None). [TimeoutScope.When] reports it for a disabled scope.
const NoDeadline = time.Duration(math.MaxInt64)

type timeoutState uint8

const (
	timeoutCreated timeoutState = iota
	timeoutEntered
	timeoutExpiring // the deadline passed and cancelled the task; Run has not returned
	timeoutExpired
	timeoutExited
)

var timeoutStateNames = [...]string{"created", "entered", "expiring", "expired", "finished"}

// A TimeoutScope is a deadline on a block of a coroutine: asyncio's Timeout
// object. [Timeout] and [TimeoutAt] cover the common case; make a
// TimeoutScope with [NewTimeoutScope] (a delay, asyncio.timeout) or
// [NewTimeoutScopeAt] (a time on the loop's clock, asyncio.timeout_at) when
// the deadline must move while the block runs ([TimeoutScope.Reschedule]) or
// when you need to ask afterwards whether it expired.
//
// A TimeoutScope runs one block, once. Run and Reschedule must be called on
// its loop's goroutine (from the loop's coroutines and callbacks); When,
// Expired and String may be called from any goroutine, and so may the ctx it
// gives the block. The zero TimeoutScope is NewTimeoutScope(0): it expires at
// the block's first await.
type TimeoutScope struct {
	timer timer // armed while entered, with a deadline in the future
	armed bool  // a timer or an immediate expiry is queued

	state    atomic.Uint32 // a timeoutState; read by Expired and String from any goroutine
	when     atomic.Int64  // the deadline; for a relative scope, its delay until Run resolves it
	absolute bool          // made by NewTimeoutScopeAt: when is a deadline from the start
	task     *taskCore
	op       string        // what the error names: "Timeout", "TimeoutAt" or "" for TimeoutScope
	entered  time.Duration // the loop time when Run entered the block
	entryN   int32         // the task's cancel requests when the block began
	ctx      scopeCtx      // the block's ctx, allocated with the scope
}

// NewTimeoutScope returns a scope that expires d after [TimeoutScope.Run]
// enters its block: asyncio's timeout(delay) object. The deadline is resolved
// on the loop's clock when Run starts, so making the scope needs no loop. A d
// of zero or less expires at the block's first await; [NoDeadline] never
// expires.
func NewTimeoutScope(d time.Duration) *TimeoutScope {
	s := &TimeoutScope{}
	s.when.Store(int64(d))
	return s
}

// NewTimeoutScopeAt returns a scope that expires when its loop's clock (see
// [EventLoop.Time]) reaches when: asyncio's timeout_at(when) object. A when
// already past when Run enters the block expires at the block's first await;
// [NoDeadline] never expires.
func NewTimeoutScopeAt(when time.Duration) *TimeoutScope {
	s := &TimeoutScope{absolute: true}
	s.when.Store(int64(when))
	return s
}

// Timeout runs body inline in the coroutine that owns ctx, and cancels it if
// it is still running after d: asyncio's `async with timeout(d)`. The error
// is body's, except that the cancellation the expiry caused becomes a
// [*TimeoutError] (matching [ErrTimeout] and [context.DeadlineExceeded]). A d of
// zero or less expires at the body's first await; [NoDeadline] never expires.
//
// The ctx body receives reports the deadline through its Deadline method and
// ErrTimeout from Err once expired; awaits made with it suspend the same task.
//
// # Cancellation
//
// Only the cancellation the deadline caused is converted: a cancellation of
// the task from elsewhere, even one arriving in the same loop iteration as
// the deadline, passes through as the [*CancelledError]; of nested scopes,
// only the one whose deadline caused the cancellation converts it. A body
// that handles the cancellation and returns normally makes Timeout return
// nil (nothing was lost). An error other than a cancellation is returned
// unchanged, even after expiry.
//
// Timeout returns [ErrNotInCoroutine], without running body, where ctx's
// coroutine is not the caller.
func Timeout(ctx context.Context, d time.Duration, body func(ctx context.Context) error) error {
	s := NewTimeoutScope(d)
	s.op = "Timeout"
	return s.Run(ctx, body)
}

// TimeoutAt behaves like Timeout with a deadline on the loop's clock (see
// [EventLoop.Time]) instead of a duration: asyncio's timeout_at.
func TimeoutAt(ctx context.Context, when time.Duration, body func(ctx context.Context) error) error {
	return timeoutAt(ctx, "TimeoutAt", when, body)
}

// timeoutAt is TimeoutAt, with op naming the caller in the *TimeoutError.
func timeoutAt(ctx context.Context, op string, when time.Duration, body func(ctx context.Context) error) error {
	s := NewTimeoutScopeAt(when)
	s.op = op
	return s.Run(ctx, body)
}

// Run runs body inside the scope, as [Timeout] describes; a scope made by
// [NewTimeoutScope] takes its deadline from the loop's clock now. A scope runs
// once: a second Run returns an error matching [ErrInvalidState]. Where ctx's
// coroutine is not the caller, Run returns [ErrNotInCoroutine] and leaves the
// scope unused.
func (s *TimeoutScope) Run(ctx context.Context, body func(ctx context.Context) error) error {
	t, err := runningTask(ctx)
	if err != nil {
		return err
	}
	if timeoutState(s.state.Load()) != timeoutCreated {
		return invalidState("Timeout has already been entered")
	}
	s.task, s.entryN, s.entered = t, t.cancels.Load(), t.fut.loop.Time()
	if !s.absolute {
		s.when.Store(int64(addDeadline(s.entered, time.Duration(s.when.Load()))))
	}
	s.state.Store(uint32(timeoutEntered))
	s.arm(time.Duration(s.when.Load()))
	defer s.disarm() // also when body panics: a later expiry would cancel a task that left the scope
	s.ctx.init(ctx, t, s)
	err = body(&s.ctx)
	s.disarm()
	if timeoutState(s.state.Load()) != timeoutExpiring {
		s.state.Store(uint32(timeoutExited))
		return err
	}
	s.state.Store(uint32(timeoutExpired))
	if t.uncancel() <= s.entryN && err != nil && errors.Is(err, ErrCancelled) {
		return s.timeoutError(err)
	}
	return err
}

// timeoutError is the *TimeoutError of an expiry that interrupted the block
// with cause.
func (s *TimeoutScope) timeoutError(cause error) *TimeoutError {
	op := s.op
	if op == "" {
		op = "TimeoutScope"
	}
	when := s.When()
	return &TimeoutError{Cause: cause, Op: op, Delay: when - s.entered, Deadline: when}
}

// When returns the scope's deadline on the loop's clock, or [NoDeadline] for
// a scope that never expires. A scope made by [NewTimeoutScope] has a deadline
// only once Run has entered its block; before that When reports NoDeadline.
func (s *TimeoutScope) When() time.Duration {
	if !s.absolute && timeoutState(s.state.Load()) == timeoutCreated {
		return NoDeadline
	}
	return time.Duration(s.when.Load())
}

// Expired reports whether the deadline passed while the block ran and
// cancelled it.
func (s *TimeoutScope) Expired() bool {
	st := timeoutState(s.state.Load())
	return st == timeoutExpiring || st == timeoutExpired
}

// Reschedule moves the deadline of a running scope to when, a time on the
// loop's clock (as asyncio's reschedule takes; add a delay to
// [EventLoop.Time] for a relative one); a deadline in the past expires in the next loop iteration, and
// [NoDeadline] disables the scope. Reschedule returns an error matching
// [ErrInvalidState] before Run has entered the block ("has not been entered")
// and once the scope has expired or finished, and [ErrWrongGoroutine] off the
// loop's goroutine.
func (s *TimeoutScope) Reschedule(when time.Duration) error {
	switch st := timeoutState(s.state.Load()); {
	case st == timeoutCreated:
		return invalidState("Timeout has not been entered")
	case !s.task.fut.loop.onLoopGoroutine(): // s.task was set before the state
		return ErrWrongGoroutine
	case st != timeoutEntered:
		return invalidState("cannot change state of %s Timeout", timeoutStateNames[st])
	}
	s.disarm()
	s.when.Store(int64(when))
	s.arm(when)
	return nil
}

func (s *TimeoutScope) String() string {
	return "<Timeout " + timeoutStateNames[s.state.Load()] + ">"
}

// arm schedules the expiry. A deadline already past expires through the
// ready queue, as asyncio's call_soon does, so that one yield inside the
// block is enough to be interrupted; a timer would fire only after the
// callbacks queued meanwhile, letting a Sleep(ctx, 0) slip through.
func (s *TimeoutScope) arm(when time.Duration) {
	if when == NoDeadline {
		return
	}
	l := s.task.fut.loop
	s.armed = true
	if when <= l.Time() {
		l.soon(s, nil)
		return
	}
	l.arm(&s.timer, when, s)
}

func (s *TimeoutScope) disarm() {
	s.armed = false
	s.task.fut.loop.disarm(&s.timer)
}

// run is the expiry: from the timer heap, or the ready queue for a past
// deadline. An entry left in the ready queue by a disarm or a Reschedule to
// a later deadline finds the scope disarmed or its timer back in the heap.
func (s *TimeoutScope) run(*futureCore) {
	if !s.armed || s.timer.armed() || timeoutState(s.state.Load()) != timeoutEntered {
		return
	}
	s.armed = false
	s.state.Store(uint32(timeoutExpiring))
	s.ctx.cancel(ErrTimeout)
	s.task.cancelScoped("")
}
