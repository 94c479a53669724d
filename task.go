package asyncio

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"sync/atomic"
)

// taskBody is the typed half of a task, seen from its untyped core.
type taskBody interface {
	AnyTask
	runBody(ctx context.Context) error
	trackError()
}

// taskCore is the untyped state of a task. It is also the task's ctx: the
// context.Context its coroutine receives.
type taskCore struct {
	fut    futureCore
	body   taskBody
	parent context.Context // where Value looks for keys other than the task's
	worker *worker         // the goroutine running the body; nil before the first step and after the last

	waitFor       awaited                // what the task is suspended on, if a future
	timer         timer                  // Sleep's timer
	sleeping      bool                   // suspended on timer
	sleepCancel   bool                   // the Sleep was cancelled, with message msg()
	mustCancel    bool                   // a cancel request, with message msg(), waits for the next step
	passingCancel bool                   // a request is being passed on to waitFor (see request)
	cancels       atomic.Int32           // cancel requests not yet withdrawn by Uncancel; read by Cancelling from any goroutine
	named         atomic.Pointer[string] // given by WithName or SetName, which any goroutine may call
	id            uint64
	prev, next    *taskCore                // the loop's list of pending tasks
	extra         *taskExtra               // rarely needed state, allocated on first need
	ctxState      atomic.Pointer[ctxState] // what ctx.Done and ctx.Err report; nil until needed
}

// taskExtra holds what most tasks never need, to keep spawning a task cheap.
type taskExtra struct {
	cancelMsg string
	source    []uintptr // creation stack, in debug mode
}

func (t *taskCore) ext() *taskExtra {
	if t.extra == nil {
		t.extra = &taskExtra{}
	}
	return t.extra
}

// msg returns the message of the latest cancel request.
func (t *taskCore) msg() string {
	if t.extra == nil {
		return ""
	}
	return t.extra.cancelMsg
}

func (t *taskCore) setMsg(msg string) {
	if msg != "" || t.extra != nil {
		t.ext().cancelMsg = msg
	}
}

func (t *taskCore) source() []uintptr {
	if t.extra == nil {
		return nil
	}
	return t.extra.source
}

func (t *taskCore) core() *futureCore { return &t.fut }

func (t *taskCore) name() string {
	if n := t.named.Load(); n != nil {
		return *n
	}
	return "Task-" + strconv.FormatUint(t.id, 10)
}

// finish completes the task with the body's error.
func (t *taskCore) finish(err error) {
	switch {
	case err == nil && t.mustCancel: // a request made while the body ran wins over its result
		t.fut.complete(stateCancelled, &CancelledError{Message: t.msg()})
	case err == nil:
		t.fut.complete(stateFinished, nil)
	case errors.Is(err, ErrCancelled):
		t.fut.complete(stateCancelled, err)
	default:
		t.fut.complete(stateFinished, err)
		t.body.trackError()
	}
	t.fut.loop.tasks.remove(t)
	if !t.ctxState.CompareAndSwap(nil, finishedCtx) {
		t.ctxState.Load().set(errTaskDone)
	}
}

// cancel is asyncio's Task.cancel on the loop goroutine: a request from the
// task's owner, or anyone, which makes the task's ctx done for good.
func (t *taskCore) cancel(msg string) bool { return t.request(msg, false) }

// cancelScoped is the request a Timeout or TaskGroup makes to interrupt its
// body and withdraws later: it leaves the task's ctx alone, and the scope
// marks its own ctx done instead (see scopeCtx).
func (t *taskCore) cancelScoped(msg string) bool { return t.request(msg, true) }

func (t *taskCore) request(msg string, scoped bool) bool {
	if t.fut.state != statePending {
		// As asyncio's Task.cancel: whoever asks to cancel a done task has
		// seen it end, so a failure is no longer "never retrieved".
		t.fut.markRetrieved()
		return false
	}
	l := t.fut.loop
	if t.passingCancel {
		// The request came back to t through what it awaits: a cycle (t
		// awaits a task that awaits t). t was asked once already; cut the
		// cycle here, and let the task that asked wake itself.
		l.cycleCut = true
		return false
	}
	t.cancels.Add(1)
	if !t.sleepCancel { // a cancelled Sleep reports its own, first, message
		t.setMsg(msg)
	}
	if !scoped {
		t.ctx().set(&CancelledError{Message: msg})
	}
	switch {
	case t.waitFor != nil:
		t.passingCancel = true
		passed := t.waitFor.cancel(msg)
		t.passingCancel = false
		if passed {
			return true // its completion wakes the task with the cancellation
		}
		if l.cycleCut {
			l.cycleCut = false
			t.fut.loop.soon(t, nil) // nothing in the cycle will complete: wake t itself
			t.waitFor.core().removeCallback(t)
		}
	case t.sleeping:
		t.sleeping = false
		l.disarm(&t.timer)
		t.sleepCancel = true
		l.soon(t, nil)
		return true
	}
	t.mustCancel = true
	return true
}

func (t *taskCore) uncancel() int32 {
	if t.cancels.Load() > 0 {
		if t.cancels.Add(-1) == 0 {
			t.mustCancel = false
		}
	}
	return t.cancels.Load()
}

// unwind ends a pending task while its loop closes: a started coroutine runs
// on to its return, every await failing with a cancellation error.
func (t *taskCore) unwind() {
	if w := t.worker; w != nil {
		t.worker = nil
		l := t.fut.loop
		l.stepping = t // the body runs on, each await failing (see suspendEnded)
		w.stop()
		l.stepping = nil
		return
	}
	t.fut.slot = errLoopClosing
	t.fut.publish(stateCancelled)
}

// AnyTask is the untyped view of a *Task[T], as [CurrentTask] and [AllTasks]
// return it. It is implemented only by this package's [Task].
//
// A nil AnyTask is what [CurrentTask] returns outside a coroutine.
type AnyTask interface {
	AnyFuture
	// Name returns the task's name (see Task.Name).
	Name() string
	// SetName renames the task.
	SetName(name string)
	// Cancelling returns the number of pending cancel requests.
	Cancelling() int
	// Uncancel withdraws one cancel request (see Task.Uncancel).
	Uncancel() int
}

// A TaskOption configures a task at creation. [WithName] makes one.
//
// The zero TaskOption changes nothing.
type TaskOption struct {
	apply func(*taskCore)
}

// WithName names the task; without it a task is named [Task]-N, N counting the
// tasks of its loop from 1.
func WithName(name string) TaskOption {
	return TaskOption{func(t *taskCore) { t.named.Store(&name) }}
}

// A Task runs a coroutine concurrently with the others of its loop and holds
// its outcome: it is a [Future] whose result the coroutine sets when it returns.
// It is asyncio's Task. The coroutine starts in a later loop iteration, never
// inside the call that creates the task.
//
// A coroutine that returns an error matching [ErrCancelled] ends its task
// cancelled; any other error is the task's exception, and a panic becomes a
// [*PanicError]. A task cannot be completed from outside: it has no SetResult.
//
// The methods of a Task follow the rules of Future's.
//
// The zero Task is not usable: tasks are made by [CreateTask], Go,
// [TaskGroup.Go], [CreateGroupTask], [EnsureFuture] and [EventLoop.CreateTask].
type Task[T any] struct {
	task   taskCore
	result T
	coro   Coroutine[T]
	fn     func(context.Context) error // the body of a task started by Go
}

// CreateTask wraps coro in a [Task] of the loop running ctx's coroutine and
// schedules it to start in a later loop iteration: asyncio.create_task. The
// task's ctx carries ctx's values but not its cancellation: cancelling the
// creator does not cancel the task.
//
// Called where ctx's coroutine is not the caller, CreateTask schedules
// nothing and returns a Task that is already done with ErrNotInCoroutine.
// CreateTask panics if coro is nil.
func CreateTask[T any](ctx context.Context, coro Coroutine[T], opts ...TaskOption) *Task[T] {
	if coro == nil {
		panic("asyncio: CreateTask: nil coroutine")
	}
	t := &Task[T]{coro: coro}
	t.start(ctx, opts)
	return t
}

// Go behaves like [CreateTask] for a coroutine with no result.
func Go(ctx context.Context, coro func(context.Context) error, opts ...TaskOption) *Task[struct{}] {
	if coro == nil {
		panic("asyncio: Go: nil coroutine")
	}
	t := &Task[struct{}]{fn: coro}
	t.start(ctx, opts)
	return t
}

// EnsureFuture returns aw as a task: aw itself when it is a *Task[T] of the
// loop running ctx's coroutine, otherwise a new [Task], scheduled as [CreateTask]
// schedules it, that awaits aw. (asyncio's ensure_future returns a [Future]
// unchanged; a Task is the one Go type that fits both cases.) The misuse
// errors are those of [CreateTask]. EnsureFuture panics if aw is nil, or a nil
// [Coroutine], [Func], *Task or *Future.
func EnsureFuture[T any](ctx context.Context, aw Awaitable[T], opts ...TaskOption) *Task[T] {
	if isNilAwaitable(aw) {
		panic("asyncio: EnsureFuture: nil awaitable")
	}
	if t, ok := aw.(*Task[T]); ok {
		if rt, err := runningTask(ctx); err != nil || rt.fut.loop == t.task.fut.loop {
			return t
		}
	}
	if c, ok := aw.(Coroutine[T]); ok {
		return CreateTask(ctx, c, opts...)
	}
	return CreateTask(ctx, aw.Await, opts...)
}

// isNilAwaitable reports whether aw is nil, or one of this package's
// awaitables holding nil, which would fail only once awaited.
func isNilAwaitable[T any](aw Awaitable[T]) bool {
	if f, ok := any(aw).(Func); ok {
		return f == nil
	}
	switch a := aw.(type) {
	case nil:
		return true
	case Coroutine[T]:
		return a == nil
	case *Task[T]:
		return a == nil
	case *Future[T]:
		return a == nil
	}
	return false
}

func (t *Task[T]) start(ctx context.Context, opts []TaskOption) {
	rt, err := runningTask(ctx)
	if err != nil {
		t.task.body = t
		t.task.fut = futureCore{loop: orphanLoop, state: stateFinished, slot: err, retrieved: true}
		return
	}
	parent := ctx
	if ctx == context.Context(rt) {
		parent = rt.parent // a task ctx adds no values of its own: skip it, so tasks do not pin their ancestors
	}
	t.init(rt.fut.loop, parent, opts)
}

// orphanLoop owns the tasks that could not be created: a closed loop, so that
// their methods work and nothing runs.
var orphanLoop = func() *EventLoop {
	l := NewEventLoop()
	l.closed.Store(true)
	return l
}()

func (t *Task[T]) init(l *EventLoop, parent context.Context, opts []TaskOption) {
	c := &t.task
	c.body, c.parent, c.fut.loop = t, parent, l
	for _, o := range opts {
		if o.apply != nil { // the zero TaskOption changes nothing
			o.apply(c)
		}
	}
	if err := l.check(); err != nil {
		c.fut.state, c.fut.slot, c.fut.retrieved = stateFinished, err, true
		return
	}
	l.taskSeq++
	c.id = l.taskSeq
	if l.debug.Load() {
		pcs := make([]uintptr, 32)
		c.ext().source = pcs[:runtime.Callers(3, pcs)]
	}
	l.tasks.add(c)
	l.soon(c, nil)
}

func (t *Task[T]) runBody(ctx context.Context) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = newPanicError(r)
		}
	}()
	if t.fn != nil {
		return t.fn(ctx)
	}
	t.result, err = t.coro(ctx)
	return err
}

func (t *Task[T]) awaitable() awaited { return &t.task }

// Loop returns the loop t runs on.
func (t *Task[T]) Loop() *EventLoop { return t.task.fut.loop }

// Name returns t's name: the one given by [WithName] or SetName, or [Task]-N.
// It may be called from any goroutine.
func (t *Task[T]) Name() string { return t.task.name() }

// SetName renames t. It may be called from any goroutine.
func (t *Task[T]) SetName(name string) { t.task.named.Store(&name) }

// Done reports whether t has finished, failed or been cancelled. It may be
// called from any goroutine.
func (t *Task[T]) Done() bool { return t.task.fut.loadState() != statePending }

// Cancelled reports whether t ended cancelled. It stays false right after
// Cancel: the request has yet to reach the coroutine. It may be called from
// any goroutine.
func (t *Task[T]) Cancelled() bool { return t.task.fut.loadState() == stateCancelled }

// Result returns what t's coroutine returned, as [Future.Result] does.
func (t *Task[T]) Result() (T, error) { return resultOf(&t.task.fut, t.result) }

// Exception returns t's error as [Future.Exception] does: it is defined only
// once t is done, and panics, naming the mistake, while t is pending or when
// called off t's loop's goroutine.
func (t *Task[T]) Exception() error { return t.task.fut.exception("Task.Exception") }

// Cancel requests cancellation of t and reports whether it was made: false if
// t is already done. Cancel does not wait: the request reaches the coroutine
// at its current await, which returns a [*CancelledError], or at its next await
// if it is running (the caller cancelling itself) or not yet resumed; a task
// cancelled before it starts never runs. If t is awaiting a future or another
// task, that is cancelled in its place, as asyncio does.
//
// The coroutine may handle the error and go on; the task then ends as its
// coroutine does. Each call counts one request (see Cancelling, Uncancel).
// Called from a goroutine other than the loop's, Cancel hands the request to
// the loop and reports true.
func (t *Task[T]) Cancel() bool { return t.CancelWithMessage("") }

// CancelWithMessage is Cancel with a message that the [CancelledError] carries.
func (t *Task[T]) CancelWithMessage(msg string) bool {
	if l := t.task.fut.loop; !l.onLoopGoroutine() {
		_, err := l.CallSoonThreadsafe(func() { t.task.cancel(msg) })
		return err == nil
	}
	return t.task.cancel(msg)
}

// Cancelling returns the number of cancel requests made and not withdrawn by
// Uncancel. Handling a cancellation does not lower it. It may be called from
// any goroutine.
func (t *Task[T]) Cancelling() int { return int(t.task.cancels.Load()) }

// Uncancel withdraws one cancel request and returns how many remain. When none
// remain, a request not yet delivered is dropped. t's ctx stays done once a
// request made it done, as context requires of every ctx: a task that handles
// its cancellation and carries on should derive what it needs next from
// [context.WithoutCancel]. Structured-concurrency helpers use Uncancel to tell
// their own cancellations from their caller's; theirs never touch t's ctx.
//
// Uncancel must be called on t's loop's goroutine: called from another
// goroutine it panics, since the count it returns would already be stale.
func (t *Task[T]) Uncancel() int {
	mustOnLoop(t.task.fut.loop, "Task.Uncancel")
	return int(t.task.uncancel())
}

// AddDoneCallback is [Future.AddDoneCallback] for a task.
func (t *Task[T]) AddDoneCallback(fn func(*Task[T])) CallbackID {
	return addUserCallback(&t.task.fut, func() { fn(t) })
}

// RemoveDoneCallback is [Future.RemoveDoneCallback] for a task.
func (t *Task[T]) RemoveDoneCallback(id CallbackID) int {
	return removeUserCallback(&t.task.fut, id)
}

// Await suspends the calling coroutine until t is done and returns Result's
// values. Cancelling the awaiting task cancels t as well; wrap t with [Shield] to
// prevent that. A task awaiting itself gets an error matching [ErrAwaitSelf],
// a coroutine of another loop one matching [ErrWrongLoop], and
// [ErrNotInCoroutine] is returned as for [Future.Await].
func (t *Task[T]) Await(ctx context.Context) (T, error) {
	return awaitResult(ctx, &t.task, &t.result)
}

func (t *Task[T]) takeResult() (T, error) { return takeResult(&t.task.fut, t.result) }

func (t *Task[T]) trackError() {
	trackFailure(&t.task.fut, t, "Task exception was never retrieved", t.task.source())
}

func (t *Task[T]) String() string {
	return fmt.Sprintf("<Task %s name=%q>", t.task.fut.describe(func() any { return t.result }), t.task.name())
}

// CurrentTask returns the task whose coroutine owns ctx and is calling, or nil.
func CurrentTask(ctx context.Context) AnyTask {
	t, err := runningTask(ctx)
	if err != nil {
		return nil
	}
	return t.body
}
