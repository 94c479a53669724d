package asyncio

import (
	"context"
	"errors"
)

// Errors of the synchronization primitives.
var (
	// ErrNotAcquired reports a Lock released while it is not locked, or a
	// Condition waited on or notified without its lock held: asyncio's
	// RuntimeError("Lock is not acquired.").
	ErrNotAcquired = errors.New("asyncio: lock is not acquired")

	// ErrTooManyReleases reports a BoundedSemaphore released above its
	// initial value: asyncio's ValueError("BoundedSemaphore released too many
	// times").
	ErrTooManyReleases = errors.New("asyncio: BoundedSemaphore released too many times")
)

// A Lock is a mutual-exclusion lock for the coroutines of one loop:
// asyncio.Lock. A coroutine that finds it locked suspends, and the loop runs
// others, instead of blocking its goroutine as a sync.Mutex would.
//
//	if err := mu.Acquire(ctx); err != nil {
//		return err
//	}
//	defer mu.Release()
//
// A Lock is fair: waiters acquire it in the order they called Acquire, and a
// coroutine arriving while a released Lock is on its way to the first waiter
// queues behind that waiter even though Locked reports false. A Lock is not
// owned: any coroutine or callback of its loop may release it.
//
// The zero Lock is unlocked and ready to use; it binds to the loop of the
// first coroutine that uses it, and using it from another loop's coroutine
// is an error. A Lock must not be copied after first use. Its methods must be
// called on its loop's goroutine: from its coroutines and callbacks.
type Lock struct {
	// Name names the lock in task dumps and deadlock reports; "" names
	// none. Set it before the lock is first used.
	Name string

	b       loopBound
	locked  bool
	holder  *taskCore // the task that acquired it, for dumps; nil while unlocked
	waiters waitq     // a woken waiter stays queued until its task runs
}

// Acquire locks m, waiting in FIFO order while m is locked or other
// coroutines are queued for it, and returns nil once m is locked for the
// caller. A coroutine that finds m free and nobody queued acquires it without
// yielding to the loop.
//
// # Cancellation
//
// If the task is cancelled while waiting, Acquire returns the
// [*CancelledError] and does not hold m. A ctx derived from the task's
// (context.WithCancel, WithTimeout...) that is done while Acquire waits ends
// the wait the same way, with ctx's error. If m had already been passed to
// the waiter when the cancellation arrived, it passes on to the next waiter:
// cancellation never loses a release.
//
// Acquire returns [ErrNotInCoroutine] where ctx's coroutine is not the caller,
// and an error if m is bound to another loop; m is unchanged then. No other
// errors are defined.
func (m *Lock) Acquire(ctx context.Context) error {
	t, err := m.b.enter(ctx, "Lock")
	if err != nil {
		return err
	}
	return m.acquire(ctx, t)
}

// acquire is Acquire for task t, the owner of ctx.
func (m *Lock) acquire(ctx context.Context, t *taskCore) error {
	// Taking a free lock past waiters that are all cancelled is safe: none of
	// them will take it.
	if !m.locked && m.waiters.allCancelled() {
		m.locked, m.holder = true, t
		return nil
	}
	if _, err := m.waiters.wait(ctx, t.fut.loop, m, "Lock", "Acquire"); err != nil {
		// The lock is free and may have been released to us: see that the
		// head of the queue gets it.
		if !m.locked {
			m.wakeFirst()
		}
		return err
	}
	m.locked, m.holder = true, t
	return nil
}

// wakeFirst wakes the waiter at the head of the queue unless it is already
// woken or cancelled: in either case that waiter's task, once it runs, takes
// the lock or passes it on.
func (m *Lock) wakeFirst() {
	if w := m.waiters.head; w != nil {
		w.wake()
	}
}

// Release unlocks m and wakes the first coroutine waiting in Acquire, which
// acquires m when it runs, in a later loop iteration. It returns
// [ErrNotAcquired] if m is not locked, and [ErrWrongGoroutine] when called off
// m's loop; m is unchanged then.
func (m *Lock) Release() error {
	if err := m.b.check(); err != nil {
		return err
	}
	if !m.locked {
		return ErrNotAcquired
	}
	m.release()
	return nil
}

func (m *Lock) release() {
	m.locked, m.holder = false, nil
	m.wakeFirst()
}

// Locked reports whether m is locked. It reports false between a Release and
// the moment the woken waiter runs, although a newcomer must queue then.
func (m *Lock) Locked() bool {
	m.b.query("Lock.Locked")
	return m.locked
}

// An Event is a flag that coroutines can wait for: asyncio.Event. Set raises
// it and wakes every waiter; Clear lowers it again.
//
// The zero Event is clear and ready to use; binding, copying and goroutines
// are as for [Lock].
type Event struct {
	// Name names the event in task dumps and deadlock reports; "" names
	// none. Set it before the event is first used.
	Name string

	b       loopBound
	set     bool
	waiters waitq
}

// Wait returns nil at once if e is set; otherwise it suspends the caller
// until Set is called.
//
// # Cancellation
//
// If the task is cancelled while waiting, Wait returns the [*CancelledError]
// (or a derived ctx's error, as for [Lock.Acquire]); e and the other waiters
// are unaffected.
//
// The misuse errors are those of [Lock.Acquire]. No other errors are defined.
func (e *Event) Wait(ctx context.Context) error {
	t, err := e.b.enter(ctx, "Event")
	if err != nil {
		return err
	}
	return e.wait(ctx, t.fut.loop)
}

func (e *Event) wait(ctx context.Context, l *EventLoop) error {
	if e.set {
		return nil
	}
	_, err := e.waiters.wait(ctx, l, e, "Event", "Wait")
	return err
}

// Set sets e and wakes every coroutine waiting for it; they resume in later
// loop iterations, in the order they began waiting. A Clear made before they
// run does not take the wake-up back. Setting a set [Event] does nothing. Set
// returns [ErrWrongGoroutine] when called off e's loop, and changes nothing.
func (e *Event) Set() error {
	if err := e.b.check(); err != nil {
		return err
	}
	e.raise()
	return nil
}

func (e *Event) raise() {
	if e.set {
		return
	}
	e.set = true
	for w := e.waiters.head; w != nil; w = w.next {
		w.wake()
	}
}

// Clear clears e: later calls to Wait suspend until the next Set. It returns
// [ErrWrongGoroutine] when called off e's loop, and changes nothing.
func (e *Event) Clear() error {
	if err := e.b.check(); err != nil {
		return err
	}
	e.set = false
	return nil
}

// IsSet reports whether e is set.
func (e *Event) IsSet() bool {
	e.b.query("Event.IsSet")
	return e.set
}

// A Semaphore holds a count of permits: Acquire takes one, waiting while
// none is free, and Release returns one. It is asyncio.Semaphore, the usual
// way to bound how many coroutines do something at once.
//
// A Semaphore is fair, as [Lock] is: waiters get permits in the order they
// called Acquire, and a newcomer queues behind woken waiters that have yet to
// run, even when permits are free (see Locked).
//
// The zero Semaphore has no permits (each Release adds one); [NewSemaphore]
// makes one with n. Binding, copying and goroutines are as for Lock.
type Semaphore struct {
	// Name names the semaphore in task dumps and deadlock reports; ""
	// names none. Set it before the semaphore is first used.
	Name string

	b       loopBound
	value   int   // free permits, not counting those granted to woken waiters
	waiters waitq // a woken waiter stays queued until its task runs
}

// NewSemaphore returns a [Semaphore] holding n permits. It panics if n is
// negative.
func NewSemaphore(n int) *Semaphore {
	if n < 0 {
		panic("asyncio: NewSemaphore: negative initial value")
	}
	return &Semaphore{value: n}
}

// Acquire takes a permit from s, waiting in FIFO order while s is locked, and
// returns nil once it holds one. When s is not locked it takes the permit
// without yielding to the loop.
//
// # Cancellation
//
// If the task is cancelled while waiting, Acquire returns the
// [*CancelledError] (or a derived ctx's error, as for [Lock.Acquire]) and holds
// no permit; a permit already granted to it goes back to s and on to the
// next waiter.
//
// The misuse errors are those of [Lock.Acquire]. No other errors are defined.
func (s *Semaphore) Acquire(ctx context.Context) error {
	t, err := s.b.enter(ctx, "Semaphore")
	if err != nil {
		return err
	}
	return s.acquire(ctx, t.fut.loop)
}

func (s *Semaphore) acquire(ctx context.Context, l *EventLoop) error {
	if !s.Locked() {
		s.value--
		return nil
	}
	woken, err := s.waiters.wait(ctx, l, s, "Semaphore", "Acquire")
	if err != nil && woken {
		s.value++ // the permit Release granted us, unused
	}
	// Newcomers that queued behind us while permits were free can go now.
	for s.value > 0 && s.wakeNext() {
	}
	return err
}

// wakeNext grants a permit to the first waiter still pending, and reports
// whether there was one.
func (s *Semaphore) wakeNext() bool {
	if s.waiters.wakeFirstPending() {
		s.value--
		return true
	}
	return false
}

// Release returns a permit to s and wakes the first waiter, which takes it
// when it runs, in a later loop iteration. It returns [ErrWrongGoroutine] when
// called off s's loop, and changes nothing then.
func (s *Semaphore) Release() error {
	if err := s.b.check(); err != nil {
		return err
	}
	s.release()
	return nil
}

func (s *Semaphore) release() {
	s.value++
	s.wakeNext()
}

// Locked reports whether Acquire would have to wait: no permit is free, or
// waiters are queued that have not been cancelled. The second case covers
// waiters woken by Release that have yet to run: they go first.
func (s *Semaphore) Locked() bool {
	s.b.query("Semaphore.Locked")
	return s.value == 0 || !s.waiters.allCancelled()
}

// A BoundedSemaphore is a [Semaphore] that refuses to be released above its
// initial count, catching a Release without a matching Acquire:
// asyncio.BoundedSemaphore.
//
// A BoundedSemaphore must be made with [NewBoundedSemaphore], which sets its
// bound: the zero BoundedSemaphore has none, and its Acquire and Release
// return an error matching [ErrInvalidState] rather than wait for ever or
// refuse every release. Binding, copying and goroutines are as for [Lock].
type BoundedSemaphore struct {
	s     Semaphore
	bound int
	made  bool // by NewBoundedSemaphore: bound is set
}

var errZeroBoundedSemaphore = invalidState("zero BoundedSemaphore; make one with NewBoundedSemaphore")

// NewBoundedSemaphore returns a [BoundedSemaphore] holding n permits, and at
// most n. It panics if n is negative.
func NewBoundedSemaphore(n int) *BoundedSemaphore {
	if n < 0 {
		panic("asyncio: NewBoundedSemaphore: negative initial value")
	}
	return &BoundedSemaphore{s: Semaphore{value: n}, bound: n, made: true}
}

// Acquire takes a permit as [Semaphore.Acquire] does.
func (s *BoundedSemaphore) Acquire(ctx context.Context) error {
	if !s.made {
		return errZeroBoundedSemaphore
	}
	t, err := s.s.b.enter(ctx, "BoundedSemaphore")
	if err != nil {
		return err
	}
	return s.s.acquire(ctx, t.fut.loop)
}

// Release returns a permit as [Semaphore.Release] does. It returns
// [ErrTooManyReleases], changing nothing, if the free permits already number
// the initial count.
func (s *BoundedSemaphore) Release() error {
	if !s.made {
		return errZeroBoundedSemaphore
	}
	if err := s.s.b.check(); err != nil {
		return err
	}
	if s.s.value >= s.bound {
		return ErrTooManyReleases
	}
	s.s.release()
	return nil
}

// Locked reports whether Acquire would have to wait, as [Semaphore.Locked] does.
func (s *BoundedSemaphore) Locked() bool { return s.s.Locked() }
