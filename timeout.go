package asyncio

import (
	"context"
	"errors"
	"math"
	"sync/atomic"
	"time"
)

// NoDeadline is the deadline of a timeout that never expires: asyncio's
// timeout(None). TimeoutScope.When reports it for a disabled scope.
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
// object. Timeout and TimeoutAt cover the common case; make a TimeoutScope
// with NewTimeout when the deadline must move while the block runs
// (Reschedule) or when you need to ask afterwards whether it expired.
//
// A TimeoutScope runs one block, once. Run and Reschedule must be called on
// its loop's goroutine (from the loop's coroutines and callbacks); When,
// Expired and String may be called from any goroutine, and so may the ctx it
// gives the block. The zero TimeoutScope has a deadline of zero: it expires
// at the block's first await, as NewTimeout(0) does.
type TimeoutScope struct {
	timer timer // armed while entered, with a deadline in the future
	armed bool  // a timer or an immediate expiry is queued

	state  atomic.Uint32 // a timeoutState; read by Expired and String from any goroutine
	when   atomic.Int64
	task   *taskCore
	entryN int32    // the task's cancel requests when the block began
	ctx    scopeCtx // the block's ctx, allocated with the scope
}

// NewTimeout returns a scope that expires when its loop's clock (see
// EventLoop.Time) reaches when; NoDeadline never expires. The clock starts
// when Run enters the block.
func NewTimeout(when time.Duration) *TimeoutScope {
	s := &TimeoutScope{}
	s.when.Store(int64(when))
	return s
}

// Timeout runs body inline in the coroutine that owns ctx, and cancels it if
// it is still running after d: asyncio's `async with timeout(d)`. The error
// is body's, except that the cancellation the expiry caused becomes a
// *TimeoutError (matching ErrTimeout and context.DeadlineExceeded). A d of
// zero or less expires at the body's first await; NoDeadline never expires.
//
// The ctx body receives reports the deadline through its Deadline method and
// ErrTimeout from Err once expired; awaits made with it suspend the same task.
//
// # Cancellation
//
// Only the cancellation the deadline caused is converted: a cancellation of
// the task from elsewhere, even one arriving in the same loop iteration as
// the deadline, passes through as the *CancelledError; of nested scopes,
// only the one whose deadline caused the cancellation converts it. A body
// that handles the cancellation and returns normally makes Timeout return
// nil (nothing was lost). An error other than a cancellation is returned
// unchanged, even after expiry.
//
// Timeout returns ErrNotInCoroutine, without running body, where ctx's
// coroutine is not the caller.
func Timeout(ctx context.Context, d time.Duration, body func(ctx context.Context) error) error {
	t, err := runningTask(ctx)
	if err != nil {
		return err
	}
	return NewTimeout(addDeadline(t.fut.loop.Time(), d)).Run(ctx, body)
}

// TimeoutAt behaves like Timeout with a deadline on the loop's clock (see
// EventLoop.Time) instead of a duration: asyncio's timeout_at.
func TimeoutAt(ctx context.Context, when time.Duration, body func(ctx context.Context) error) error {
	return NewTimeout(when).Run(ctx, body)
}

// Run runs body inside the scope, as Timeout describes. A scope runs once:
// a second Run returns an error matching ErrInvalidState, as does a Run
// where ctx's coroutine is not the caller (ErrNotInCoroutine).
func (s *TimeoutScope) Run(ctx context.Context, body func(ctx context.Context) error) error {
	t, err := runningTask(ctx)
	if err != nil {
		return err
	}
	if timeoutState(s.state.Load()) != timeoutCreated {
		return invalidState("Timeout has already been entered")
	}
	s.task, s.entryN = t, t.cancels.Load()
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
		return &TimeoutError{Cause: err}
	}
	return err
}

// When returns the scope's deadline on the loop's clock, or NoDeadline.
func (s *TimeoutScope) When() time.Duration { return time.Duration(s.when.Load()) }

// Expired reports whether the deadline passed while the block ran and
// cancelled it.
func (s *TimeoutScope) Expired() bool {
	st := timeoutState(s.state.Load())
	return st == timeoutExpiring || st == timeoutExpired
}

// Reschedule moves the deadline of a running scope to when, on the loop's
// clock; a deadline in the past expires in the next loop iteration, and
// NoDeadline disables the scope. Reschedule returns an error matching
// ErrInvalidState before Run has entered the block ("has not been entered")
// and once the scope has expired or finished, and ErrWrongGoroutine off the
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
