package asyncio

// This file lets a suspending task run the loop itself. A task that awaits
// would switch to the loop's goroutine, which would run the ready queue and
// switch to the next task: two switches per hand-off, four per round trip
// of two tasks passing a value back and forth. Instead the suspending task's
// goroutine runs the ready queue in place of the loop's, as the loop would,
// in the same order:
//
//   - when its own next step comes up, the task carries on without a switch
//     at all (a lone task's Sleep(ctx, 0) costs no switch);
//   - another suspended task it resumes directly, one switch, and is parked
//     in that resume until the task resumed yields back to it. The
//     coroutine switch pairs each resume with the yield that returns from it,
//     so the goroutines parked this way form a chain from the loop's own
//     goroutine to the running one;
//   - when the head of the queue is the step of a task parked lower in the
//     chain, or work only the loop's goroutine does (waiting for I/O or
//     timers when nothing is ready, stopping, a runtime.Goexit to pass on),
//     the running goroutine yields to the one that resumed it, which looks at
//     the same head again. A step of the next task up the chain, as in a
//     ping-pong, is one switch away.
//
// The loop's state is the loop's wherever it runs: one goroutine at a time
// holds it, as before. Debug mode and WithProfiling keep every step on the
// loop's goroutine, so that each step is timed, traced and labelled on its own.

// maxNest bounds the chain of goroutines parked in a resume. Deeper chains
// would still be correct; they only cost a switch back per link when the
// work returns to the bottom, so past this depth a task yields instead of
// resuming, and the goroutine below it resumes the next task in its place.
const maxNest = 32

// nests reports whether the loop may run on its coroutines' goroutines.
func (l *EventLoop) nests() bool { return l.obs == nil && !l.debug.Load() }

// dispatch runs the loop's ready queue on the goroutine of worker w, whose
// task has just suspended, until that task's next step comes up, and then
// reports true: the task carries on. It reports false when the work at the
// head of the queue belongs to a goroutine lower in the chain (see the top
// of this file): w must then yield to the goroutine that resumed it.
func (l *EventLoop) dispatch(w *worker) bool {
	me := w.task
	l.stepping = nil // suspended: what runs here until its next step is not the task
	for {
		if l.tickLeft == 0 {
			if l.stopping || l.ready.n == 0 || l.goexit != nil || !l.nests() {
				return false // the loop's goroutine stops, waits or passes the Goexit on
			}
			l.turn()
		}
		it := l.ready.buf[l.ready.head]
		t, ok := it.r.(*taskCore)
		if ok && t != me && (t.worker != nil && t.worker.hosting || l.depth >= maxNest) {
			return false // the goroutine below takes it from here
		}
		l.take()
		if !ok {
			it.r.run(it.src)
			continue
		}
		if t == me {
			l.enter(me, w)
			return true
		}
		tw := t.stepWorker()
		if tw == nil {
			continue
		}
		l.enter(t, tw)
		w.hosting = true
		l.depth++
		alive := tw.resume()
		l.depth--
		w.hosting = false
		l.leave(tw, alive)
		if l.currentG.Load() != w.g {
			l.currentG.Store(w.g) // the callbacks dispatch runs next run on w
		}
		if l.goexit != nil {
			return false
		}
	}
}

// turn starts the next loop iteration where the loop's goroutine would have:
// it collects thread-safe work and due timers, and counts what is ready.
// The caller has checked that work is ready, so collect does not wait.
func (l *EventLoop) turn() {
	l.collect()
	l.tickLeft = l.ready.n
	l.ran += uint64(l.ready.n)
}

// passGoexit ends the loop's goroutine the way worker g's goroutine is
// ending, in a runtime.Goexit or a panic that climbed out of its task: g
// yielded to the bottom of the chain for it (see worker.exiting), and now
// runs on to its end, which the coroutine switch passes on to the caller of
// RunForever, as it would have without the chain.
func (l *EventLoop) passGoexit() {
	g := l.goexit
	l.goexit = nil
	l.enter(g.task, g)
	g.resume()
}
