package asyncio

import (
	"context"
	"fmt"
)

// A Condition lets coroutines wait, holding a [Lock], until another coroutine
// tells them that some state has changed: asyncio.Condition.
//
//	if err := c.Acquire(ctx); err != nil {
//		return err
//	}
//	defer c.Release()
//	if err := c.WaitFor(ctx, func() bool { return len(items) > 0 }); err != nil {
//		return err
//	}
//
// Wait releases the lock while it waits and holds it again when it returns;
// Notify and NotifyAll wake waiters in the order they began waiting. A
// woken waiter still has to re-acquire the lock, behind any coroutine queued
// for it, so it must check its condition again: [WaitFor] does.
//
// The zero Condition has a Lock of its own and is ready to use; [NewCondition]
// makes one that shares a given Lock. Binding, copying and goroutines are as
// for Lock.
type Condition struct {
	// Name names the condition in task dumps and deadlock reports; ""
	// names none. Set it before the condition is first used.
	Name string

	b       loopBound
	shared  *Lock // the lock given to NewCondition, or nil for own
	own     Lock
	waiters waitq // a woken waiter stays queued until its task runs
}

// NewCondition returns a [Condition] that uses lock, or a [Lock] of its own if
// lock is nil. Locking either the Condition or the lock locks both.
func NewCondition(lock *Lock) *Condition { return &Condition{shared: lock} }

func (c *Condition) lock() *Lock {
	if c.shared != nil {
		return c.shared
	}
	return &c.own
}

// enter is loopBound.enter for c and its lock.
func (c *Condition) enter(ctx context.Context) (*taskCore, error) {
	t, err := c.b.enter(ctx, "Condition")
	if err == nil {
		_, err = c.lock().b.enter(ctx, "Condition's Lock")
	}
	return t, err
}

// Acquire acquires c's lock, as [Lock.Acquire] does.
func (c *Condition) Acquire(ctx context.Context) error {
	t, err := c.enter(ctx)
	if err != nil {
		return err
	}
	return c.lock().acquire(ctx, t)
}

// Release releases c's lock, as [Lock.Release] does.
func (c *Condition) Release() error {
	if err := c.b.check(); err != nil {
		return err
	}
	return c.lock().Release()
}

// Locked reports whether c's lock is locked.
func (c *Condition) Locked() bool {
	c.b.query("Condition.Locked")
	return c.lock().Locked()
}

// Wait releases c's lock, suspends the caller until Notify or NotifyAll
// wakes it, then acquires the lock again and returns nil. The caller must
// hold the lock; Wait returns an error matching [ErrNotAcquired] otherwise.
//
// # Cancellation
//
// If the task is cancelled while waiting, Wait still re-acquires the lock
// before it returns the [*CancelledError] (or a derived ctx's error, as for
// [Lock.Acquire]), as asyncio does, so that the caller's deferred Release stays
// correct. Cancellations of the task that arrive while it re-acquires are
// absorbed until it holds the lock, and the last one is returned; a derived
// ctx does not interrupt the re-acquiring. A wake-up that reached the cancelled waiter is passed on to the
// next one: it is never lost, though a waiter may then be woken without
// cause, which the [Condition] protocol allows.
//
// The other misuse errors are those of [Lock.Acquire].
func (c *Condition) Wait(ctx context.Context) error {
	t, err := c.enter(ctx)
	if err != nil {
		return err
	}
	if !c.lock().locked {
		return fmt.Errorf("%w: cannot wait on it", ErrNotAcquired)
	}
	return c.wait(ctx, t)
}

// wait is Wait with the lock held, for task t, the owner of ctx. When the
// loop closes under it (errLoopClosing) it returns without the lock, as
// Python's GeneratorExit does: nothing may wait any more.
func (c *Condition) wait(ctx context.Context, t *taskCore) error {
	mu := c.lock()
	mu.release()
	_, err := c.waiters.wait(ctx, t.fut.loop, c, "Condition", "Wait")
	if err == errLoopClosing {
		return err
	}
	for {
		// Re-acquire under the task's own ctx: a derived ctx that is done
		// would fail every attempt at once, for ever. Each cancellation of
		// the task fails one attempt only.
		aerr := mu.acquire(t, t)
		if aerr == nil {
			break
		}
		err = aerr
		if aerr == errLoopClosing {
			return err
		}
	}
	if err != nil {
		// The error may have come after a Notify picked this waiter: pass the
		// wake-up on.
		c.notify(1)
	}
	return err
}

// [WaitFor] waits, as Wait does, until pred returns true, and returns nil. It
// calls pred first with the lock held and again after each wake-up; if pred
// is true at once WaitFor returns without waiting, and then it does not
// require the lock. The errors are those of Wait.
func (c *Condition) WaitFor(ctx context.Context, pred func() bool) error {
	t, err := c.enter(ctx)
	if err != nil {
		return err
	}
	if pred() {
		return nil
	}
	if !c.lock().locked {
		return fmt.Errorf("%w: cannot wait on it", ErrNotAcquired)
	}
	// pred was false just now: wait before asking again, as asyncio does
	// (calling it twice in a row would skip the wait if it turned true).
	for {
		if err := c.wait(ctx, t); err != nil {
			return err
		}
		if pred() {
			return nil
		}
	}
}

func (c *Condition) waitFor(ctx context.Context, t *taskCore, pred func() bool) error {
	for !pred() {
		if err := c.wait(ctx, t); err != nil {
			return err
		}
	}
	return nil
}

// Notify wakes up to n of the coroutines waiting on c, first come first
// woken; each returns from Wait once it has re-acquired the lock, which the
// caller still holds. Notify returns an error matching [ErrNotAcquired] if the
// lock is not held, and [ErrWrongGoroutine] when called off c's loop; it wakes
// nobody then.
func (c *Condition) Notify(n int) error {
	if err := c.check(); err != nil {
		return err
	}
	c.notify(n)
	return nil
}

// NotifyAll wakes every coroutine waiting on c, as Notify does.
func (c *Condition) NotifyAll() error {
	if err := c.check(); err != nil {
		return err
	}
	c.notifyAll()
	return nil
}

func (c *Condition) check() error {
	if err := c.b.check(); err != nil {
		return err
	}
	if err := c.lock().b.check(); err != nil {
		return err
	}
	if !c.lock().locked {
		return fmt.Errorf("%w: cannot notify on it", ErrNotAcquired)
	}
	return nil
}

func (c *Condition) notify(n int) { c.waiters.wakePending(n) }

func (c *Condition) notifyAll() { c.notify(c.waiters.n) }
