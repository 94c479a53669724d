package asyncio

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/asyncio-go/asyncio/internal/goid"
)

// An EventLoop runs callbacks and coroutines, one at a time, on the goroutine
// that calls RunForever or RunUntilComplete. It is asyncio's event loop.
//
// Each loop iteration (a "tick") moves the timers that are due to the back of
// the ready queue, then runs exactly the callbacks that were in the ready queue
// when the tick began; whatever they schedule runs in a later tick. Resuming a
// task is itself a ready callback, so waking a task never runs it inline.
//
// Loop methods must be called on the loop's goroutine (from its callbacks and
// coroutines) while it runs; called from another goroutine they return
// ErrWrongGoroutine. While the loop is not running, the goroutine about to run
// it may set it up. CallSoonThreadsafe is the door for every other goroutine.
//
// A loop holds goroutines for its coroutines: Close it when done with it.
// Run does all of that for you.
type EventLoop struct {
	ready  readyQueue // loop goroutine only
	timers timerHeap  // loop goroutine only

	virtual bool         // set once by WithVirtualClock
	vnow    atomic.Int64 // virtual time; written by the loop goroutine only
	start   time.Time    // origin of the real clock

	stopping bool
	closed   atomic.Bool
	driverG  atomic.Uintptr // the goroutine running the loop; 0 while not running
	currentG atomic.Uintptr // the coroutine goroutine the loop last switched to

	tasks    taskList  // pending tasks, for AllTasks and shutdown
	stepping *taskCore // the task the loop has switched to, or nil
	idle     []*worker // finished coroutine goroutines kept for reuse
	taskSeq  uint64    // for the default names Task-1, Task-2...
	cbSeq    uint64    // done-callback ids

	mu       sync.Mutex    // guards inbox
	inbox    []readyItem   // work posted from other goroutines, or before the loop ran
	spare    []readyItem   // the previous inbox, kept to avoid reallocating
	hasInbox atomic.Bool   // set with inbox non-empty, so the loop can skip mu
	wake     chan struct{} // one token wakes the loop from its wait
	wait     *time.Timer   // the real clock's wait for the next timer
	external atomic.Int32  // operations under way on other goroutines that will post back

	debug       bool
	slowCB      time.Duration
	handler     func(*EventLoop, ExceptionContext)
	unretrieved map[uintptr]*unretrieved // failed futures nobody has looked at yet, by address
}

// An Option configures a new EventLoop, or the loop Run creates.
type Option func(*EventLoop)

// WithDebug turns on the loop's debug mode (see EventLoop.SetDebug).
func WithDebug(on bool) Option { return func(l *EventLoop) { l.debug = on } }

// WithVirtualClock makes the loop keep virtual time: it starts at zero and,
// whenever no callback is ready, jumps straight to the next timer instead of
// waiting for it. An hour of sleeps and timeouts then runs in microseconds,
// and every test about time is exact and repeatable. Callbacks posted with
// CallSoonThreadsafe are still waited for when no timer is pending.
func WithVirtualClock() Option { return func(l *EventLoop) { l.virtual = true } }

// NewEventLoop returns a new, stopped event loop.
func NewEventLoop(opts ...Option) *EventLoop {
	l := &EventLoop{
		start:       time.Now(),
		wake:        make(chan struct{}, 1),
		slowCB:      100 * time.Millisecond,
		unretrieved: map[uintptr]*unretrieved{},
	}
	l.tasks.init()
	for _, o := range opts {
		o(l)
	}
	return l
}

// runningLoops lists the loops that are running, so that running a loop from a
// goroutine that already drives one, or from a coroutine, fails cleanly. It
// changes only when a loop starts or stops, which keeps coroutine goroutines
// free of any registration.
var runningLoops struct {
	sync.Mutex
	loops []*EventLoop
}

// busyGoroutine reports whether goroutine g drives a running loop or is the
// running coroutine of one. Call it with runningLoops locked.
func busyGoroutine(g uintptr) bool {
	for _, l := range runningLoops.loops {
		if l.driverG.Load() == g || l.currentG.Load() == g {
			return true
		}
	}
	return false
}

// inRunningLoop reports whether the calling goroutine drives a running loop or
// is one of its coroutines.
func inRunningLoop() bool {
	runningLoops.Lock()
	defer runningLoops.Unlock()
	return busyGoroutine(goid.Get())
}

// Time returns the loop's current time: the time elapsed on its monotonic (or
// virtual) clock since the loop was created.
func (l *EventLoop) Time() time.Duration {
	if l.virtual {
		return time.Duration(l.vnow.Load())
	}
	return time.Since(l.start)
}

// IsRunning reports whether the loop is running.
func (l *EventLoop) IsRunning() bool { return l.driverG.Load() != 0 }

// IsClosed reports whether Close has been called.
func (l *EventLoop) IsClosed() bool { return l.closed.Load() }

func (l *EventLoop) String() string {
	return fmt.Sprintf("<EventLoop running=%t closed=%t debug=%t>", l.IsRunning(), l.IsClosed(), l.debug)
}

// onLoopGoroutine reports whether the caller may touch the loop's state: it is
// the loop's goroutine or its running coroutine, or the loop is not running.
func (l *EventLoop) onLoopGoroutine() bool {
	d := l.driverG.Load()
	if d == 0 {
		return true
	}
	g := goid.Get()
	return g == d || g == l.currentG.Load()
}

// check returns the error that forbids scheduling on l from the caller, if any.
func (l *EventLoop) check() error {
	if l.closed.Load() {
		return ErrLoopClosed
	}
	if !l.onLoopGoroutine() {
		return ErrWrongGoroutine
	}
	return nil
}

// CallSoon schedules fn to run in a later loop iteration, after the callbacks
// already scheduled (FIFO). It returns ErrLoopClosed on a closed loop and
// ErrWrongGoroutine when called from another goroutine. A panic in fn is
// recovered and reported to the exception handler. CallSoon panics if fn is nil.
func (l *EventLoop) CallSoon(fn func()) (*Handle, error) {
	if fn == nil {
		panic("asyncio: CallSoon: nil callback")
	}
	if err := l.check(); err != nil {
		return nil, err
	}
	h := &Handle{fn: fn, loop: l}
	l.schedule(h, nil)
	return h, nil
}

// CallLater schedules fn to run once delay has passed on the loop's clock;
// a delay of zero or less runs it in the next iteration that fires timers.
// Callbacks with equal deadlines run in the order they were scheduled. The
// errors and panics are those of CallSoon.
func (l *EventLoop) CallLater(delay time.Duration, fn func()) (*TimerHandle, error) {
	return l.CallAt(addDeadline(l.Time(), delay), fn) // saturating: a huge delay must not wrap into the past
}

// CallAt schedules fn to run when the loop's clock reaches when (see Time).
// The errors and panics are those of CallSoon.
func (l *EventLoop) CallAt(when time.Duration, fn func()) (*TimerHandle, error) {
	if fn == nil {
		panic("asyncio: CallAt: nil callback")
	}
	if err := l.check(); err != nil {
		return nil, err
	}
	h := &TimerHandle{Handle: Handle{fn: fn, loop: l}}
	l.timers.push(&h.timer, when, h)
	return h, nil
}

// CreateTask wraps coro in a Task scheduled to start in a later iteration of l,
// as asyncio's loop.create_task does; it never runs coro inline. Use it from
// callbacks and before the loop runs; inside coroutines the package-level
// CreateTask and Go take the caller's ctx and keep its values. On a closed loop
// or from the wrong goroutine the Task returned is already done with
// ErrLoopClosed or ErrWrongGoroutine.
func (l *EventLoop) CreateTask(coro func(context.Context) error, opts ...TaskOption) *Task[struct{}] {
	t := &Task[struct{}]{fn: coro}
	t.init(l, context.Background(), opts)
	return t
}

// Stop asks the loop to stop once the current iteration is over: callbacks
// already taken for this iteration still run. Stop may be called from any
// goroutine; from another goroutine it goes through CallSoonThreadsafe. If
// the loop is not running, the next RunForever runs one iteration and returns.
func (l *EventLoop) Stop() {
	if !l.onLoopGoroutine() {
		l.CallSoonThreadsafe(l.Stop)
		return
	}
	l.stopping = true
}

// RunForever runs the loop until Stop is called. It returns ErrLoopClosed on a
// closed loop, ErrLoopRunning if the loop is already running, and
// ErrAnotherLoopRunning when called from a goroutine that runs a loop or a
// coroutine already. No other errors are defined.
func (l *EventLoop) RunForever() error {
	if l.closed.Load() {
		return ErrLoopClosed
	}
	if l.IsRunning() {
		return ErrLoopRunning
	}
	g := goid.Get()
	runningLoops.Lock()
	if busyGoroutine(g) {
		runningLoops.Unlock()
		return ErrAnotherLoopRunning
	}
	l.driverG.Store(g)
	runningLoops.loops = append(runningLoops.loops, l)
	runningLoops.Unlock()
	defer func() {
		if t := l.stepping; t != nil { // the step ended in a Goexit passed on from t's goroutine
			l.abandon(t)
		}
		l.stopping = false
		runningLoops.Lock()
		runningLoops.loops = slices.DeleteFunc(runningLoops.loops, func(o *EventLoop) bool { return o == l })
		l.driverG.Store(0)
		runningLoops.Unlock()
	}()
	l.run()
	return nil
}

// RunUntilComplete runs the loop until f is done and returns f's error: nil if
// f completed with a result (read it with f's Result), its exception, or its
// cancellation error. It returns ErrLoopStopped if Stop ended the loop first
// (f is left pending), and the errors of RunForever. f must belong to l.
func (l *EventLoop) RunUntilComplete(f AnyFuture) error {
	if f.awaitable().core().loop != l {
		return fmt.Errorf("asyncio: RunUntilComplete: %v belongs to a different loop", f)
	}
	return l.runUntil(f.awaitable())
}

func (l *EventLoop) runUntil(a awaited) error {
	fc := a.core()
	if l.closed.Load() {
		return ErrLoopClosed
	}
	if l.IsRunning() {
		return ErrLoopRunning
	}
	stop := (*stopLoop)(l)
	fc.addCallback(stop)
	err := l.RunForever()
	fc.removeCallback(stop)
	if err != nil {
		return err
	}
	if fc.state == statePending {
		return ErrLoopStopped
	}
	fc.markRetrieved()
	return fc.err
}

// stopLoop is the done-callback by which RunUntilComplete stops its loop.
type stopLoop EventLoop

func (s *stopLoop) run(*futureCore) { s.stopping = true }

// Close closes a stopped loop: pending tasks are reported as destroyed
// ("Task was destroyed but it is pending!") and their coroutines unwound (every
// await in them returns a cancellation error), errors that no one retrieved are
// reported, and the loop's goroutines exit. Queued callbacks are dropped.
// Close returns ErrLoopRunning if the loop is running; closing a closed loop
// does nothing.
func (l *EventLoop) Close() error {
	if l.IsRunning() {
		return fmt.Errorf("asyncio: cannot close a running event loop: %w", ErrLoopRunning)
	}
	if l.closed.Swap(true) {
		return nil
	}
	for t := l.tasks.first(); t != nil; t = l.tasks.first() {
		l.tasks.remove(t)
		l.reportDestroyedPending(t)
		t.unwind()
	}
	l.reportUnretrieved()
	for _, w := range l.idle {
		w.stop()
	}
	l.idle = nil
	l.ready = readyQueue{}
	l.timers = timerHeap{}
	l.mu.Lock()
	l.inbox, l.spare = nil, nil
	l.mu.Unlock()
	if l.wait != nil {
		l.wait.Stop()
	}
	return nil
}

// run runs loop iterations until Stop is called, at least one. Each pass of
// its outer loop is one iteration: one function rather than a call per
// iteration, for the by-hand task step below.
func (l *EventLoop) run() {
	for {
		l.collect()
		n := l.ready.n
		if l.debug {
			l.runDebug(n)
			n = 0
		}
		for range n {
			it := l.ready.pop()
			if t, ok := it.r.(*taskCore); ok {
				// taskCore.run, by hand: switching from here saves the call
				// frame that every switch back would pay for (see suspend).
				if w := t.stepWorker(); w != nil {
					l.enter(t, w)
					_, alive := w.resume()
					l.leave(t, w, alive)
				}
				continue
			}
			it.r.run(it.src)
		}
		if l.stopping {
			return
		}
	}
}

// collect starts an iteration: it waits if there is nothing to do, takes in
// thread-safe work and moves due timers to the ready queue.
func (l *EventLoop) collect() {
	switch {
	case l.ready.n == 0 && !l.stopping:
		timeout := time.Duration(-1) // wait for ever
		if next := l.timers.peek(); next != nil {
			timeout = max(0, next.when-l.Time())
		}
		l.poll(timeout)
	case l.hasInbox.Load():
		l.drainInbox()
	}
	if len(l.timers.items) > 0 {
		l.fireTimers()
	}
}

// fireTimers moves the timers that are due to the back of the ready queue.
func (l *EventLoop) fireTimers() {
	now := l.Time()
	for next := l.timers.peek(); next != nil && next.when <= now; next = l.timers.peek() {
		l.timers.pop()
		l.ready.push(next.cb, nil)
	}
}

// poll moves thread-safe callbacks into the ready queue, first waiting up to
// timeout for one to arrive when nothing else is to be done; a negative timeout
// waits for ever. On the virtual clock a wait for a timer is a jump in time.
func (l *EventLoop) poll(timeout time.Duration) {
	if l.drainInbox() || timeout == 0 {
		return
	}
	if l.virtual && timeout > 0 {
		if l.external.Load() == 0 {
			l.vnow.Store(int64(l.timers.peek().when))
			return
		}
		timeout = -1 // what happens next is the outside work's result: wait for it
	}
	if timeout < 0 {
		<-l.wake
	} else {
		if l.wait == nil {
			l.wait = time.NewTimer(timeout)
		} else {
			l.wait.Reset(timeout)
		}
		select {
		case <-l.wake:
			l.wait.Stop()
		case <-l.wait.C:
		}
	}
	l.drainInbox()
}
