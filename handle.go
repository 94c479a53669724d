package asyncio

import (
	"fmt"
	"sync/atomic"
	"time"
)

// A Handle is a callback scheduled on an event loop by CallSoon or
// CallSoonThreadsafe. It runs once, in a later loop iteration, unless
// cancelled first. The zero Handle schedules nothing; its Cancel only marks
// it cancelled.
type Handle struct {
	fn        func()
	loop      *EventLoop
	cancelled atomic.Bool // set on the loop's goroutine; read from any
}

// Cancel stops the callback from running if it has not run yet; otherwise it
// does nothing. It may be called from any goroutine, also while the loop is
// not running: from a goroutine other than the loop's (or, while it is
// stopped, its owner's), Cancel passes the request to the loop with
// CallSoonThreadsafe, so the callback may still run once before the request
// arrives.
func (h *Handle) Cancel() {
	if h.loop == nil { // the zero Handle
		h.cancelled.Store(true)
		return
	}
	_ = h.loop.threadsafe(func() { h.cancelled.Store(true) })
}

// Cancelled reports whether Cancel took effect. It may be called from any
// goroutine.
func (h *Handle) Cancelled() bool { return h.cancelled.Load() }

func (h *Handle) String() string {
	if h.cancelled.Load() {
		return "<Handle cancelled>"
	}
	return fmt.Sprintf("<Handle %p>", h.fn)
}

func (h *Handle) run(*futureCore) {
	if h.cancelled.Load() {
		return
	}
	h.loop.runCallback(h, h.fn)
}

// A TimerHandle is a callback scheduled by CallLater or CallAt. The zero
// TimerHandle, like the zero [Handle], schedules nothing, and When reports 0.
type TimerHandle struct {
	Handle
	timer timer
	when  time.Duration
}

// When returns the loop time at which the callback is scheduled to run.
func (h *TimerHandle) When() time.Duration { return h.when }

// Cancel stops the callback from running if it has not run yet, and removes
// it from the loop's timers at once. Called from another goroutine it behaves
// as [Handle.Cancel] does.
func (h *TimerHandle) Cancel() {
	if h.loop == nil { // the zero TimerHandle
		h.cancelled.Store(true)
		return
	}
	_ = h.loop.threadsafe(func() {
		h.cancelled.Store(true)
		h.loop.disarm(&h.timer)
	})
}

func (h *TimerHandle) String() string {
	state := "pending"
	if h.cancelled.Load() {
		state = "cancelled"
	}
	return fmt.Sprintf("<TimerHandle %s when=%v>", state, h.when)
}
