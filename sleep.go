package asyncio

import (
	"context"
	"time"
)

// Sleep suspends the coroutine that owns ctx for d on its loop's clock and
// returns nil. Sleep(ctx, 0), or any d <= 0, yields for exactly one loop
// iteration: the callbacks already scheduled run before the coroutine resumes.
//
// # Cancellation
//
// If the task is cancelled while it sleeps, Sleep returns the [*CancelledError]
// at once; a cancel requested while the task ran is delivered by its next
// Sleep, even Sleep(ctx, 0).
//
// Sleep returns [ErrNotInCoroutine] where ctx's coroutine is not the caller.
func Sleep(ctx context.Context, d time.Duration) error {
	t, err := runningTask(ctx)
	if err != nil {
		return err
	}
	l := t.fut.loop
	if d <= 0 || t.mustCancel {
		l.soon(t, nil)
		if w := t.worker; w != nil && (w.runsOn() || w.yield()) && !t.mustCancel { // t.suspend(), by hand
			return nil
		}
		return t.suspendEnded()
	}
	var w *ctxWatch
	if ctx != context.Context(t) {
		if w, err = t.watch(ctx, nil); err != nil {
			return err
		}
	}
	l.arm(&t.timer, addDeadline(l.Time(), d), (*sleepWake)(t))
	t.sleeping = true
	// t.suspend(), by hand: the collector walks a sleeping task's stack on
	// every cycle, and each frame under the yield costs it on each one.
	if wk := t.worker; wk == nil || !(wk.runsOn() || wk.yield()) || t.mustCancel {
		err = t.suspendEnded()
	}
	if t.sleeping { // unwound by Close
		t.sleeping = false
		l.disarm(&t.timer)
	}
	if err == nil && t.sleepCancel {
		err = &CancelledError{Message: t.msg()}
	}
	t.sleepCancel = false // also when suspend delivered a second request: one error per wake-up
	if w != nil {
		err = w.end(err)
	}
	return err
}

// sleepWake is the timer callback of a sleeping task: like the future behind
// asyncio's sleep, it wakes the task through the ready queue, one iteration
// after the timer fires.
type sleepWake taskCore

func (s *sleepWake) run(*futureCore) {
	t := (*taskCore)(s)
	if !t.sleeping { // cancelled after the timer fired, in the same iteration
		return
	}
	t.sleeping = false
	t.fut.loop.soon(t, nil)
}
