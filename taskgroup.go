package asyncio

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// A TaskGroup holds tasks that must all finish before the block that started
// them returns: asyncio.TaskGroup. [WithTaskGroup] creates one for the length
// of a body; the body and the group's tasks start more with Go and
// [CreateGroupTask]. A TaskGroup cannot outlive its block, so no task of it is
// left running.
//
// Its methods must be called on its loop's goroutine: from the body, the
// group's tasks, or other coroutines and callbacks of the loop. The zero
// TaskGroup is not usable: its Go returns a [Task] done with an error matching
// ErrInvalidState.
type TaskGroup struct {
	loop   *EventLoop
	parent *taskCore       // the task running the body
	ctx    context.Context // the body's ctx: where the group's tasks find values

	exiting         bool // the body has returned
	aborting        bool // the group is cancelling its tasks
	cancelledParent bool // the group cancelled parent and owes it an Uncancel

	tasks   []*taskCore // the group's tasks; the pending ones are counted by pending
	pending int
	errs    []error     // the tasks' failures, in the order they happened
	waiter  *futureCore // what the exiting body awaits while tasks are pending
	body    scopeCtx    // the body's ctx: done when the group cancels the body
}

// TaskGroupError is the error of a [TaskGroup] whose tasks or body failed: it
// holds every failure, in the order they happened (asyncio's ExceptionGroup),
// a task's wrapped in a [*TaskError] that names the task, the body's as it
// returned it. [errors.Is] and [errors.As] look at each of them through Unwrap.
//
// The zero TaskGroupError holds no failures.
type TaskGroupError struct {
	Errors []error
}

func (e *TaskGroupError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "asyncio: unhandled errors in a TaskGroup (%d sub-error", len(e.Errors))
	if len(e.Errors) != 1 {
		b.WriteByte('s')
	}
	b.WriteString(")")
	for i, err := range e.Errors {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(err.Error())
	}
	return b.String()
}

// Unwrap returns the failures, for [errors.Is] and [errors.As].
func (e *TaskGroupError) Unwrap() []error { return e.Errors }

// Split divides e's failures by match, as an `except*` clause divides an
// ExceptionGroup (asyncio's ExceptionGroup.split): matched holds those for
// which match reports true, rest the others, each as a [*TaskGroupError] in
// e's order, and each nil when it would be empty. A member that is itself a
// *TaskGroupError (a nested group's failure) is split in turn, keeping its
// place in the nesting; match is called only on the other members. Split of
// a nil e returns nil, nil.
//
// A clause `except* ValueError as eg:` is
//
//	eg, rest := ge.Split(func(err error) bool { return errors.Is(err, ErrValue) })
//
// and rest, if not nil, goes on to the next clause or back to the caller.
func (e *TaskGroupError) Split(match func(error) bool) (matched, rest error) {
	m, r := e.split(match)
	if m != nil {
		matched = m
	}
	if r != nil {
		rest = r
	}
	return matched, rest
}

func (e *TaskGroupError) split(match func(error) bool) (matched, rest *TaskGroupError) {
	if e == nil {
		return nil, nil
	}
	var ms, rs []error
	for _, err := range e.Errors {
		if g, ok := err.(*TaskGroupError); ok {
			m, r := g.split(match)
			if m != nil {
				ms = append(ms, m)
			}
			if r != nil {
				rs = append(rs, r)
			}
			continue
		}
		if match(err) {
			ms = append(ms, err)
		} else {
			rs = append(rs, err)
		}
	}
	if len(ms) > 0 {
		matched = &TaskGroupError{Errors: ms}
	}
	if len(rs) > 0 {
		rest = &TaskGroupError{Errors: rs}
	}
	return matched, rest
}

// SplitError is [TaskGroupError.Split] for any error, so that `except*`
// clauses chain: when err is a [*TaskGroupError] it is split; any other err is
// matched (returned as matched) or not (returned as rest) whole, and a nil
// err gives nil, nil. As in Python, where `except*` sees a bare exception as
// a group of one, the result of each clause feeds the next:
//
//	valueErrs, err := asyncio.SplitError(err, isValueError)
//	typeErrs, err := asyncio.SplitError(err, isTypeError)
//	if err != nil {
//		return err // what no clause matched
//	}
func SplitError(err error, match func(error) bool) (matched, rest error) {
	switch e := err.(type) {
	case nil:
		return nil, nil
	case *TaskGroupError:
		return e.Split(match)
	}
	if match(err) {
		return err, nil
	}
	return nil, err
}

// WithTaskGroup runs body inline in the coroutine that owns ctx with a new
// [TaskGroup], then waits until every task of the group has finished, however
// body returned: asyncio's `async with TaskGroup() as tg`.
//
// The first task to fail cancels the others and the body (whose current await
// returns a [*CancelledError]); once all have finished, WithTaskGroup returns a
// [*TaskGroupError] holding every failure of the tasks, and the body's error if
// that is not a cancellation. A body that fails is handled the same way. A
// panic in body is recovered and counts as its failure, a [*PanicError]; the
// tasks are still cancelled and waited for. With no failure, WithTaskGroup
// returns nil; the tasks' results stay on their Tasks.
//
// # Cancellation
//
// Cancelling the task running WithTaskGroup cancels the body and every task of
// the group, waits for them, and returns the *CancelledError; but errors that
// tasks return while being cancelled win over the cancellation, in a
// *TaskGroupError (the task stays cancelled: its next await returns the
// cancellation). The group withdraws the cancel request it made on its own
// task (see [Task.Uncancel]), so a caller that handles the *TaskGroupError can
// carry on.
//
// WithTaskGroup returns [ErrNotInCoroutine], without running body, where ctx's
// coroutine is not the caller.
func WithTaskGroup(ctx context.Context, body func(ctx context.Context, tg *TaskGroup) error) error {
	t, err := runningTask(ctx)
	if err != nil {
		return err
	}
	values := ctx
	if ctx == context.Context(t) {
		values = t.parent // as CreateTask does: a task ctx adds no values of its own
	}
	tg := &TaskGroup{loop: t.fut.loop, parent: t, ctx: values}
	tg.body.init(ctx, t, nil)
	return tg.exit(ctx, callGroupBody(&tg.body, tg, body))
}

func callGroupBody(ctx context.Context, tg *TaskGroup, body func(context.Context, *TaskGroup) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = newPanicError(r)
		}
	}()
	return body(ctx, tg)
}

// exit is asyncio's TaskGroup.__aexit__: bodyErr is what the body returned.
func (tg *TaskGroup) exit(ctx context.Context, bodyErr error) error {
	tg.exiting = true
	var propagate error // the cancellation to return, unless errors win
	if bodyErr != nil && errors.Is(bodyErr, ErrCancelled) {
		propagate = bodyErr
	}
	if bodyErr != nil && !tg.aborting {
		tg.abort()
	}
	var lastCancel error
	for tg.pending > 0 {
		// A loop: the wait is cancelled again each time someone cancels the
		// task, which goes on waiting for the group.
		tg.waiter = &futureCore{loop: tg.loop}
		if err := waitOn(ctx, tg.waiter); err != nil {
			if err == errLoopClosing {
				return err // the loop is unwinding every task, the group's too
			}
			lastCancel = err
			if !tg.aborting {
				propagate = err
				tg.abort()
			}
		}
		tg.waiter = nil
	}
	tg.tasks = nil
	if tg.cancelledParent {
		if tg.parent.uncancel() == 0 {
			propagate = nil // the only request was ours
		} else if propagate == nil {
			propagate = lastCancel // another request remains: it is not ours to drop
		}
	}
	if propagate != nil && len(tg.errs) == 0 {
		return propagate
	}
	if bodyErr != nil && !errors.Is(bodyErr, ErrCancelled) {
		tg.errs = append(tg.errs, bodyErr)
	}
	if len(tg.errs) == 0 {
		return nil
	}
	if tg.parent.cancels.Load() > 0 {
		// Someone else cancelled the task too: the errors are returned, and
		// the request goes back to pending, to reach the task's next await.
		tg.parent.uncancel()
		tg.parent.cancel("")
	}
	return &TaskGroupError{Errors: tg.errs}
}

// Go starts coro as a task of the group, as the package-level Go does, and
// returns it: asyncio's TaskGroup.create_task for a coroutine with no result.
// Its ctx carries the values of the body's ctx.
//
// Go returns a [Task] already done with an error matching [ErrInvalidState] once
// the group is finished ("TaskGroup is finished") or cancelling its tasks
// after a failure ("TaskGroup is shutting down"), and with [ErrWrongGoroutine]
// off the loop's goroutine; coro does not run. Go panics if coro is nil.
func (tg *TaskGroup) Go(coro func(ctx context.Context) error, opts ...TaskOption) *Task[struct{}] {
	if coro == nil {
		panic("asyncio: TaskGroup.Go: nil coroutine")
	}
	return groupTask(tg, &Task[struct{}]{fn: coro}, opts)
}

// CreateGroupTask behaves like [TaskGroup.Go] for a coroutine with a result:
// asyncio's TaskGroup.create_task. (Go methods cannot take type parameters,
// so this is a function.)
func CreateGroupTask[T any](tg *TaskGroup, coro Coroutine[T], opts ...TaskOption) *Task[T] {
	if coro == nil {
		panic("asyncio: CreateGroupTask: nil coroutine")
	}
	return groupTask(tg, &Task[T]{coro: coro}, opts)
}

func groupTask[T any](tg *TaskGroup, t *Task[T], opts []TaskOption) *Task[T] {
	if err := tg.check(); err != nil {
		t.task.body = t
		t.task.fut = futureCore{loop: orphanLoop, state: stateFinished, slot: err, retrieved: true}
		return t
	}
	t.init(tg.loop, tg.ctx, opts)
	c := &t.task
	if len(tg.tasks) >= 2*tg.pending+16 {
		tg.compact()
	}
	tg.tasks = append(tg.tasks, c)
	tg.pending++
	c.fut.addCallback(tg)
	return t
}

func (tg *TaskGroup) check() error {
	if tg.loop == nil {
		return invalidState("TaskGroup was not made by WithTaskGroup")
	}
	if err := tg.loop.check(); err != nil {
		return err
	}
	if tg.exiting && tg.pending == 0 {
		return invalidState("TaskGroup is finished")
	}
	if tg.aborting {
		return invalidState("TaskGroup is shutting down")
	}
	return nil
}

// compact drops finished tasks, so a long-lived group holds only its pending
// ones.
func (tg *TaskGroup) compact() {
	kept := tg.tasks[:0]
	for _, c := range tg.tasks {
		if c.fut.state == statePending {
			kept = append(kept, c)
		}
	}
	clear(tg.tasks[len(kept):])
	tg.tasks = kept
}

// abort cancels the group's pending tasks.
func (tg *TaskGroup) abort() {
	tg.aborting = true
	for _, c := range tg.tasks {
		if c.fut.state == statePending {
			c.cancel("")
		}
	}
}

// run is the done-callback of each task of the group.
func (tg *TaskGroup) run(src *futureCore) {
	tg.pending--
	if tg.pending == 0 && tg.waiter != nil && tg.waiter.state == statePending {
		tg.waiter.complete(stateFinished, nil)
	}
	if src.state == stateCancelled || src.err() == nil {
		return
	}
	src.markRetrieved()
	err := src.err()
	for _, t := range tg.tasks { // only a failure gets here: the search is not on the common path
		if &t.fut == src {
			err = failureOf(t)
			break
		}
	}
	tg.errs = append(tg.errs, err)
	if !tg.aborting && !tg.cancelledParent {
		// Cancel the body too, so that it stops what it awaits; exit
		// withdraws this request, and the caller can carry on after
		// handling the group's error.
		tg.abort()
		tg.cancelledParent = true
		tg.body.cancel(&CancelledError{Message: "TaskGroup cancelled its body after a task failed"})
		tg.parent.cancelScoped("")
	}
}

func (tg *TaskGroup) String() string {
	if tg.loop == nil {
		return "<TaskGroup unused>"
	}
	mustOnLoop(tg.loop, "TaskGroup.String")
	state := "running"
	switch {
	case tg.exiting && tg.pending == 0:
		state = "finished"
	case tg.aborting:
		state = "shutting down"
	}
	return fmt.Sprintf("<TaskGroup %s tasks=%d>", state, tg.pending)
}
