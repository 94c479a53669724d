package asyncio

import (
	"fmt"
	"strings"
)

// A DeadlockError reports that a loop on the virtual clock stopped because
// nothing could ever happen again: no callback was ready, no timer was
// pending, no work outside the loop was in progress and no file descriptor
// was registered, yet tasks were still waiting. asyncio would hang here.
// It matches [ErrDeadlock] under [errors.Is].
//
// The zero DeadlockError, with no tasks, matches ErrDeadlock as any does.
type DeadlockError struct {
	// Tasks are the pending tasks, oldest first.
	Tasks []AnyTask
	// Awaits says, for each of Tasks, what it was waiting for.
	Awaits []string
}

func (e *DeadlockError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "asyncio: deadlock: nothing is ready, no timer is pending and nothing outside the loop is in progress; %d pending task", len(e.Tasks))
	if len(e.Tasks) != 1 {
		b.WriteByte('s')
	}
	for i, t := range e.Tasks {
		fmt.Fprintf(&b, "\n\t%s awaits %s", t.Name(), e.Awaits[i])
	}
	return b.String()
}

// Is reports whether target is ErrDeadlock.
func (e *DeadlockError) Is(target error) bool { return target == ErrDeadlock }

// deadlocked stops the loop with a report of what every pending task awaits.
func (l *EventLoop) deadlocked() {
	e := &DeadlockError{Tasks: l.tasks.all()}
	for _, t := range e.Tasks {
		e.Awaits = append(e.Awaits, t.awaitable().(*taskCore).awaiting())
	}
	l.stopErr = e
	l.stopping = true
}

// awaiting describes what a suspended task waits for, for a deadlock report.
func (t *taskCore) awaiting() string {
	if t.sleeping {
		if !t.timer.armed() {
			return "Sleep for ever"
		}
		return fmt.Sprintf("Sleep until %v", t.fut.loop.deadline(&t.timer))
	}
	switch a := t.waitFor.(type) {
	case nil:
		return "nothing"
	case *taskCore:
		return a.body.String()
	case *waiter:
		return a.what + "." + a.op
	case *gathering:
		return fmt.Sprintf("Gather of %d (%d done)", a.children.len(), a.finished)
	case *waiting:
		return "Wait"
	case *futureCore:
		return "<Future " + a.stateString() + ">"
	}
	return fmt.Sprintf("%T", t.waitFor)
}
