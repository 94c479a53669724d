// Package asynciovet is a static checker for programs that use
// github.com/asyncio-go/asyncio: it finds, before the program runs, the code
// that blocks an event loop, the cancellations that get swallowed, and the
// task contexts that escape their coroutine.
//
// The checks are go/analysis analyzers, one a rule, so that any driver can
// run them: cmd/asynciovet under go vet -vettool, a golangci-lint plugin,
// gopls. Analyzers lists them; Analyzer runs them all as one.
//
// # Coroutines
//
// The rules apply to code that runs on a loop's goroutine. A function is a
// coroutine body when it is passed where the package takes one (Run,
// RunValue, CreateTask, Go, EnsureFuture, TaskGroup.Go, CreateGroupTask,
// Timeout, TimeoutAt, TimeoutScope.Run, WithTaskGroup, Runner.Run,
// EventLoop.Go), converted to Coroutine or Func, returned as one, or
// when it awaits with its own ctx. AwaitBlocking's fn is not one: it runs on
// a goroutine of its own, where blocking is its purpose. Loop callbacks
// (CallSoon, CallLater, AddDoneCallback) are not coroutines but run on the
// loop too. From there the analyzer follows calls: a function called from a
// coroutine runs on the loop, and one called with the task's ctx (or a ctx
// derived from it) is a coroutine itself.
//
// Facts carry what the analyzer learns across packages. Since a package is
// analysed before its importers, it cannot know which of its functions they
// call from coroutines; it records instead which of its functions block (and
// where), which await, and which run a parameter as a coroutine
// (asynciotest.Run). The importer reports at the call, where the coroutine is
// known.
//
// # Rules
//
// Blocking reports time.Sleep, sync.Mutex and RWMutex locks, sync.WaitGroup
// and sync.Cond waits, channel sends and receives, range over a channel and
// select without default, reads, writes, accepts and dials of net, reads and
// writes of *os.File (but not os.Stdout and os.Stderr), os/exec's Run, Wait,
// Output and CombinedOutput, net/http's client and server calls, database/sql
// queries, and bufio reads, io's copy helpers and fmt's Fprint and Fscan
// functions over a blocking reader or writer (a file, pipe, connection or
// HTTP response body).
// Each report names the await to use instead.
//
// Cancellation reports an await whose error is discarded (a call statement,
// or an assignment to _), and a coroutine that matches its own cancellation
// (errors.Is with ErrCancelled or context.Canceled, errors.As with
// *CancelledError) and then carries on without Uncancel, without returning an
// error and without panicking. Its suggested fix returns the error.
//
// CtxEscape reports a task ctx stored in a struct field or a global, used by
// a go statement other than through Done, Err, Deadline and Value, or awaited
// with inside AwaitBlocking's fn.
//
// # Silencing
//
// A comment //asynciovet:ignore followed by a reason silences the line it
// ends, or, alone on its line, the line below. IgnoreComments reports one
// without a reason, and one that silences nothing.
//
// The asyncio package itself is not checked: it builds the awaits out of the
// very goroutines, channels and locks the rules forbid. Its tests are.
package asynciovet
