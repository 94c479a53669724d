package asyncio

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"time"
)

// Sentinel errors. Match them with errors.Is; the errors the package returns
// wrap them with detail.
var (
	// ErrCancelled matches every cancellation error the package returns; such
	// errors also match context.Canceled. Use errors.As with *CancelledError to
	// read the cancel message.
	ErrCancelled = errors.New("asyncio: cancelled")

	// ErrInvalidState reports an operation the future's state forbids: reading
	// the result of a pending future, completing a future twice.
	ErrInvalidState = errors.New("asyncio: invalid state")

	// ErrNotInCoroutine reports an await (Sleep, Await, Gather...) made where
	// no coroutine of ctx's task is running: from a plain goroutine, with
	// context.Background(), or with another task's ctx. It is Go's form of
	// "await outside async function".
	ErrNotInCoroutine = errors.New("asyncio: not called from the running coroutine of this ctx")

	// ErrWrongGoroutine reports a loop-bound operation called from a goroutine
	// that is neither the loop's nor one of its running coroutines. Use
	// EventLoop.CallSoonThreadsafe to reach a loop from other goroutines.
	ErrWrongGoroutine = errors.New("asyncio: non-thread-safe operation invoked from a goroutine other than the event loop's")

	// ErrLoopClosed reports an operation on a closed event loop.
	ErrLoopClosed = errors.New("asyncio: event loop is closed")

	// ErrLoopRunning reports an operation that needs a stopped loop, such as
	// running or closing a loop that is already running.
	ErrLoopRunning = errors.New("asyncio: event loop is already running")

	// ErrAnotherLoopRunning reports an attempt to run an event loop from a
	// goroutine that is already running one, or from inside a coroutine.
	ErrAnotherLoopRunning = errors.New("asyncio: cannot run an event loop while another loop is running")

	// ErrDeadlock matches the *DeadlockError a loop on the virtual clock
	// returns when its tasks wait for something that can never happen.
	ErrDeadlock = errors.New("asyncio: deadlock")

	// ErrLoopStopped reports that RunUntilComplete returned because the loop
	// was stopped before its future completed.
	ErrLoopStopped = errors.New("asyncio: event loop stopped before future completed")

	// ErrWrongLoop reports a future, task or primitive used by a coroutine or
	// call of an event loop other than the one it belongs to. The errors that
	// match it name the function and the object.
	ErrWrongLoop = errors.New("asyncio: belongs to a different event loop")

	// ErrAwaitSelf reports a task awaiting itself, which could never end.
	ErrAwaitSelf = errors.New("asyncio: a task cannot await itself")

	// ErrNoFutures reports a Wait given no futures to wait for.
	ErrNoFutures = errors.New("asyncio: no futures to wait for")
)

// A misuseError is one of the misuse sentinels (kind) with the detail that
// locates it: Error gives the detailed text, and errors.Is matches kind.
type misuseError struct {
	text string
	kind error
}

func (e *misuseError) Error() string { return e.text }
func (e *misuseError) Unwrap() error { return e.kind }

// wrongLoop returns the error, matching ErrWrongLoop, of what (a primitive,
// or "Gather: argument 2") used by the wrong loop.
func wrongLoop(format string, args ...any) error {
	return &misuseError{text: "asyncio: " + fmt.Sprintf(format, args...) + " belongs to a different event loop", kind: ErrWrongLoop}
}

// CancelledError is the error a cancelled await, task or future reports. It
// matches [ErrCancelled] and [context.Canceled] under [errors.Is].
//
// The zero CancelledError is a cancellation with no message.
type CancelledError struct {
	// Message is the message given to CancelWithMessage, or empty.
	Message string
}

func (e *CancelledError) Error() string {
	if e.Message == "" {
		return "asyncio: cancelled"
	}
	return "asyncio: cancelled: " + e.Message
}

// Is reports whether target is [ErrCancelled] or [context.Canceled].
func (e *CancelledError) Is(target error) bool {
	return target == ErrCancelled || target == context.Canceled
}

// cancelMessage returns the message of the cancellation err carries, if any.
func cancelMessage(err error) string {
	var ce *CancelledError
	if errors.As(err, &ce) {
		return ce.Message
	}
	return ""
}

// PanicError is the error of a task whose coroutine panicked. The loop
// recovers the panic so that one coroutine cannot bring the loop down; the
// panic value and the stack where it happened are kept here.
//
// The zero PanicError stands for panic(nil) with no stack.
type PanicError struct {
	Value any    // the value passed to panic
	Stack []byte // the panicking goroutine's stack, as runtime/debug.Stack formats it
}

func newPanicError(v any) *PanicError {
	return &PanicError{Value: v, Stack: debug.Stack()}
}

func (e *PanicError) Error() string {
	return fmt.Sprintf("asyncio: coroutine panicked: %v", e.Value)
}

// Unwrap returns the panic value when it is an error, so that [errors.Is] and
// [errors.As] see through the panic.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// A TaskError is a task's failure as it surfaces through [Gather] or a
// [TaskGroup], away from the task: it adds the task's name to the error's
// text, "task fetch-3: connection refused", and Unwrap returns the error the
// coroutine returned, so [errors.Is] and [errors.As] see through it. A task's
// own Result, Exception and Await return the error unwrapped. The zero
// TaskError names no task and wraps nil.
type TaskError struct {
	Task string // the task's name (see Task.Name)
	Err  error  // what its coroutine returned, or its *PanicError
}

func (e *TaskError) Error() string {
	if e.Err == nil {
		return "task " + e.Task + " failed"
	}
	return "task " + e.Task + ": " + e.Err.Error()
}

// Unwrap returns the task's own error.
func (e *TaskError) Unwrap() error { return e.Err }

// failureOf returns the error of a done child of Gather or TaskGroup, a task's
// wrapped in a *TaskError naming it.
func failureOf(a awaited) error {
	f := a.core()
	if t, ok := a.(*taskCore); ok && f.state == stateFinished && f.err() != nil {
		return &TaskError{Task: t.name(), Err: f.err()}
	}
	return f.err()
}

func invalidState(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidState}, args...)...)
}

// ErrTimeout matches every timeout error the package returns (a Timeout scope
// or [WaitFor] that expired, an [AsCompleted] that ran out of time). It also
// matches [context.DeadlineExceeded] under [errors.Is] and, like it, has a
// Timeout method that reports true, so it satisfies net.Error's timeout test.
var ErrTimeout error = timeoutError{}

type timeoutError struct{}

func (timeoutError) Error() string   { return "asyncio: timeout" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }

// Is reports whether target is [context.DeadlineExceeded].
func (timeoutError) Is(target error) bool { return target == context.DeadlineExceeded }

// TimeoutError is the error of a Timeout scope, [WaitFor] or [AsCompleted] whose
// deadline passed. It matches [ErrTimeout] and [context.DeadlineExceeded], not
// [ErrCancelled]: a coroutine that returns it is failing, not being cancelled.
//
// The zero TimeoutError is a timeout that interrupted nothing, naming no
// scope.
type TimeoutError struct {
	// Cause is the *CancelledError by which the deadline interrupted the work
	// (asyncio's "raise TimeoutError from CancelledError"), or nil when no
	// work was interrupted. It is deliberately not returned by Unwrap, so that
	// a timeout is never mistaken for a cancellation.
	Cause error

	// Op names what timed out: "Timeout", "TimeoutAt", "TimeoutScope" (one
	// made by NewTimeoutScope or NewTimeoutScopeAt), "WaitFor" or
	// "AsCompletedTimeout"; empty in a TimeoutError made by hand.
	Op string

	// Delay is the time the work was given: from the moment the scope was
	// entered (or WaitFor or AsCompletedTimeout called) to Deadline.
	Delay time.Duration

	// Deadline is the loop time at which it expired (see EventLoop.Time).
	Deadline time.Duration
}

// Error reports which operation timed out and its delay, as in "asyncio:
// timeout: [WaitFor] of 1s expired at 1.5s"; without an Op it is "asyncio:
// timeout".
func (e *TimeoutError) Error() string {
	if e.Op == "" {
		return "asyncio: timeout"
	}
	return fmt.Sprintf("asyncio: timeout: %s of %v expired at %v", e.Op, e.Delay, e.Deadline)
}

// Timeout reports true, as net.Error's timeouts do.
func (e *TimeoutError) Timeout() bool { return true }

// Is reports whether target is [ErrTimeout] or [context.DeadlineExceeded].
func (e *TimeoutError) Is(target error) bool {
	return target == ErrTimeout || target == context.DeadlineExceeded
}
