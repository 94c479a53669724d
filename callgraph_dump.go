package asyncio

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// ErrLoopNotRunning reports a dump asked from another goroutine of a loop
// that is not running: only its owner may read it then.
var ErrLoopNotRunning = errors.New("asyncio: event loop is not running")

// A LoopDump is every pending task of a loop at one instant, as a forest:
// each task under the task waiting for it (see [CallGraphNode.AwaitedBy]),
// the others at the top. It is what `python -m asyncio pstree` shows, and
// marshals to JSON as is.
//
// The zero LoopDump is a dump of no loop and no task.
type LoopDump struct {
	Loop    uint64        `json:"loop"`    // the loop's number: 1 for the first loop run, and so on; 0 for one never run
	Time    time.Duration `json:"time"`    // the loop's clock (see EventLoop.Time)
	Running bool          `json:"running"` // the loop was running
	Tasks   []*TaskTree   `json:"tasks"`   // the roots, oldest first
	// Cycles are the tasks that wait for one another in a ring, each
	// awaiting the next or the Lock the next holds, the last the first:
	// a deadlock. Each lists task names, oldest first.
	Cycles [][]string `json:"cycles,omitempty"`
	// Err is why a loop of DumpRunningLoops gave no dump, or "".
	Err string `json:"error,omitempty"`
}

// A TaskTree is a task of a [LoopDump] and the tasks waiting for it.
//
// The zero TaskTree describes no task.
type TaskTree struct {
	TaskInfo
	// AlsoAwaitedBy names the waiting tasks other than the one this task
	// is listed under.
	AlsoAwaitedBy []string    `json:"also_awaited_by,omitempty"`
	Children      []*TaskTree `json:"children,omitempty"`
}

// DumpTasks returns a dump of l's pending tasks. It may be called from any
// goroutine: from another goroutine than l's it hands the work to l through
// CallSoonThreadsafe and waits until l has done it, or until ctx is done
// (l may be blocked by a step that does not return; debug mode's watchdog
// reports such a step). The loop runs nothing else while it builds the dump,
// which takes one runtime.Stack of every goroutine; it is not held any longer.
//
// DumpTasks returns ctx's error if ctx ends first, [ErrLoopClosed] for a
// closed loop, and, from another goroutine, [ErrLoopNotRunning] when l is
// not running (its owner may then dump it directly).
func (l *EventLoop) DumpTasks(ctx context.Context) (*LoopDump, error) {
	if l.onLoopGoroutine() {
		if l.closed.Load() {
			return nil, ErrLoopClosed
		}
		return l.dump(), nil
	}
	if !l.IsRunning() {
		if l.closed.Load() {
			return nil, ErrLoopClosed
		}
		return nil, ErrLoopNotRunning
	}
	got := make(chan *LoopDump, 1) // the loop never waits for us
	if _, err := l.CallSoonThreadsafe(func() { got <- l.dump() }); err != nil {
		return nil, err
	}
	select {
	case d := <-got:
		return d, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// DumpRunningLoops dumps every running loop of the process, as
// [EventLoop.DumpTasks] does, one loop after another; a loop that gives no
// dump before ctx is done, or stops meanwhile, is listed with its error in
// Err. It may be called from any goroutine, but not from a loop's own
// goroutine or coroutine, which would wait for itself: it then returns
// [ErrWrongGoroutine].
func DumpRunningLoops(ctx context.Context) ([]*LoopDump, error) {
	if inRunningLoop() {
		return nil, ErrWrongGoroutine
	}
	runningLoops.Lock()
	loops := slices.Clone(runningLoops.loops)
	runningLoops.Unlock()
	slices.SortFunc(loops, func(a, b *EventLoop) int { return cmp.Compare(a.id, b.id) })
	var out []*LoopDump
	for _, l := range loops {
		d, err := l.DumpTasks(ctx)
		if err != nil {
			d = &LoopDump{Loop: l.id, Running: l.IsRunning(), Err: err.Error()}
		}
		out = append(out, d)
	}
	return out, nil
}

// dump builds l's dump, on l's goroutine.
func (l *EventLoop) dump() *LoopDump {
	ix := l.indexTasks()
	d := &LoopDump{Loop: l.id, Time: l.Time(), Running: l.IsRunning(), Tasks: []*TaskTree{}, Cycles: ix.cycles()}
	placed := map[*taskCore]bool{}
	var grow func(t *taskCore) *TaskTree
	grow = func(t *taskCore) *TaskTree {
		placed[t] = true
		n := &TaskTree{TaskInfo: ix.info(t)}
		for _, c := range ix.pending {
			by := ix.awaitedBy[c]
			if len(by) > 0 && by[0] == t && !placed[c] {
				n.Children = append(n.Children, grow(c))
			}
		}
		return n
	}
	for _, t := range ix.pending {
		if len(ix.awaitedBy[t]) == 0 {
			d.Tasks = append(d.Tasks, grow(t))
		}
	}
	for _, t := range ix.pending { // tasks awaiting one another in a ring have no root: list the oldest of each
		if !placed[t] {
			d.Tasks = append(d.Tasks, grow(t))
		}
	}
	var also func(n *TaskTree)
	byID := map[uint64]*taskCore{}
	for _, t := range ix.pending {
		byID[t.id] = t
	}
	also = func(n *TaskTree) {
		if by := ix.awaitedBy[byID[n.ID]]; len(by) > 1 {
			for _, b := range by[1:] {
				n.AlsoAwaitedBy = append(n.AlsoAwaitedBy, b.name())
			}
		}
		for _, c := range n.Children {
			also(c)
		}
	}
	for _, n := range d.Tasks {
		also(n)
	}
	return d
}

// WriteText writes d to w as an indented tree, one task a line followed by
// its stack, and returns w's error.
func (d *LoopDump) WriteText(w io.Writer) error {
	var b strings.Builder
	state := "running"
	if !d.Running {
		state = "not running"
	}
	fmt.Fprintf(&b, "Loop %d (%s, time %v): %d pending tasks\n", d.Loop, state, d.Time, countTasks(d.Tasks))
	if d.Err != "" {
		fmt.Fprintf(&b, "  no dump: %s\n", d.Err)
	}
	for _, c := range d.Cycles {
		fmt.Fprintf(&b, "  cycle: %s -> %s (each waits for the next: a deadlock)\n", strings.Join(quoteAll(c), " -> "), quoteAll(c)[0])
	}
	for i, t := range d.Tasks {
		writeTree(&b, t, "", i == len(d.Tasks)-1)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeTree(b *strings.Builder, n *TaskTree, prefix string, last bool) {
	branch, more := "├── ", "│   "
	if last {
		branch, more = "└── ", "    "
	}
	b.WriteString(prefix + branch + n.headline())
	if len(n.AlsoAwaitedBy) > 0 {
		b.WriteString(" (also awaited by " + strings.Join(quoteAll(n.AlsoAwaitedBy), ", ") + ")")
	}
	b.WriteByte('\n')
	inner := prefix + more
	stackIndent := inner + "│     "
	if len(n.Children) == 0 {
		stackIndent = inner + "      "
	}
	b.WriteString(formatFrames(n.Stack, stackIndent))
	for i, c := range n.Children {
		writeTree(b, c, inner, i == len(n.Children)-1)
	}
}

func countTasks(ts []*TaskTree) int {
	n := 0
	for _, t := range ts {
		n += 1 + countTasks(t.Children)
	}
	return n
}

func quoteAll(names []string) []string {
	out := make([]string, len(names))
	for i, s := range names {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}
