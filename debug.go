package asyncio

import (
	"fmt"
	"log/slog"
	"time"
)

// SetDebug turns debug mode on or off. In debug mode the loop logs callbacks
// and task steps that run longer than the slow-callback duration (see
// SetSlowCallbackDuration), and records where each task was created, for the
// reports about it. It may be called from any goroutine; a running loop sees
// the change from its next iteration.
func (l *EventLoop) SetDebug(on bool) { l.debug.Store(on) }

// GetDebug reports whether debug mode is on. It may be called from any
// goroutine.
func (l *EventLoop) GetDebug() bool { return l.debug.Load() }

// SetSlowCallbackDuration sets the run time above which debug mode logs a
// callback or task step as slow; the default is 100ms. It is measured on the
// wall clock, even on a virtual-clock loop. It may be called from any
// goroutine.
func (l *EventLoop) SetSlowCallbackDuration(d time.Duration) { l.slowCB.Store(int64(d)) }

// SlowCallbackDuration returns the duration set by SetSlowCallbackDuration.
// It may be called from any goroutine.
func (l *EventLoop) SlowCallbackDuration() time.Duration { return time.Duration(l.slowCB.Load()) }

// runDebug runs n ready callbacks, timing each.
func (l *EventLoop) runDebug(n int) {
	for range n {
		it := l.ready.pop()
		start := time.Now()
		it.r.run(it.src)
		if d := time.Since(start); d >= l.SlowCallbackDuration() {
			slog.Warn(fmt.Sprintf("Executing %s took %.3f seconds", describeRunner(it.r), d.Seconds()))
		}
	}
}

// describeRunner names a ready item for a log line: handles and tasks say what
// they are; internal runners give only their type, since formatting their
// fields would dump loop state.
func describeRunner(r runner) string {
	if s, ok := r.(fmt.Stringer); ok {
		return s.String()
	}
	return fmt.Sprintf("%T", r)
}
