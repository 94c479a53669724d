package asyncio

// This file holds what every lock and queue is built on: a FIFO queue of
// parked coroutines, and the binding of a primitive to one loop.
//
// # Prior art
//
// trio's ParkingLot (trio/_core/_parking_lot.py) gives each lock, condition
// and channel a queue of its own. WebKit's ParkingLot and Rust's parking_lot
// crate keep one global table keyed by address instead, so that a thread lock
// fits in a byte; a coroutine primitive has no reason to be that small, and a
// queue of its own is simpler. Java's AbstractQueuedSynchronizer is the
// per-object idea for threads (a CLH queue per synchronizer), and CPython's
// asyncio keeps a deque of futures per primitive. A waitq is that deque with
// O(1) removal from the middle, which a cancelled waiter needs.
//
// # Waking goes through the loop
//
// A parked coroutine waits on a future of the loop (waiter.fut). Waking it
// completes the future, which schedules the task's next step in the ready
// queue, exactly as completing any future does; it never runs the task inline.
// That keeps asyncio's ordering: an Event set while another task is already
// queued to start lets that task run first (conformance EV-01).
//
// # Cancellation hand-off
//
// Between the moment a waiter is woken (its future done) and the moment its
// task runs, the task can be cancelled. The future is already done, so the
// cancellation is delivered when the task resumes, and the task then holds a
// grant (the lock, a permit, a wake-up, a queue slot) that it will not use.
// Each primitive passes such a grant on to the next waiter (LK-05, SM-06,
// CD-06, QU-06). waitq.wait tells it which case it is in: woken (a grant was
// made, whatever happened next) or cancelled before any grant, in which case
// the waiter just leaves and wakers skip its done future.
//
// Unless its waker unlinks it (the queues' wakers do, as asyncio's do), a
// woken waiter stays queued until its task runs. That is what lets Lock and
// Semaphore refuse newcomers the grant on its way to the woken waiter (no
// barging, LK-02 and SM-07).

import (
	"context"
	"sync/atomic"

	"github.com/asyncio-go/asyncio/internal/goid"
)

// A waiter is one coroutine parked in a waitq.
type waiter struct {
	fut        futureCore // completed to wake the task; cancelled by Task.Cancel
	prev, next *waiter
	q          *waitq // the queue w is linked in, or nil
	what, op   string // the wait, as a deadlock report names it: "Lock", "Acquire"
	src        any    // the primitive, which may say more about itself (see waitLabel)
}

func (w *waiter) core() *futureCore { return &w.fut }

// cancel cancels w's future if it is still pending, keeping its queue's count
// of cancelled waiters.
func (w *waiter) cancel(msg string) bool {
	if !w.fut.cancel(msg) {
		return false
	}
	if w.q != nil {
		w.q.ncancelled++
	}
	return true
}

// wake completes w's future if it is still pending, scheduling its task, and
// reports whether it did.
func (w *waiter) wake() bool {
	if w.fut.state != statePending {
		return false
	}
	w.fut.complete(stateFinished, nil)
	return true
}

// A waitq is a FIFO queue of parked coroutines, linked through the waiters
// themselves. The zero waitq is empty. It is touched on its loop's goroutine
// only.
//
// # Waking n waiters costs O(n)
//
// A woken waiter of a Lock, Semaphore or Condition stays queued until its
// task runs, so n Releases in a row, each looking for the first waiter still
// pending from the head, would pass over the ones woken before: O(n^2) in
// all. Instead scan marks where the search for a pending waiter resumes, and
// ncancelled answers allCancelled without a walk. A waiter's state only ever
// leaves pending, so every waiter before scan stays not pending, and scan
// passes each waiter once.
type waitq struct {
	head, tail *waiter
	n          int
	ncancelled int     // queued waiters cancelled before any wake-up
	scan       *waiter // no waiter before it is pending; nil: none queued is
	free       *waiter // waiters kept for reuse, linked through next
	nfree      int
}

// maxFreeWaiters bounds the waiters a waitq keeps for reuse: enough for the
// usual handful of contenders, not a crowd's worth of memory for ever.
const maxFreeWaiters = 16

// wait parks the task of ctx at the back of q until a waker wakes it. It
// returns nil once woken, and otherwise the error that ended the wait: the
// task's cancellation, the error of a ctx derived from the task's, or the
// cancellation every await returns while Close unwinds the coroutine. woken
// reports whether a waker picked this waiter, even if the task was cancelled
// before it could resume: the grant that came with the wake-up (a lock, a
// permit, an item) is then the caller's to pass on.
//
// The waiter is gone from q when wait returns, and is kept for reuse: by
// then nothing refers to it any more. Its task was resumed by the one ready
// item its future's completion queued (or by Close, which drops the ready
// queue), and await has cleared the task's hold on it.
func (q *waitq) wait(ctx context.Context, l *EventLoop, src any, what, op string) (woken bool, err error) {
	w := q.park(l)
	w.what, w.op, w.src = what, op, src
	err = await(ctx, w)
	switch {
	case err != nil:
		w.cancel("") // still pending if Close unwound us: wakers must skip it
	case w.fut.state == stateCancelled:
		err = w.fut.err()
	}
	woken = w.fut.state == stateFinished
	q.unlink(w)
	if q.nfree < maxFreeWaiters {
		w.next, q.free = q.free, w
		q.nfree++
	}
	return woken, err
}

// park appends a pending waiter for loop l.
func (q *waitq) park(l *EventLoop) *waiter {
	w := q.free
	if w != nil {
		q.free = w.next
		q.nfree--
		*w = waiter{}
	} else {
		w = new(waiter)
	}
	w.fut.loop, w.prev, w.q = l, q.tail, q
	if q.scan == nil {
		q.scan = w // every waiter before w is not pending
	}
	if q.tail == nil {
		q.head = w
	} else {
		q.tail.next = w
	}
	q.tail = w
	q.n++
	return w
}

// unlink removes w from q; unlinking a waiter that is not queued does nothing.
func (q *waitq) unlink(w *waiter) {
	if w.q == nil {
		return
	}
	if q.scan == w {
		q.scan = w.next
	}
	if w.fut.state == stateCancelled {
		q.ncancelled--
	}
	if w.prev == nil {
		q.head = w.next
	} else {
		w.prev.next = w.next
	}
	if w.next == nil {
		q.tail = w.prev
	} else {
		w.next.prev = w.prev
	}
	w.prev, w.next, w.q = nil, nil, nil
	q.n--
}

// allCancelled reports whether every queued waiter was cancelled before it
// was woken; it is true of an empty queue.
func (q *waitq) allCancelled() bool { return q.ncancelled == q.n }

// wakeNext unlinks waiters from the front until it wakes one that is still
// pending, and reports whether it did (asyncio's Queue._wakeup_next).
func (q *waitq) wakeNext() bool {
	for w := q.head; w != nil; w = q.head {
		q.unlink(w)
		if w.wake() {
			return true
		}
	}
	return false
}

// wakeFirstPending wakes the first waiter still pending, leaving it queued,
// and reports whether there was one.
func (q *waitq) wakeFirstPending() bool { return q.wakePending(1) == 1 }

// wakePending wakes up to n of the waiters still pending, first queued first,
// leaving them queued, and returns how many it woke.
func (q *waitq) wakePending(n int) int {
	woken := 0
	w := q.scan
	for ; w != nil && woken < n; w = w.next {
		if w.wake() {
			woken++
		}
	}
	q.scan = w
	return woken
}

// wakeAll unlinks every waiter, waking those still pending.
func (q *waitq) wakeAll() {
	for q.wakeNext() {
	}
}

// loopBound is asyncio's _LoopBoundMixin: the loop a primitive is bound to,
// set by the first coroutine or callback that uses it. It is atomic so that a
// coroutine of another loop, on another goroutine, reads it race-free and is
// refused without touching anything else.
//
// A primitive may also be used with no loop at all, by one plain goroutine
// (filling a queue before Run, or a test): it is then that goroutine's (g),
// until a loop driven by that same goroutine takes it over. Any other
// goroutine is refused, so two goroutines never share it unsynchronised.
type loopBound struct {
	loop atomic.Pointer[EventLoop]
	g    atomic.Uintptr // the plain goroutine using it while no loop has
}

// enter returns the task whose coroutine owns ctx, binding the primitive to
// the task's loop on first use. It returns ErrNotInCoroutine where ctx's
// coroutine is not the caller, and an error naming the primitive (what) when
// it is bound to another loop, or in use by a goroutine that does not run
// this one.
func (b *loopBound) enter(ctx context.Context, what string) (*taskCore, error) {
	t, err := runningTask(ctx)
	if err != nil {
		return nil, err
	}
	if l := t.fut.loop; b.loop.Load() != l && !b.bind(l) {
		return nil, wrongLoop("%s", what)
	}
	return t, nil
}

// bind binds the primitive to loop l, running, if it is free: bound to no
// loop and used by no plain goroutine other than l's driver.
func (b *loopBound) bind(l *EventLoop) bool {
	if g := b.g.Load(); g != 0 && g != l.driverG.Load() {
		return false
	}
	return b.loop.CompareAndSwap(nil, l) || b.loop.Load() == l
}

// check binds the primitive, for the methods that do not wait (Release, Set,
// PutNowait...), as enter does for those that do: to the loop whose
// goroutine or running coroutine is the caller, or, called from no loop, to
// the calling goroutine (see loopBound). It returns ErrWrongGoroutine, and
// binds nothing, when the primitive is bound to a loop the caller is not on
// (see EventLoop.onLoopGoroutine) or used by another goroutine.
func (b *loopBound) check() error {
	if l := b.loop.Load(); l != nil {
		if !l.onLoopGoroutine() {
			return ErrWrongGoroutine
		}
		return nil
	}
	if l := callerLoop(); l != nil {
		if !b.bind(l) {
			return ErrWrongGoroutine
		}
		return nil
	}
	g := goid.Get()
	if !b.g.CompareAndSwap(0, g) && b.g.Load() != g {
		return ErrWrongGoroutine
	}
	if b.loop.Load() != nil { // a loop took it meanwhile
		return ErrWrongGoroutine
	}
	return nil
}

// query panics, naming the method, when the caller may not read the
// primitive: the reads (Locked, IsSet, Qsize...) have no error result, and an
// answer read while another goroutine changes it would be a data race.
func (b *loopBound) query(method string) {
	if l := b.loop.Load(); l != nil {
		mustOnLoop(l, method)
		return
	}
	if g := b.g.Load(); g != 0 && g != goid.Get() && callerLoop() == nil {
		panic("asyncio: " + method + " called from a goroutine other than the one using it: " + ErrWrongGoroutine.Error())
	}
}

// callerLoop returns the running loop whose goroutine or running coroutine
// is the caller, or nil.
func callerLoop() *EventLoop {
	g := goid.Get()
	runningLoops.Lock()
	defer runningLoops.Unlock()
	for _, l := range runningLoops.loops {
		if l.driverG.Load() == g || l.currentG.Load() == g {
			return l
		}
	}
	return nil
}
