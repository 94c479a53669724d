package asyncio

import (
	"errors"

	"github.com/asyncio-go/asyncio/internal/coro"
	"github.com/asyncio-go/asyncio/internal/goid"
)

// A worker is a goroutine that runs task bodies, one after another, when the
// loop switches to it. The switch is the runtime's coroutine switch (see
// internal/coro): the loop's goroutine blocks while the worker runs and the
// other way round, so a loop's coroutines never run in parallel and share its
// state without locks. Finished workers are kept for the next task, because
// starting a goroutine costs more than a task step.
type worker struct {
	co      coro.Coro
	task    *taskCore // the task whose body runs on the worker, or ran last; its loop is the worker's
	g       uintptr
	hosting bool // parked in the resume of another task's step (see dispatch.go)
}

// maxIdleWorkers bounds the goroutines a loop keeps for reuse; it covers a
// burst of a few thousand short tasks without holding on to a crowd.
const maxIdleWorkers = 4096

func (l *EventLoop) getWorker() *worker {
	if n := len(l.workers); n > 0 {
		w := l.workers[n-1]
		l.workers[n-1] = nil
		l.workers = l.workers[:n-1]
		return w
	}
	w := &worker{}
	w.co.Init(w)
	return w
}

func (l *EventLoop) putWorker(w *worker) {
	if len(l.workers) < maxIdleWorkers && !l.closed.Load() {
		l.workers = append(l.workers, w)
		return
	}
	w.stop()
	l.currentG.CompareAndSwap(w.g, 0) // the runtime may hand w's identity to a new goroutine
}

// resume switches to w until its task suspends or ends, and reports whether
// w's goroutine is still alive.
func (w *worker) resume() bool { return w.co.Resume() }

// yield, on w's goroutine, switches back to the goroutine that resumed it
// until the task's next step; it reports false when the loop is unwinding
// the task (see unwind).
func (w *worker) yield() bool { return w.co.Yield() }

// runsOn runs the loop on w's goroutine while w's task is suspended (see
// dispatch.go), and reports true when the task's next step came up there:
// the task carries on without a switch. Otherwise the task must yield. The
// two are separate calls, made in the awaiting frame, so that a parked
// coroutine's stack holds no frame more than the yield: the garbage
// collector walks every parked stack on every cycle.
func (w *worker) runsOn() bool {
	// A task that Close unwinds (its worker taken away) only yields.
	t := w.task
	return t.worker == w && t.fut.loop.stepping == t && t.fut.loop.dispatch(w)
}

// stop ends w's goroutine, unwinding the task it runs, if any.
func (w *worker) stop() { w.co.Stop() }

// Run is the worker goroutine's body (w is its coro.Body).
func (w *worker) Run(*coro.Coro) {
	w.g = goid.Get()
	w.task.fut.loop.currentG.Store(w.g)
	stopped := false
	defer func() {
		if !stopped {
			w.exiting()
		}
	}()
	for {
		t := w.task
		t.runObserved() // the body, on a stack marked as t's (see observe.go)
		if t.fut.loop.handOff(w, t) != nil {
			continue
		}
		if !w.yield() {
			stopped = true
			return
		}
	}
}

// exiting runs as w's goroutine ends other than by Stop: in a
// runtime.Goexit (a test's FailNow in the coroutine) or a panic. Either
// must reach the loop's goroutine, out of RunForever, as it does when the
// loop's goroutine resumed w; when another task's goroutine did (see
// dispatch.go), w first yields down the chain, and the loop's goroutine
// resumes it again to let it end (passGoexit).
func (w *worker) exiting() {
	l := w.task.fut.loop
	l.stepping = w.task // what release abandons once the Goexit has passed on
	if l.depth > 0 {
		l.goexit = w
		w.yield()
	}
}

// run is the task's step, run from the ready queue.
func (t *taskCore) run(*futureCore) {
	if w := t.stepWorker(); w != nil {
		l := t.fut.loop
		l.enter(t, w)
		alive := w.resume()
		l.leave(w, alive)
	}
}

// stepWorker returns the worker to switch to for the task's step, giving the
// task one on its first step, or nil when there is no step to run.
func (t *taskCore) stepWorker() *worker {
	if t.fut.state != statePending {
		return nil
	}
	if t.worker == nil {
		if t.mustCancel { // cancelled before it started: the body never runs
			t.finish(&CancelledError{Message: t.msg()})
			return nil
		}
		w := t.fut.loop.getWorker()
		w.task, t.worker = t, w
	}
	return t.worker
}

// enter records t, on worker w, as the coroutine the loop switches to.
func (l *EventLoop) enter(t *taskCore, w *worker) {
	if l.hooks.step != nil {
		l.stepHook(t)
	}
	l.stepping = t
	if w.g != 0 && l.currentG.Load() != w.g { // a load is cheaper than the store it saves
		l.currentG.Store(w.g)
	}
}

// leave recycles w once the task it ran last is done. alive is what
// resuming w reported: false when its goroutine has ended.
func (l *EventLoop) leave(w *worker, alive bool) {
	l.stepping = nil
	if t := w.task; !alive || t.fut.state != statePending {
		l.retire(t, w, alive)
	}
}

// retire takes w from its task, which is done, or whose goroutine is gone.
func (l *EventLoop) retire(t *taskCore, w *worker, alive bool) {
	if !alive {
		l.abandon(t)
		return
	}
	t.worker = nil
	w.task = nil
	l.putWorker(w)
}

// errGoexit ends a task whose goroutine exited under it.
var errGoexit = errors.New("asyncio: the coroutine's goroutine exited (runtime.Goexit, as testing's FailNow calls)")

// abandon ends a task whose worker goroutine called runtime.Goexit, as
// t.Fatal in a test's coroutine does. The switch (internal/coro) passes the
// Goexit on to the loop's goroutine, out of the step that resumed the task (RunForever's
// deferred cleanup then calls abandon), and the deferred calls above it (Run's
// Close among them) must find the task done rather than wait for a coroutine
// that is gone.
func (l *EventLoop) abandon(t *taskCore) {
	l.stepping = nil
	t.worker = nil
	if t.fut.state == statePending {
		t.finish(errGoexit)
	}
}
