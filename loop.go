package asyncio

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

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
// [ErrWrongGoroutine] and change nothing. While the loop is not running, its
// owner may set it up: the goroutine that made it, or the one that last ran
// it. The methods documented as safe from any goroutine (CallSoonThreadsafe,
// Stop, Time, the Cancel methods...) are the doors for every other goroutine.
//
// A loop holds goroutines for its coroutines: Close it when done with it.
// Run does all of that for you. The zero EventLoop is not usable: make one
// with [NewEventLoop].
type EventLoop struct {
	ready  readyQueue // loop goroutine only; reached through soon
	timers timerHeap  // loop goroutine only; reached through arm and disarm
	clock  clock
	pbox   atomic.Pointer[pollerBox] // the poller; swapped once, by the loop, when the first fd is registered
	io     ioState                   // file descriptors and their readiness (loop goroutine only)
	sig    signalState               // signal handlers and Run's SIGINT policy (signal.go)
	inbox  inbox                     // work posted from other goroutines, or before the loop ran
	vnet   netState                  // the Network of WithNetwork, if any (loop goroutine only)
	hooks  testHooks                 // WithSeed and WithStepHook (seed.go, steprecord.go)

	stopping bool
	stopErr  error // why the loop stopped itself (a deadlock), for RunForever to return
	closed   atomic.Bool
	driverG  atomic.Uintptr // the goroutine running the loop; 0 while not running
	currentG atomic.Uintptr // the coroutine goroutine the loop last switched to
	ownerG   atomic.Uintptr // the goroutine that made the loop or last ran it

	tasks    taskList  // pending tasks, for AllTasks and shutdown
	stepping *taskCore // the task the loop has switched to, or nil
	tickLeft int       // ready items left in this iteration (see handOff)
	depth    int       // goroutines parked in another task's resume (see dispatch.go)
	goexit   *worker   // a worker whose goroutine ends, on its way down the chain (see dispatch.go)
	workers  []*worker // finished coroutine goroutines kept for reuse
	taskSeq  uint64    // for the default names Task-1, Task-2...
	cbSeq    uint64    // ordering of unretrieved records
	external int       // outside work in progress that will post back (see idle)
	cycleCut bool      // a cancel request met a task already passing one on (see request)
	ran      uint64    // ready items run so far, for the I/O fairness rule
	polledAt uint64    // ran at the last poll
	paced    uint64    // ready items run, counted for pace (sched.go)
	watches  watchList // awaits made with a ctx derived from a task's

	exec executorState // the default executor (loop goroutine only)
	gate outsideGate   // outcomes coming in from other goroutines (see bridge.go)

	userCBSeq   atomic.Uint64 // ids of AddDoneCallback registrations, made on any goroutine
	debug       atomic.Bool
	slowCB      atomic.Int64 // a time.Duration
	handler     atomic.Pointer[func(*EventLoop, ExceptionContext)]
	unretrieved map[uintptr]*unretrieved // failed futures nobody has looked at yet, by address

	id    uint64    // names the loop in dumps and profiles, in the order loops first ran; set under runningLoops' lock
	obs   *observer // pprof labels and trace regions (WithProfiling); nil when off
	steps stepClock // the step running now, for the watchdog (debug mode)
}

// An Option configures a new [EventLoop], or the loop Run creates.
//
// The zero Option is nil and must not be passed.
type Option func(*EventLoop)

// WithDebug turns on the loop's debug mode (see [EventLoop.SetDebug]).
func WithDebug(on bool) Option { return func(l *EventLoop) { l.debug.Store(on) } }

// WithVirtualClock makes the loop keep virtual time: it starts at zero and,
// whenever no callback is ready and nothing outside the loop is in progress,
// jumps straight to the next timer instead of waiting for it. An hour of
// sleeps and timeouts then runs in microseconds, and every test about time is
// exact and repeatable.
//
// Work in progress outside the loop on the loop's behalf ([ToThread],
// [RunInExecutor], [WrapFuture], [Recv], [Send], an await with a ctx that has
// a wall-clock deadline) holds the clock back: the loop then waits in real time for what comes first, the
// outside result or the next timer, and advances the clock by the time that
// passed, so virtual time never runs slower than real time. A goroutine that
// the loop does not know of, posting with CallSoonThreadsafe, does not hold
// the clock back.
//
// When nothing is ready, no timer is pending and nothing is in progress
// outside, nothing can ever happen again: RunForever and RunUntilComplete
// then return a [*DeadlockError] naming every pending task and what it awaits,
// where a real-clock loop would wait for ever.
func WithVirtualClock() Option { return func(l *EventLoop) { l.clock.virtual = true } }

// NewEventLoop returns a new, stopped event loop, owned by the calling
// goroutine until some goroutine runs it.
func NewEventLoop(opts ...Option) *EventLoop {
	l := &EventLoop{
		clock:       clock{start: time.Now()},
		unretrieved: map[uintptr]*unretrieved{},
	}
	l.pbox.Store(&pollerBox{newChanPoller()})
	l.slowCB.Store(int64(100 * time.Millisecond))
	l.ownerG.Store(goid.Get())
	for _, o := range opts {
		o(l)
	}
	return l
}

// runningLoops lists the loops that are running, so that running a loop from a
// goroutine that already drives one, or from a coroutine, fails cleanly. It
// changes only when a loop starts or stops, which keeps coroutine goroutines
// free of any registration. Its lock also makes claiming a loop to run or
// close it one step.
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

// IsRunning reports whether the loop is running. It may be called from any
// goroutine.
func (l *EventLoop) IsRunning() bool { return l.driverG.Load() != 0 }

// IsClosed reports whether Close has been called. It may be called from any
// goroutine.
func (l *EventLoop) IsClosed() bool { return l.closed.Load() }

func (l *EventLoop) String() string {
	return fmt.Sprintf("<EventLoop running=%t closed=%t debug=%t>", l.IsRunning(), l.IsClosed(), l.debug.Load())
}

// onLoopGoroutine reports whether the caller may touch the loop's state: it is
// the loop's goroutine or its running coroutine, or, while the loop is not
// running, its owner.
func (l *EventLoop) onLoopGoroutine() bool {
	g := goid.Get()
	if d := l.driverG.Load(); d != 0 {
		return g == d || g == l.currentG.Load()
	}
	return g == l.ownerG.Load()
}

// mustOnLoop panics, naming the method, when the caller may not touch l: for
// the few loop-only methods whose results have no room for ErrWrongGoroutine.
func mustOnLoop(l *EventLoop, method string) {
	if !l.onLoopGoroutine() && !l.closed.Load() {
		panic("asyncio: " + method + " called from a goroutine other than its loop's: " + ErrWrongGoroutine.Error())
	}
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
// already scheduled (FIFO). It returns [ErrLoopClosed] on a closed loop and
// [ErrWrongGoroutine] when called from another goroutine. A panic in fn is
// recovered and reported to the exception handler. CallSoon panics if fn is nil.
func (l *EventLoop) CallSoon(fn func()) (*Handle, error) {
	if fn == nil {
		panic("asyncio: CallSoon: nil callback")
	}
	if err := l.check(); err != nil {
		return nil, err
	}
	h := &Handle{fn: fn, loop: l}
	l.soon(h, nil)
	return h, nil
}

// CallLater schedules fn to run once delay has passed on the loop's clock;
// a delay of zero or less runs it in the next iteration that fires timers.
// Callbacks with equal deadlines run in the order they were scheduled. The
// errors and panics are those of CallSoon.
func (l *EventLoop) CallLater(delay time.Duration, fn func()) (*TimerHandle, error) {
	return l.CallAt(addDeadline(l.Time(), delay), fn) // saturating: a huge delay must not wrap into the past
}

// CallAt schedules fn to run when the loop's clock reaches when (see Time);
// [NoDeadline] is never reached. The errors and panics are those of CallSoon.
func (l *EventLoop) CallAt(when time.Duration, fn func()) (*TimerHandle, error) {
	if fn == nil {
		panic("asyncio: CallAt: nil callback")
	}
	if err := l.check(); err != nil {
		return nil, err
	}
	h := &TimerHandle{Handle: Handle{fn: fn, loop: l}, when: when}
	l.arm(&h.timer, when, h)
	return h, nil
}

// Go wraps the void coroutine coro in a [Task] scheduled to start in a later
// iteration of l, as asyncio's loop.create_task does; it never runs coro
// inline. Use it from callbacks and before the loop runs; inside coroutines
// the package-level [Go] and [CreateTask] take the caller's ctx and keep its
// values. On a closed loop or from the wrong goroutine the Task returned is
// already done with [ErrLoopClosed] or [ErrWrongGoroutine]. Go panics if coro
// is nil.
func (l *EventLoop) Go(coro func(context.Context) error, opts ...TaskOption) *Task[struct{}] {
	if coro == nil {
		panic("asyncio: EventLoop.Go: nil coroutine")
	}
	t := &Task[struct{}]{fn: coro}
	t.init(l, context.Background(), opts)
	return t
}

// CreateTask is [EventLoop.Go] under asyncio's method name.
//
// Deprecated: the package names a void form Go and a valued one CreateTask
// (see the package doc); use [EventLoop.Go].
func (l *EventLoop) CreateTask(coro func(context.Context) error, opts ...TaskOption) *Task[struct{}] {
	return l.Go(coro, opts...)
}

// Stop asks the loop to stop once the current iteration is over: callbacks
// already taken for this iteration still run. Stop may be called from any
// goroutine; from another goroutine it goes through CallSoonThreadsafe. If
// the loop is not running, the next RunForever runs one iteration and returns.
func (l *EventLoop) Stop() {
	_ = l.threadsafe(func() { l.stopping = true })
}

// claim makes the calling goroutine the loop's driver, or says why it cannot
// be: of two goroutines claiming a loop at the same instant, one wins.
func (l *EventLoop) claim() error {
	g := goid.Get()
	runningLoops.Lock()
	defer runningLoops.Unlock()
	switch {
	case l.closed.Load():
		return ErrLoopClosed
	case l.driverG.Load() != 0:
		return ErrLoopRunning
	case busyGoroutine(g):
		return ErrAnotherLoopRunning
	}
	l.driverG.Store(g)
	l.ownerG.Store(g)
	if l.id == 0 {
		l.id = loopSeq.Add(1)
	}
	runningLoops.loops = append(runningLoops.loops, l)
	return nil
}

// release ends a claim. It runs deferred, so that it also runs when a
// coroutine's runtime.Goexit unwinds the loop's goroutine.
func (l *EventLoop) release() {
	if t := l.stepping; t != nil { // the step ended in a Goexit passed on from t's goroutine
		l.abandon(t)
	}
	l.stopping = false
	l.stopWatchdog()
	runningLoops.Lock()
	runningLoops.loops = slices.DeleteFunc(runningLoops.loops, func(o *EventLoop) bool { return o == l })
	l.driverG.Store(0)
	runningLoops.Unlock()
}

// RunForever runs the loop until Stop is called. It returns [ErrLoopClosed] on a
// closed loop, [ErrLoopRunning] if the loop is already running, and
// [ErrAnotherLoopRunning] when called from a goroutine that runs a loop or a
// coroutine already. On the virtual clock it returns a [*DeadlockError] when
// nothing can ever happen again (see [WithVirtualClock]). No other errors are
// defined.
func (l *EventLoop) RunForever() error {
	if err := l.claim(); err != nil {
		return err
	}
	defer l.release()
	l.run()
	err := l.stopErr
	l.stopErr = nil
	return err
}

// RunUntilComplete runs the loop until f is done and returns f's error: nil if
// f completed with a result (read it with f's Result), its exception, or its
// cancellation error. It returns [ErrLoopStopped] if Stop ended the loop first
// (f is left pending), a [*DeadlockError] if f can never complete (on the
// virtual clock, see [WithVirtualClock]), and the errors of RunForever. f must
// belong to l.
func (l *EventLoop) RunUntilComplete(f AnyFuture) error {
	if f.awaitable().core().loop != l {
		return wrongLoop("RunUntilComplete: %v", f)
	}
	return l.runUntil(f.awaitable())
}

func (l *EventLoop) runUntil(a awaited) error {
	if err := l.claim(); err != nil {
		return err
	}
	defer l.release()
	return l.runClaimed(a)
}

// runClaimed runs the claimed loop until a is done.
func (l *EventLoop) runClaimed(a awaited) error {
	fc := a.core()
	stop := (*stopLoop)(l)
	fc.addCallback(stop)
	l.run()
	fc.removeCallback(stop)
	stopErr := l.stopErr
	l.stopErr = nil
	switch {
	case fc.state != statePending:
		fc.markRetrieved()
		return fc.err()
	case stopErr != nil:
		return stopErr
	}
	return ErrLoopStopped
}

// stopLoop is the done-callback by which RunUntilComplete stops its loop.
type stopLoop EventLoop

func (s *stopLoop) run(*futureCore) { s.stopping = true }

// Close closes a stopped loop: pending tasks are reported as destroyed
// ("Task was destroyed but it is pending!") and their coroutines unwound (every
// await in them returns a cancellation error), errors that no one retrieved are
// reported, and the loop's goroutines exit. Queued callbacks are dropped.
// Close returns [ErrLoopRunning] if the loop is running; closing a closed loop
// does nothing. Close may be called from any goroutine: it claims the loop as
// RunForever does, so the two cannot overlap.
func (l *EventLoop) Close() error {
	runningLoops.Lock()
	running := l.driverG.Load() != 0
	already := !running && l.closed.Swap(true)
	runningLoops.Unlock()
	switch {
	case running:
		return fmt.Errorf("asyncio: cannot close a running event loop: %w", ErrLoopRunning)
	case already:
		return nil
	}
	l.shutGate()
	for t := l.tasks.first(); t != nil; t = l.tasks.first() {
		l.tasks.remove(t)
		l.reportDestroyedPending(t)
		t.unwind()
	}
	l.closeDefaultExecutor()
	l.reportUnretrieved()
	for _, w := range l.workers {
		w.stop()
	}
	l.workers = nil
	l.ready = readyQueue{}
	l.timers = timerHeap{}
	l.inbox.clear()
	l.closeSignals()
	l.closeIO()
	l.closeNet()
	return l.poller().close()
}

// run runs loop iterations until Stop is called, at least one. Each pass of
// its outer loop is one iteration: one function rather than a call per
// iteration, for the by-hand task step below.
func (l *EventLoop) run() {
	for {
		l.turn()
		if l.instrumented() {
			n := l.tickLeft
			l.tickLeft = 0 // no hand-offs (see handOff): each step is timed and traced on its own
			l.runInstrumented(stackMark{uintptr(unsafe.Pointer(l)), driverMagic}, n)
		}
		for l.tickLeft > 0 {
			it := l.take()
			if t, ok := it.r.(*taskCore); ok {
				// taskCore.run, by hand: switching from here saves the call
				// frame that every switch back would pay for (see suspend).
				if w := t.stepWorker(); w != nil {
					l.enter(t, w)
					alive := w.resume()
					l.leave(w, alive) // w may have run later tasks too (see handOff)
					if l.goexit != nil {
						l.passGoexit()
					}
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

// collect starts an iteration, as CPython's _run_once begins: it waits if
// there is nothing to do (see idle), takes in thread-safe work and moves due
// timers to the ready queue.
func (l *EventLoop) collect() {
	if l.clock.virtual {
		l.catchUp()
	}
	polled := l.ready.n
	if l.ready.n == 0 && !l.stopping && !l.inbox.has.Load() {
		l.idle()
		l.polledAt = l.ran
	} else if l.io.on && l.ran-l.polledAt >= ioPollInterval {
		l.poller().wait(0) // work is ready, but readiness must not starve behind it
		l.polledAt = l.ran
	}
	if l.hooks.rng != nil && l.ready.n-polled > 1 {
		l.ready.shuffleFrom(polled, l.hooks.rng)
	}
	l.drainInbox()
	if len(l.timers.items) > 0 {
		l.fireTimers()
	}
}

// fireTimers moves the timers that are due to the back of the ready queue.
func (l *EventLoop) fireTimers() {
	now := l.Time()
	for when, ok := l.timers.next(); ok && when <= now; when, ok = l.timers.next() {
		l.ready.push(l.timers.pop(), nil)
	}
}

// taskList is the loop's intrusive list of pending tasks.
type taskList struct {
	head *taskCore
	n    int
}

func (l *taskList) add(t *taskCore) {
	t.next = l.head
	if l.head != nil {
		l.head.prev = t
	}
	l.head = t
	l.n++
}

func (l *taskList) remove(t *taskCore) {
	switch {
	case t.prev != nil:
		t.prev.next = t.next
	case l.head == t:
		l.head = t.next
	default:
		return // not in the list
	}
	if t.next != nil {
		t.next.prev = t.prev
	}
	t.prev, t.next = nil, nil
	l.n--
}

func (l *taskList) first() *taskCore { return l.head }

// all returns the pending tasks, oldest first.
func (l *taskList) all() []AnyTask {
	out := make([]AnyTask, l.n)
	i := l.n
	for t := l.head; t != nil; t = t.next {
		i--
		out[i] = t.body
	}
	return out
}

// AllTasks returns the pending tasks of the loop running ctx's coroutine,
// oldest first. It returns [ErrNotInCoroutine] where ctx's coroutine is not the
// caller.
func AllTasks(ctx context.Context) ([]AnyTask, error) {
	t, err := runningTask(ctx)
	if err != nil {
		return nil, err
	}
	return t.fut.loop.tasks.all(), nil
}

// GetRunningLoop returns the loop running ctx's coroutine. It returns
// [ErrNotInCoroutine] where ctx's coroutine is not the caller: asyncio's "no
// running event loop".
func GetRunningLoop(ctx context.Context) (*EventLoop, error) {
	t, err := runningTask(ctx)
	if err != nil {
		return nil, err
	}
	return t.fut.loop, nil
}
