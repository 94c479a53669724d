package asyncio

// The blocked-loop watchdog of debug mode.
//
// asyncio's debug mode logs a slow callback once it has returned: by then the
// stack that blocked is gone, and a step that never returns is never
// reported. Here a goroutine watches the step running now, published by the
// loop in three atomics (a sequence number, odd while a step runs, its start
// and its task), and when one runs past the slow-callback duration it
// captures the stack of the goroutine running it, while it still blocks, and
// reports it through the exception handler. The loop reports the same step
// again once it ends, with its total duration.
//
// The watchdog runs only while a loop runs in debug mode: the loop starts it
// in its first debug iteration and stops it, waiting for it to exit, when
// RunForever or RunUntilComplete returns. Between checks it sleeps a quarter
// of the threshold (at least 1ms, at most 100ms), so a step is reported at
// most that late, and it never reports a step shorter than the threshold.

import (
	"fmt"
	"strings"
	"sync/atomic"
	"time"
	"unsafe"
)

// A BlockedLoopError is the error of the exception handler's reports about a
// step (a task's or a callback's) that ran longer than the slow-callback
// duration in debug mode: one while the step still runs, made by the
// watchdog's goroutine (the loop's is the one blocked), and one when the step
// ends, made on the loop's goroutine. The handler must not call loop methods
// from the first: only those safe from any goroutine.
//
// The zero BlockedLoopError describes a callback with no stack.
type BlockedLoopError struct {
	Task    string        // the task's name, or "" for a callback
	Running time.Duration // how long the step had run: its total duration once Ended
	Ended   bool          // the report made once the step returned
	Stack   []Frame       // the step's goroutine, captured while it blocked, innermost call first
}

func (e *BlockedLoopError) Error() string {
	var b strings.Builder
	who := "a callback"
	if e.Task != "" {
		who = fmt.Sprintf("task %q", e.Task)
	}
	verb := "has blocked"
	if e.Ended {
		verb = "blocked"
	}
	fmt.Fprintf(&b, "asyncio: %s %s the loop for %.3f seconds", who, verb, e.Running.Seconds())
	if len(e.Stack) > 0 {
		b.WriteString(", in:\n")
		b.WriteString(strings.TrimSuffix(formatFrames(e.Stack, "\t"), "\n"))
	}
	return b.String()
}

// stepClock publishes the step a debug-mode loop runs, for its watchdog.
type stepClock struct {
	seq         atomic.Uint64                    // odd while a step runs
	start       atomic.Int64                     // when the step began, in monoNow's terms
	task        atomic.Pointer[taskCore]         // the step's task, nil for a callback
	reported    atomic.Pointer[BlockedLoopError] // the watchdog's report of step reportedSeq
	reportedSeq atomic.Uint64
	dog         *watchdog // loop goroutine only
}

// monoBase is the origin of monoNow: a monotonic clock reading shared across
// goroutines as a number.
var monoBase = time.Now()

func monoNow() int64 { return int64(time.Since(monoBase)) }

// begin publishes the start of a step of t (nil for a callback) and returns
// its sequence number.
func (s *stepClock) begin(t *taskCore) uint64 {
	s.task.Store(t)
	s.start.Store(monoNow())
	return s.seq.Add(1)
}

// end publishes the end of step seq and returns the watchdog's report of it,
// if it made one.
func (s *stepClock) end(seq uint64) *BlockedLoopError {
	s.seq.Add(1)
	s.task.Store(nil)
	if s.reportedSeq.Load() == seq {
		if e := s.reported.Load(); e != nil {
			c := *e // the first report's error is the handler's: do not change it under it
			return &c
		}
	}
	return nil
}

// A watchdog is the goroutine that watches a loop's steps.
type watchdog struct {
	stop chan struct{} // closed to stop it
	done chan struct{} // closed when it has stopped
}

// startWatchdog starts l's watchdog unless it runs already.
func (l *EventLoop) startWatchdog() {
	if l.steps.dog != nil {
		return
	}
	d := &watchdog{stop: make(chan struct{}), done: make(chan struct{})}
	l.steps.dog = d
	go d.watch(l)
}

// stopWatchdog stops l's watchdog, if it runs, and waits for it to exit.
func (l *EventLoop) stopWatchdog() {
	if d := l.steps.dog; d != nil {
		l.steps.dog = nil
		close(d.stop)
		<-d.done
	}
}

func (d *watchdog) watch(l *EventLoop) {
	defer close(d.done)
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		threshold := l.SlowCallbackDuration()
		timer.Reset(min(max(threshold/4, time.Millisecond), 100*time.Millisecond))
		select {
		case <-d.stop:
			return
		case <-timer.C:
		}
		d.check(l, threshold)
	}
}

// check reports the step running now if it has run for threshold or longer
// and was not reported yet.
func (d *watchdog) check(l *EventLoop, threshold time.Duration) {
	s := &l.steps
	seq := s.seq.Load()
	if seq%2 == 0 || s.reportedSeq.Load() == seq {
		return
	}
	t, start := s.task.Load(), s.start.Load()
	if s.seq.Load() != seq {
		return // it ended as we read it
	}
	running := time.Duration(monoNow() - start)
	if running < threshold {
		return
	}
	mark := stackMark{uintptr(unsafe.Pointer(l)), driverMagic}
	if t != nil {
		mark = stackMark{uintptr(unsafe.Pointer(t)), taskMagic}
	}
	stack := allStacks().find(mark)
	if s.seq.Load() != seq {
		return // it ended while the stacks were taken: the loop reports it
	}
	e := &BlockedLoopError{Running: running, Stack: stack}
	c := ExceptionContext{Message: "Executing a callback is blocking the loop", Err: e}
	if t != nil {
		e.Task = t.name()
		c.Task = t.body
		c.Message = fmt.Sprintf("Task %q is blocking the loop", e.Task)
	}
	s.reported.Store(e)
	s.reportedSeq.Store(seq)
	l.handle(c)
}
