// Package asyncio is Python's asyncio in Go: coroutines that pause and
// resume, one event loop that runs them cooperatively, Futures, Tasks,
// Gather and Sleep, with asyncio's names and behaviour and Go's habits.
//
// # Coroutines
//
// A coroutine is a Go function that takes the running task's ctx first and
// returns an error, or a value and an error:
//
//	func fetch(ctx context.Context) (string, error)
//	func worker(ctx context.Context) error
//
// Holding the function runs nothing. Calling it with the ctx of the coroutine
// you are in, fetch(ctx), is asyncio's `await fetch()`: it runs inline, in
// your task. CreateTask (for a value) and Go (for none) run it concurrently as
// a Task of its own, starting in a later loop iteration. Run starts the first
// one on a new loop.
//
// # Void and valued
//
// A coroutine with a result is a [Coroutine][T], func(ctx) (T, error); one
// without is a [Func], func(ctx) error. Every call that takes a coroutine
// comes in both forms, named by one rule: the void form has the short name,
// and the valued form adds Value to it, except for tasks, whose valued form
// keeps asyncio's create_task (Go being errgroup's name for the void one).
//
//	                        void (Func)          valued (Coroutine[T])
//	start a task            Go(ctx, f)           CreateTask(ctx, c)
//	start a task in a group TaskGroup.Go(f)      CreateGroupTask(tg, c)
//	start a task on a loop  EventLoop.Go(f)      (from a coroutine: CreateTask)
//	run a program's main    Run(f)               RunValue(c)
//	bind an argument        Call(f, arg)         CallValue(c, arg)
//
// Both shapes, and tasks and futures, are [Awaitable], so Gather, WaitFor,
// Shield, EnsureFuture and AsCompleted take any mix of them, as asyncio.gather
// takes coroutine objects, tasks and futures: Gather(ctx, task,
// CallValue(fetch, url)), WaitFor(ctx, Call(Sleep, time.Minute), time.Second),
// or a blocking call as a value, CallValue(ToThread, fn).
// A slice of tasks is gathered with Gather(ctx, Awaitables(tasks)...).
//
// Sleep, Await, Gather and every other await suspend the task that ctx belongs
// to, and the loop runs another. Called where that task's coroutine is not the
// caller (from a plain goroutine, with context.Background(), with another
// task's ctx) they return ErrNotInCoroutine: Go's form of "await outside an
// async function".
//
// # Rules of use
//
// Pass ctx on; do not store it: it is the task's, and valid only in its
// coroutine. A loop and everything bound to it (its futures, tasks and
// handles) belong to the goroutine running the loop and to the coroutines it
// switches to, and, while the loop is stopped, to its owner: the goroutine
// that made it or last ran it. Other goroutines reach a loop through the
// methods documented as safe from any goroutine: EventLoop.CallSoonThreadsafe,
// Stop, the Cancel methods and AddDoneCallback hand their work to the loop,
// and Done, Cancelled, String, Name and Time read what the loop publishes.
// Every other method called from the wrong goroutine changes nothing: it
// returns ErrWrongGoroutine, or, for the few without an error result
// (RemoveDoneCallback, Uncancel, the reads of locks and queues), panics with a
// message naming the method.
//
// # The loop, one iteration at a time
//
// Each loop iteration moves the timers that are due to the back of the ready
// queue, then runs exactly the callbacks that were ready when it began;
// whatever they schedule runs in a later iteration. Done-callbacks of futures
// are scheduled this way too, never run inline, and a task woken by a future
// resumes in a later iteration. Timers with equal deadlines run in the order
// they were scheduled. These are the words the package's documentation uses
// for ordering: "in a later loop iteration", "in the order they were
// scheduled" (FIFO).
//
// Each task's coroutine runs on a goroutine of its own that runs only while
// the loop has switched to it, using the runtime's coroutine switch (the
// mechanism behind iter.Pull). At most one coroutine of a loop runs at any
// instant, so they share state without locks and without data races. The
// loop itself runs on whichever of these goroutines holds it: a task that
// suspends runs the ready queue until its own next step or another task's
// comes up, so callbacks may run on a suspended task's goroutine (never
// inside its coroutine: its ctx says it is not running). Code that needs a
// goroutine or OS thread of its own belongs in [ToThread].
//
// # Cancellation
//
// Task.Cancel requests cancellation: the coroutine's current await returns a
// *CancelledError, which it may handle and carry on from. A coroutine that
// returns an error matching ErrCancelled ends its task cancelled. A task's ctx
// is done once the task is cancelled or has finished, and stays done, so
// ordinary Go code that takes a context cooperates. Timeout and TaskGroup
// cancel only their body's ctx, which they give it: contexts derived from the
// task's ctx outside them are unaffected.
//
// Cancellation errors match ErrCancelled and context.Canceled under errors.Is.
// The package spells "cancelled" with two l's, as asyncio does, in every name.
//
// # Timeouts and structured concurrency
//
// Timeout and TimeoutAt run a body under a deadline, asyncio.timeout's
// `async with`: on expiry the body's await is cancelled and the scope returns
// an error matching ErrTimeout (and context.DeadlineExceeded);
// NewTimeoutScope (relative) and NewTimeoutScopeAt (absolute) give the scope
// object, with Reschedule, When and Expired. WaitFor, Wait,
// AsCompleted (a range-over-func iterator) and Shield are asyncio's. Nested
// scopes and TaskGroups tell their own cancellations from their caller's by
// the task's request count (Task.Cancelling, Task.Uncancel), as asyncio does.
//
// WithTaskGroup runs a body with a TaskGroup: the tasks started in it with
// TaskGroup.Go or CreateGroupTask are all done before it returns; the first
// failure cancels the others and the body, and every failure comes back in
// one *TaskGroupError whose Unwrap lets errors.Is and errors.As reach each,
// and whose Split (or SplitError) divides them by kind, as except* does.
//
// # Synchronization and queues
//
// Lock, Event, Condition, Semaphore, BoundedSemaphore and Barrier, and Queue,
// LifoQueue and PriorityQueue, are asyncio's, for coroutines: waits suspend
// the task, never the goroutine; waiters are served first come, first served;
// and a waiter cancelled just after it was granted a lock, permit or item
// passes it on rather than lose it. Their zero values are ready to use, except
// those of Barrier, BoundedSemaphore and PriorityQueue, which refuse to be
// used with an error matching ErrInvalidState: make them with their New
// functions. Each binds to the loop of the first coroutine that uses it. Recv and
// Send let a coroutine wait for a Go channel without blocking its loop.
//
// # Goroutines and blocking code
//
// Blocking Go code runs off the loop with ToThread, asyncio's to_thread: on
// the loop's default executor, a BoundedExecutor (WithDefaultExecutorSize,
// EventLoop.SetDefaultExecutor), or on an Executor of yours with
// RunInExecutor. The function gets a ctx that is cancelled, with the
// cancellation as its cause, when the awaiting task is; the await returns at
// once and the function's late result is dropped. Run waits for the default
// executor's functions before it returns. Other goroutines submit coroutines
// to a loop with RunCoroutineThreadsafe and wait on the ConcurrentFuture it
// returns; WrapFuture turns a ConcurrentFuture into a Future coroutines
// await.
//
// The rule between the two kinds of bridge: Recv and Send are cancel safe,
// their goroutine asked to stop and waited for, since a channel operation
// stops at once; ToThread's function may run for long, ignoring its ctx, so
// a cancelled ToThread does not wait for it, as asyncio's does not.
//
// # Errors
//
// Errors are values. A panic in a coroutine is recovered and becomes the
// task's error, a *PanicError that keeps the panic value and stack; a panic in
// a callback is reported to the loop's exception handler. An error that no
// one retrieves (a failed task no one awaited) is reported to the exception
// handler when its future is garbage collected or its loop closes, like
// asyncio's "Task exception was never retrieved".
//
// Misuse that can be told from a coroutine's own failure returns an error
// matching a sentinel of the package: ErrNotInCoroutine, ErrWrongGoroutine,
// ErrWrongLoop (an object of another loop), ErrAwaitSelf, ErrNoFutures,
// ErrInvalidState (a done future completed again, a zero Barrier or
// BoundedSemaphore), and the
// loop's ErrLoopClosed and ErrLoopRunning. Misuse where the result has no
// room for an error panics with a message naming the call: a nil coroutine or
// callback, and Future.Exception or Task.Exception on a pending future, whose
// one result is the future's own error.
//
// # Time
//
// The loop reads a monotonic clock. WithVirtualClock gives it a virtual one
// that jumps straight to the next timer whenever nothing is ready: tests of
// timing are then exact and take no time. Package asynciotest wraps it for
// tests.
package asyncio
