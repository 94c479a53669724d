package asyncio

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"unsafe"
)

// TaskInfo describes one task as a call graph or a dump shows it.
//
// The zero TaskInfo describes no task.
type TaskInfo struct {
	ID     uint64 `json:"id"`     // the task's number on its loop: Task-ID's
	Name   string `json:"name"`   // see Task.Name
	State  string `json:"state"`  // "pending", "running" (the caller), "finished" or "cancelled"
	Awaits string `json:"awaits"` // what it waits for, in the words of a DeadlockError; "" unless pending
	// Stack is what its coroutine has called, innermost first, down to its
	// body: where it waits, or where it runs for the caller's own task.
	// It is nil for a task that has not started or has ended.
	Stack []Frame `json:"stack,omitempty"`
}

// A CallGraphNode is a task and, through AwaitedBy, the tasks awaiting it,
// as [CallGraph] captures them: asyncio's FutureCallGraph.
//
// The zero CallGraphNode describes no task.
type CallGraphNode struct {
	TaskInfo
	// AwaitedBy are the tasks waiting for this one: awaiting it, or a
	// Gather or Wait over it, or, for a task of a TaskGroup, the task that
	// runs the group's body. A task met twice (tasks awaiting each other)
	// is listed again without its own awaiters.
	AwaitedBy []*CallGraphNode `json:"awaited_by,omitempty"`
}

// CallGraph captures t's call graph, as asyncio's capture_call_graph does: t
// with what it awaits and its coroutine's stack, and, recursively, the tasks
// that await it. With [PrintCallGraph] it answers "what is this task stuck
// on, and who is stuck on it?".
//
// CallGraph must be called on t's loop's goroutine (from a coroutine or
// callback of t's loop, or by its owner while it is stopped); from another
// goroutine it returns [ErrWrongGoroutine]: use [EventLoop.DumpTasks] there.
// It panics if t is nil.
func CallGraph(t AnyTask) (*CallGraphNode, error) {
	if t == nil {
		panic("asyncio: CallGraph: nil task")
	}
	tc := t.awaitable().(*taskCore)
	l := tc.fut.loop
	if !l.onLoopGoroutine() && !l.closed.Load() {
		return nil, ErrWrongGoroutine
	}
	ix := l.indexTasks()
	return ix.callGraph(tc, map[*taskCore]bool{}), nil
}

// PrintCallGraph writes t's call graph (see [CallGraph]) to w as text, as
// asyncio's print_call_graph does, and returns the error of w or of [CallGraph].
func PrintCallGraph(w io.Writer, t AnyTask) error {
	g, err := CallGraph(t)
	if err != nil {
		return err
	}
	var b strings.Builder
	writeCallGraph(&b, g, "")
	_, err = io.WriteString(w, b.String())
	return err
}

func writeCallGraph(b *strings.Builder, g *CallGraphNode, indent string) {
	fmt.Fprintf(b, "%s* %s\n", indent, g.TaskInfo.headline())
	if len(g.Stack) > 0 {
		fmt.Fprintf(b, "%s  + Call stack:\n", indent)
		b.WriteString(formatFrames(g.Stack, indent+"  |   "))
	}
	if len(g.AwaitedBy) > 0 {
		fmt.Fprintf(b, "%s  + Awaited by:\n", indent)
		for _, a := range g.AwaitedBy {
			writeCallGraph(b, a, indent+"     ")
		}
	}
}

// headline is the task's line in a call graph or dump.
func (ti *TaskInfo) headline() string {
	s := fmt.Sprintf("Task %q (id=%d, %s)", ti.Name, ti.ID, ti.State)
	if ti.Awaits != "" {
		s += " awaits " + ti.Awaits
	}
	return s
}

// taskIndex is what a dump, a call graph or a deadlock report needs to know
// about a loop's pending tasks at one instant: who awaits whom. It is built
// and read on the loop's goroutine.
type taskIndex struct {
	l         *EventLoop
	pending   []*taskCore                // oldest first
	awaitedBy map[*taskCore][]*taskCore  // a task, and the tasks waiting for it, oldest first
	groups    map[*futureCore]*TaskGroup // the future a TaskGroup's exit waits on, and its group
	stacks    stackDump                  // every goroutine's stack, taken on first need
	took      bool
}

// indexTasks indexes l's pending tasks. The edges are read off the done
// callbacks of each task, which is where every kind of await registers
// itself: the awaiting task, a Gather or Wait (found again through the task
// suspended on it), a TaskGroup (whose body's task waits for its tasks).
func (l *EventLoop) indexTasks() *taskIndex {
	ix := &taskIndex{l: l, awaitedBy: map[*taskCore][]*taskCore{}, groups: map[*futureCore]*TaskGroup{}}
	for t := l.tasks.first(); t != nil; t = t.next {
		ix.pending = append(ix.pending, t)
	}
	slices.Reverse(ix.pending)
	suspendedOn := map[awaited][]*taskCore{}
	for _, t := range ix.pending {
		if t.waitFor != nil {
			suspendedOn[t.waitFor] = append(suspendedOn[t.waitFor], t)
		}
	}
	for _, c := range ix.pending {
		c.fut.eachCallback(func(r runner) {
			switch r := r.(type) {
			case *taskCore:
				ix.link(c, r)
			case *TaskGroup:
				if r.parent != nil {
					ix.link(c, r.parent)
				}
				if r.waiter != nil {
					ix.groups[r.waiter] = r
				}
			case *gathering:
				for _, p := range suspendedOn[r] {
					ix.link(c, p)
				}
			case *waiting:
				for _, p := range suspendedOn[r] {
					ix.link(c, p)
				}
			}
		})
	}
	return ix
}

func (ix *taskIndex) link(awaited, by *taskCore) {
	if by == awaited || slices.Contains(ix.awaitedBy[awaited], by) {
		return
	}
	ix.awaitedBy[awaited] = append(ix.awaitedBy[awaited], by)
}

// info describes t.
func (ix *taskIndex) info(t *taskCore) TaskInfo {
	ti := TaskInfo{ID: t.id, Name: t.name(), State: t.fut.stateString()}
	switch {
	case t == ix.l.stepping:
		ti.State = "running"
	case t.fut.state == statePending:
		ti.Awaits = t.awaiting(ix)
	}
	if t.worker != nil && t.fut.state == statePending {
		if !ix.took {
			ix.stacks, ix.took = allStacks(), true
		}
		ti.Stack = ix.stacks.find(stackMark{uintptr(unsafe.Pointer(t)), taskMagic})
	}
	return ti
}

func (ix *taskIndex) callGraph(t *taskCore, seen map[*taskCore]bool) *CallGraphNode {
	g := &CallGraphNode{TaskInfo: ix.info(t)}
	if seen[t] {
		return g
	}
	seen[t] = true
	for _, a := range ix.awaitedBy[t] {
		g.AwaitedBy = append(g.AwaitedBy, ix.callGraph(a, seen))
	}
	return g
}

// waitsOn returns the one task t cannot go on without, if there is one: the
// task it awaits, or the holder of the Lock it waits for. These are the
// edges of a deadlock cycle.
func (ix *taskIndex) waitsOn(t *taskCore) *taskCore {
	switch a := t.waitFor.(type) {
	case *taskCore:
		return a
	case *waiter:
		if m, ok := a.src.(*Lock); ok && m.holder != nil && m.holder.fut.state == statePending {
			return m.holder
		}
	}
	return nil
}

// cycles returns the cycles of tasks each waiting for the next (see
// waitsOn), each as the names of its tasks, starting with its oldest.
func (ix *taskIndex) cycles() [][]string {
	const (
		unseen = iota
		onPath
		done
	)
	color := map[*taskCore]int{}
	var out [][]string
	for _, start := range ix.pending {
		var path []*taskCore
		t := start
		for t != nil && color[t] == unseen {
			color[t] = onPath
			path = append(path, t)
			t = ix.waitsOn(t)
		}
		if t != nil && color[t] == onPath {
			i := slices.Index(path, t)
			var names []string
			for _, c := range path[i:] {
				names = append(names, c.name())
			}
			out = append(out, names)
		}
		for _, c := range path {
			color[c] = done
		}
	}
	return out
}
