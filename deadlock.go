package asyncio

import (
	"fmt"
	"strings"
	"time"
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
	ix := l.indexTasks()
	e := &DeadlockError{}
	for _, t := range ix.pending {
		e.Tasks = append(e.Tasks, t.body)
		e.Awaits = append(e.Awaits, t.awaiting(ix))
	}
	l.stopErr = e
	l.stopping = true
}

// awaiting describes what a suspended task waits for, in the words of the
// deadlock report, the task dumps and the call graph. ix tells which futures
// belong to a TaskGroup.
func (t *taskCore) awaiting(ix *taskIndex) string {
	if t.sleeping {
		if !t.timer.armed() {
			return "Sleep for ever"
		}
		d := t.fut.loop.deadline(&t.timer)
		return fmt.Sprintf("Sleep until %v (in %v)", d, (d - t.fut.loop.Time()).Round(time.Millisecond))
	}
	switch a := t.waitFor.(type) {
	case nil:
		return "nothing"
	case *taskCore:
		return a.body.String()
	case *waiter:
		return a.what + "." + a.op + waitLabel(a.src)
	case *gathering:
		return fmt.Sprintf("Gather of %d (%d done)", a.children.len(), a.finished)
	case *waiting:
		return fmt.Sprintf("Wait (%d to go)", a.counter)
	case *futureCore:
		if tg := ix.groups[a]; tg != nil {
			return fmt.Sprintf("TaskGroup exit (%d tasks pending)", tg.pending)
		}
		return "<Future " + a.stateString() + ">"
	case interface{ describeAwait() string }:
		return a.describeAwait()
	}
	return fmt.Sprintf("%T", t.waitFor)
}
