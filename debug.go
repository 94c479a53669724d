package asyncio

import (
	"fmt"
	"log/slog"
	"runtime/trace"
	"time"
)

// SetDebug turns debug mode on or off. In debug mode the loop logs callbacks
// and task steps that run longer than the slow-callback duration (see
// SetSlowCallbackDuration), and records where each task was created, for the
// reports about it. A watchdog goroutine also catches a step that blocks the
// loop while it still blocks (see [BlockedLoopError]). It may be called from any goroutine; a running loop sees
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

// runInstrumented runs n ready items one by one, as debug mode or profiling
// needs: debug mode times each (and keeps the watchdog informed, see
// watchdog.go), profiling makes each task step a trace region. Its first
// argument marks the loop's goroutine for the watchdog's stack capture.
//
//go:noinline
func (l *EventLoop) runInstrumented(mark stackMark, n int) {
	debug := l.debug.Load()
	if debug {
		l.startWatchdog()
	}
	tracing := l.obs != nil && mark[1] == driverMagic && trace.IsEnabled()
	for range n {
		l.pace()
		it := l.ready.pop()
		t, _ := it.r.(*taskCore)
		var region *trace.Region
		if tracing && t != nil {
			region = l.obs.stepRegion(t)
		}
		if !debug {
			it.r.run(it.src)
		} else {
			l.runTimed(it, t)
		}
		if region != nil {
			region.End()
		}
	}
}

// runTimed runs one ready item in debug mode: it publishes the step for the
// watchdog while it runs, and reports a slow one once it has ended, as
// asyncio does ("Executing <Task ...> took 0.250 seconds").
func (l *EventLoop) runTimed(it readyItem, t *taskCore) {
	start := time.Now()
	seq := l.steps.begin(t)
	it.r.run(it.src)
	blocked := l.steps.end(seq)
	d := time.Since(start)
	switch {
	case blocked != nil:
		// The watchdog reported this step while it blocked: close the story.
		blocked.Running, blocked.Ended = d, true
		c := ExceptionContext{Message: fmt.Sprintf("Executing %s took %.3f seconds", describeRunner(it.r), d.Seconds()), Err: blocked}
		if t != nil {
			c.Task = t.body
		}
		l.handle(c)
	case d >= l.SlowCallbackDuration():
		slog.Warn(fmt.Sprintf("Executing %s took %.3f seconds", describeRunner(it.r), d.Seconds()))
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
