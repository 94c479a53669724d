package asyncio

import (
	"context"
	"runtime/pprof"
	"runtime/trace"
	"strconv"
	"sync/atomic"
	"unsafe"
)

// WithProfiling makes the loop visible to Go's profilers, per task:
//
//   - While a task's coroutine runs, its goroutine carries the pprof labels
//     task (the task's name when its body started) and loop (the loop's
//     number), so CPU and goroutine profiles split by task: go tool pprof
//     -tagfocus task=fetcher. The task's ctx carries the labels too, so
//     pprof.Label(ctx, "task") reads them and pprof.Do inside adds to them.
//   - While the execution tracer runs (runtime/trace.Start, or a test's
//     -trace flag), each task is a trace task, a subtask of the task that
//     created it, and each of its steps a region "asyncio.step" of the
//     loop's goroutine, so go tool trace shows the loop's timeline per task.
//
// It is off by default: labelling costs allocations per task, and while the
// tracer runs the loop takes each step through a slower path, as debug mode
// does (docs/debugging.md gives the costs). It is set once, when the loop is
// made.
func WithProfiling(on bool) Option {
	return func(l *EventLoop) {
		if !on {
			l.obs = nil
			return
		}
		l.obs = &observer{traces: map[*taskCore]*trace.Task{}}
	}
}

// loopSeq numbers the loops in the order they first run, for the loop label
// and dumps.
var loopSeq atomic.Uint64

// observer holds a profiled loop's state. It is touched by the loop's
// goroutine and its running coroutine only.
type observer struct {
	loop   string                    // the loop label's value, set on first use: the loop has a number once it runs
	traces map[*taskCore]*trace.Task // trace tasks of the tasks started while tracing
}

// instrumented reports whether the loop must run this iteration's items one
// by one, through runInstrumented: in debug mode, or while a profiled loop is
// traced. Labels alone need nothing per step.
func (l *EventLoop) instrumented() bool {
	return l.debug.Load() || l.obs != nil && trace.IsEnabled()
}

// runObserved runs t's body to its end and finishes t, under a frame that
// marks the goroutine as t's (see callgraph_stack.go).
func (t *taskCore) runObserved() {
	runTaskMarked(stackMark{uintptr(unsafe.Pointer(t)), taskMagic}, t)
}

// runTaskMarked is the frame whose argument marks a task's stack. It must stay
// a call of its own for the mark to show in tracebacks.
//
//go:noinline
func runTaskMarked(mark stackMark, t *taskCore) {
	if o := t.fut.loop.obs; o != nil && mark[1] == taskMagic {
		o.runTask(t)
		return
	}
	t.finish(t.body.runBody(t))
}

// runTask runs t's body with its pprof labels on its goroutine and in its ctx,
// and ends its trace task when the body returns.
func (o *observer) runTask(t *taskCore) {
	if o.loop == "" {
		o.loop = strconv.FormatUint(t.fut.loop.id, 10)
	}
	parent := t.parent
	if parent == nil {
		parent = context.Background()
	}
	ctx := pprof.WithLabels(parent, pprof.Labels("task", t.name(), "loop", o.loop))
	t.parent = ctx
	pprof.SetGoroutineLabels(ctx)
	defer o.endTask(t)
	t.finish(t.body.runBody(t))
}

// endTask clears the goroutine's labels, which would otherwise stay on the
// worker while it idles or serves another task, and ends t's trace task.
func (o *observer) endTask(t *taskCore) {
	pprof.SetGoroutineLabels(context.Background())
	if tt := o.traces[t]; tt != nil {
		delete(o.traces, t)
		tt.End()
	}
}

// stepRegion starts the trace region of t's coming step, making t a trace
// task first if its body has not started yet. It returns nil if t has no
// step to run.
func (o *observer) stepRegion(t *taskCore) *trace.Region {
	if t.fut.state != statePending {
		return nil
	}
	if t.worker == nil && !t.mustCancel {
		parent := t.parent
		if parent == nil {
			parent = context.Background()
		}
		ctx, tt := trace.NewTask(parent, "asyncio.Task "+t.name())
		t.parent = ctx
		o.traces[t] = tt
	}
	ctx := t.parent
	if ctx == nil {
		ctx = context.Background()
	}
	return trace.StartRegion(ctx, "asyncio.step")
}
