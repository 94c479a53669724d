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
	co   coro.Coro
	task *taskCore // the task whose body runs on the worker; its loop is the worker's
	g    uintptr
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

// yield, on w's goroutine, switches back to the loop until the task's next
// step; it reports false when the loop is unwinding the task (see unwind).
func (w *worker) yield() bool { return w.co.Yield() }

// stop ends w's goroutine, unwinding the task it runs, if any.
func (w *worker) stop() { w.co.Stop() }

// Run is the worker goroutine's body (w is its coro.Body).
func (w *worker) Run(*coro.Coro) {
	w.g = goid.Get()
	w.task.fut.loop.currentG.Store(w.g)
	for {
		t := w.task
		t.g = w.g
		t.runObserved() // the body, on a stack marked as t's (see observe.go)
		if w.task = t.fut.loop.handOff(w, t); w.task != nil {
			continue
		}
		if !w.yield() {
			return
		}
	}
}

// run is the task's step, run from the ready queue.
func (t *taskCore) run(*futureCore) {
	if w := t.stepWorker(); w != nil {
		l := t.fut.loop
		l.enter(t, w)
		alive := w.resume()
		l.leave(t, w, alive)
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

// leave recycles w once its task is done. alive is what resuming w reported:
// false when its goroutine has ended.
func (l *EventLoop) leave(t *taskCore, w *worker, alive bool) {
	l.stepping = nil
	if !alive || t.fut.state != statePending {
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
