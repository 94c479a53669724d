package asyncio

import (
	"sync/atomic"
	"time"
)

// A clock is a loop's time source: the monotonic clock since the loop was
// made, or, with WithVirtualClock, virtual time that the loop moves itself.
type clock struct {
	virtual bool         // set once by WithVirtualClock
	vnow    atomic.Int64 // virtual time; written by the loop goroutine only
	start   time.Time    // origin of the real clock
	// busySince is when the virtual clock last caught up with real time
	// (loop goroutine only): see catchUp.
	busySince time.Time
}

func (c *clock) now() time.Duration {
	if c.virtual {
		return time.Duration(c.vnow.Load())
	}
	return time.Since(c.start)
}

// wallTime converts a loop time to wall-clock time, for Deadline methods:
// on a virtual clock, now plus what remains, the only reading that means
// anything to code outside the loop.
func (c *clock) wallTime(when time.Duration) time.Time {
	if c.virtual {
		return time.Now().Add(when - c.now())
	}
	return c.start.Add(when)
}

// Time returns the loop's current time: the time elapsed on its monotonic (or
// virtual) clock since the loop was created. It may be called from any
// goroutine.
func (l *EventLoop) Time() time.Duration { return l.clock.now() }

// addDeadline returns now+d, saturating at NoDeadline.
func addDeadline(now, d time.Duration) time.Duration {
	if d >= NoDeadline-now {
		return NoDeadline
	}
	return now + d
}

// idle waits for something to do when nothing is ready: until the next timer
// is due, a thread-safe post arrives or, with I/O, an fd is ready.
//
// The virtual clock's rule: when nothing outside the loop can make anything
// happen (no outside work in progress, no fd registered, no watched ctx done
// with its post on the way), the clock jumps straight to the next timer. With
// no timer either, nothing can ever happen again: if tasks are pending, the
// loop reports a deadlock instead of hanging, unless an await's ctx has a
// wall-clock deadline, which is then waited for in real time; a loop with no
// task waits for posts. While outside work is in progress (ToThread,
// Recv, Send) or fds are registered, the clock does not jump: the loop waits
// in real time, for at most the time left until the next timer, and the
// clock advances by the real time that passed. So the virtual clock never
// runs slower than the real one, and never jumps past an event that may
// still arrive from outside.
func (l *EventLoop) idle() {
	timeout := time.Duration(-1) // no limit
	next, armed := l.timers.next()
	if armed {
		timeout = max(0, next-l.Time())
	}
	if !l.clock.virtual {
		l.poller().wait(timeout)
		return
	}
	if !l.realTimeBound() {
		switch {
		case armed:
			if timeout > 0 {
				l.clock.vnow.Store(int64(next))
			}
			return
		case l.tasks.n == 0:
			// Nothing is stuck: a loop with no task waits for posts, as a
			// loop serving CallSoonThreadsafe calls does.
		default:
			d, ok := l.watches.deadline()
			if !ok {
				l.deadlocked()
				return
			}
			timeout = max(0, time.Until(d)) // a wall-clock deadline will end an await
		}
	}
	start := time.Now()
	l.poller().wait(timeout)
	elapsed := time.Since(start)
	if timeout >= 0 {
		elapsed = min(elapsed, timeout)
	}
	l.clock.vnow.Add(int64(elapsed))
	// The wait is counted, up to the timer it waited for, which thus sees
	// its exact time; what the wait overran by is left for the next
	// catchUp, so that the clock still keeps up with real time.
	l.clock.busySince = start.Add(elapsed)
}

// realTimeBound reports whether the virtual clock must follow real time:
// something outside the loop (work on another goroutine, an fd, a watched
// ctx) may make something happen at any moment.
func (l *EventLoop) realTimeBound() bool {
	return l.external > 0 || l.poller().interest() || l.watches.posting()
}

// catchUp, called at the start of each iteration of a loop on the virtual
// clock, adds the real time the loop spent running callbacks since the last
// one, while the clock must follow real time. idle counts the time the loop
// waits; without this, a loop kept busy by its sockets, never idle, would
// let its virtual clock fall behind the real one (a Timeout around a busy
// stream would not expire), breaking the rule that it never runs slower.
// On a clock free to jump, run time counts for nothing, as before.
func (l *EventLoop) catchUp() {
	now := time.Now()
	if !l.clock.busySince.IsZero() && l.realTimeBound() {
		l.clock.vnow.Add(int64(now.Sub(l.clock.busySince)))
	}
	l.clock.busySince = now
}

// beginExternal records that work on another goroutine will post its outcome
// to the loop, and endExternal, called on the loop goroutine by that post,
// that it has. Both run on the loop's goroutine, so the count is exact
// whenever idle reads it: the post is either queued, and will be run, or the
// work is still counted.
func (l *EventLoop) beginExternal() { l.external++ }
func (l *EventLoop) endExternal()   { l.external-- }
