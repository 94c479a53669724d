package asyncio_test

// The cross-goroutine contract: every exported method either is safe from
// any goroutine (and says so), or refuses a call from the wrong goroutine
// with ErrWrongGoroutine (ErrNotInCoroutine for awaits) and changes nothing;
// the few reads with no error result panic instead of racing.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

// The three answers a call from the wrong goroutine may get.
const (
	works   = "works"   // safe from any goroutine, documented so
	refuses = "refuses" // returns ErrWrongGoroutine or ErrNotInCoroutine
	panics  = "panics"  // no error result: panics naming ErrWrongGoroutine
)

type foreignCall struct {
	name string
	want string
	call func() error // returns the method's error, or nil
}

// fixtures are one of everything, bound to a loop and in use.
type fixtures struct {
	loop      *asyncio.EventLoop
	ctx       context.Context // the main task's ctx
	fut       *asyncio.Future[int]
	task      *asyncio.Task[int] // sleeping
	handle    *asyncio.Handle
	timer     *asyncio.TimerHandle
	lock      *asyncio.Lock
	event     *asyncio.Event
	sem       *asyncio.Semaphore
	bsem      *asyncio.BoundedSemaphore
	cond      *asyncio.Condition
	barrier   *asyncio.Barrier
	queue     *asyncio.Queue[int]
	lifo      *asyncio.LifoQueue[int]
	prio      *asyncio.PriorityQueue[int]
	scope     *asyncio.TimeoutScope // entered, running
	group     *asyncio.TaskGroup    // running
	reader    *asyncio.StreamReader
	writer    *asyncio.StreamWriter         // over the in-memory pipe; its other methods are its transport's
	proto     *asyncio.StreamReaderProtocol // connected
	transport asyncio.Transport
}

// setUp makes the fixtures from the running coroutine of ctx.
func setUp(ctx context.Context, f *fixtures) error {
	f.ctx = ctx //asynciovet:ignore the table calls methods with this ctx from another goroutine on purpose
	loop, err := asyncio.GetRunningLoop(ctx)
	if err != nil {
		return err
	}
	f.loop = loop
	f.fut = asyncio.NewFuture[int](loop)
	f.task = asyncio.CreateTask(ctx, func(ctx context.Context) (int, error) {
		return 1, asyncio.Sleep(ctx, time.Hour)
	})
	if f.handle, err = loop.CallSoon(func() {}); err != nil {
		return err
	}
	if f.timer, err = loop.CallLater(time.Hour, func() {}); err != nil {
		return err
	}
	f.lock, f.event = new(asyncio.Lock), new(asyncio.Event)
	f.sem, f.bsem = asyncio.NewSemaphore(2), asyncio.NewBoundedSemaphore(2)
	f.cond, f.barrier = asyncio.NewCondition(nil), asyncio.NewBarrier(2)
	f.queue, f.lifo = asyncio.NewQueue[int](2), asyncio.NewLifoQueue[int](2)
	f.prio = asyncio.NewOrderedPriorityQueue[int](2)
	f.reader = asyncio.NewStreamReader(0)
	p := asyncio.NewStreamReaderProtocol(f.reader, nil)
	tr, _ := asyncio.NewMemoryPipe(loop, p, asyncio.NewStreamReaderProtocol(nil, nil), 0)
	f.writer = asyncio.NewStreamWriter(tr, p, f.reader)
	f.proto, f.transport = p, tr
	// Bind each primitive to the loop by using it once.
	for _, use := range []func() error{
		func() error { return f.lock.Acquire(ctx) }, f.lock.Release,
		f.event.Set, f.event.Clear,
		func() error { return f.sem.Acquire(ctx) }, f.sem.Release,
		func() error { return f.bsem.Acquire(ctx) }, f.bsem.Release,
		func() error { return f.cond.Acquire(ctx) }, f.cond.Release,
		f.barrier.Reset,
		func() error { return f.queue.PutNowait(1) }, func() error { return f.lifo.PutNowait(1) },
		func() error { return f.prio.PutNowait(1) },
		func() error { return f.reader.FeedData([]byte("x")) },
	} {
		if err := use(); err != nil {
			return err
		}
	}
	return asyncio.Sleep(ctx, 0) // the pipe's ConnectionMade
}

// foreignCalls lists every exported method of every exported type, as called
// from a goroutine that is not f's loop's. stopped says whether the loop is
// stopped: then the methods that run or close it are left to their own tests.
func foreignCalls(f *fixtures, stopped bool) []foreignCall {
	l, ctx := f.loop, f.ctx
	noop := func() {}
	ok := func(fn func()) func() error { return func() error { fn(); return nil } }
	err1 := func(fn func() error) func() error { return fn }
	calls := []foreignCall{
		{"EventLoop.CallSoon", refuses, func() error { _, err := l.CallSoon(noop); return err }},
		{"EventLoop.CallLater", refuses, func() error { _, err := l.CallLater(0, noop); return err }},
		{"EventLoop.CallAt", refuses, func() error { _, err := l.CallAt(0, noop); return err }},
		{"EventLoop.CallSoonThreadsafe", works, func() error { _, err := l.CallSoonThreadsafe(noop); return err }},
		{"EventLoop.CallExceptionHandler", works, ok(func() {
			l.CallExceptionHandler(asyncio.ExceptionContext{Message: "from a plain goroutine"})
		})},
		{"EventLoop.Go", refuses, func() error {
			t := l.Go(func(context.Context) error { return nil })
			if !t.Done() {
				return errors.New("the task is pending")
			}
			return asyncio.ErrWrongGoroutine // its error cannot be read from here either
		}},
		{"EventLoop.GetDebug", works, ok(func() { l.GetDebug() })},
		{"EventLoop.SetDebug", works, ok(func() { l.SetDebug(false) })},
		{"EventLoop.SetSlowCallbackDuration", works, ok(func() { l.SetSlowCallbackDuration(time.Second) })},
		{"EventLoop.SlowCallbackDuration", works, ok(func() { l.SlowCallbackDuration() })},
		{"EventLoop.SetExceptionHandler", works, ok(func() { l.SetExceptionHandler(func(*asyncio.EventLoop, asyncio.ExceptionContext) {}) })},
		{"EventLoop.IsClosed", works, ok(func() { l.IsClosed() })},
		{"EventLoop.IsRunning", works, ok(func() { l.IsRunning() })},
		{"EventLoop.String", works, ok(func() { _ = l.String() })},
		{"EventLoop.Time", works, ok(func() { l.Time() })},

		{"Future.AddDoneCallback", works, ok(func() { f.fut.AddDoneCallback(func(*asyncio.Future[int]) {}) })},
		{"Future.Await", refuses, func() error { _, err := f.fut.Await(ctx); return err }},
		{"Future.Cancelled", works, ok(func() { f.fut.Cancelled() })},
		{"Future.Done", works, ok(func() { f.fut.Done() })},
		{"Future.Exception", panics, ok(func() { _ = f.fut.Exception() })},
		{"Future.Loop", works, ok(func() { f.fut.Loop() })},
		{"Future.RemoveDoneCallback", panics, ok(func() { f.fut.RemoveDoneCallback(1) })},
		{"Future.Result", refuses, func() error { _, err := f.fut.Result(); return err }},
		{"Future.SetException", refuses, func() error { return f.fut.SetException(errors.New("x")) }},
		{"Future.SetResult", refuses, func() error { return f.fut.SetResult(1) }},
		{"Future.String", works, ok(func() { _ = f.fut.String() })},

		{"Task.AddDoneCallback", works, ok(func() { f.task.AddDoneCallback(func(*asyncio.Task[int]) {}) })},
		{"Task.Await", refuses, func() error { _, err := f.task.Await(ctx); return err }},
		{"Task.Cancelled", works, ok(func() { f.task.Cancelled() })},
		{"Task.Cancelling", works, ok(func() { f.task.Cancelling() })},
		{"Task.Done", works, ok(func() { f.task.Done() })},
		{"Task.Exception", panics, ok(func() { _ = f.task.Exception() })},
		{"Task.Loop", works, ok(func() { f.task.Loop() })},
		{"Task.Name", works, ok(func() { _ = f.task.Name() })},
		{"Task.RemoveDoneCallback", panics, ok(func() { f.task.RemoveDoneCallback(1) })},
		{"Task.Result", refuses, func() error { _, err := f.task.Result(); return err }},
		{"Task.SetName", works, ok(func() { f.task.SetName("renamed") })},
		{"Task.String", works, ok(func() { _ = f.task.String() })},
		{"Task.Uncancel", panics, ok(func() { f.task.Uncancel() })},

		{"Handle.Cancelled", works, ok(func() { f.handle.Cancelled() })},
		{"Handle.String", works, ok(func() { _ = f.handle.String() })},
		{"TimerHandle.String", works, ok(func() { _ = f.timer.String() })},
		{"TimerHandle.When", works, ok(func() { f.timer.When() })},

		{"Lock.Acquire", refuses, func() error { return f.lock.Acquire(ctx) }},
		{"Lock.Locked", panics, ok(func() { f.lock.Locked() })},
		{"Lock.Release", refuses, err1(f.lock.Release)},
		{"Event.Clear", refuses, err1(f.event.Clear)},
		{"Event.IsSet", panics, ok(func() { f.event.IsSet() })},
		{"Event.Set", refuses, err1(f.event.Set)},
		{"Event.Wait", refuses, func() error { return f.event.Wait(ctx) }},
		{"Semaphore.Acquire", refuses, func() error { return f.sem.Acquire(ctx) }},
		{"Semaphore.Locked", panics, ok(func() { f.sem.Locked() })},
		{"Semaphore.Release", refuses, err1(f.sem.Release)},
		{"BoundedSemaphore.Acquire", refuses, func() error { return f.bsem.Acquire(ctx) }},
		{"BoundedSemaphore.Locked", panics, ok(func() { f.bsem.Locked() })},
		{"BoundedSemaphore.Release", refuses, err1(f.bsem.Release)},
		{"Condition.Acquire", refuses, func() error { return f.cond.Acquire(ctx) }},
		{"Condition.Locked", panics, ok(func() { f.cond.Locked() })},
		{"Condition.Notify", refuses, func() error { return f.cond.Notify(1) }},
		{"Condition.NotifyAll", refuses, err1(f.cond.NotifyAll)},
		{"Condition.Release", refuses, err1(f.cond.Release)},
		{"Condition.Wait", refuses, func() error { return f.cond.Wait(ctx) }},
		{"Condition.WaitFor", refuses, func() error { return f.cond.WaitFor(ctx, func() bool { return true }) }},
		{"Barrier.Abort", refuses, err1(f.barrier.Abort)},
		{"Barrier.Broken", panics, ok(func() { f.barrier.Broken() })},
		{"Barrier.NWaiting", panics, ok(func() { f.barrier.NWaiting() })},
		{"Barrier.Parties", works, ok(func() { f.barrier.Parties() })},
		{"Barrier.Reset", refuses, err1(f.barrier.Reset)},
		{"Barrier.Wait", refuses, func() error { _, err := f.barrier.Wait(ctx); return err }},

		{"TimeoutScope.Expired", works, ok(func() { f.scope.Expired() })},
		{"TimeoutScope.String", works, ok(func() { _ = f.scope.String() })},
		{"TimeoutScope.When", works, ok(func() { f.scope.When() })},
		{"TimeoutScope.Reschedule", refuses, func() error { return f.scope.Reschedule(time.Hour) }},
		{"TimeoutScope.Run", refuses, func() error { return asyncio.NewTimeoutScope(0).Run(ctx, func(context.Context) error { return nil }) }},
		{"TaskGroup.Go", refuses, func() error {
			t := f.group.Go(func(context.Context) error { return nil })
			if !t.Done() {
				return errors.New("the task is pending")
			}
			return t.Exception() // a Task of no loop: readable anywhere
		}},
		{"TaskGroup.String", panics, ok(func() { _ = f.group.String() })},
		{"Coroutine.Await", refuses, func() error {
			_, err := asyncio.Coroutine[int](func(context.Context) (int, error) { return 0, nil }).Await(ctx)
			return err
		}},
		{"Func.Await", refuses, func() error {
			_, err := asyncio.Func(func(context.Context) error { return nil }).Await(ctx)
			return err
		}},
	}
	for _, q := range []struct {
		kind                                 string
		qsize, empty, full, maxsize          func() int
		get, put, join, getNowait, putNowait func() error
		shutdown, taskDone                   func() error
	}{
		queueCalls("Queue", ctx, f.queue),
		queueCalls("LifoQueue", ctx, f.lifo),
		queueCalls("PriorityQueue", ctx, f.prio),
	} {
		calls = append(calls,
			foreignCall{q.kind + ".Qsize", panics, ok(func() { q.qsize() })},
			foreignCall{q.kind + ".Empty", panics, ok(func() { q.empty() })},
			foreignCall{q.kind + ".Full", panics, ok(func() { q.full() })},
			foreignCall{q.kind + ".Maxsize", works, ok(func() { q.maxsize() })},
			foreignCall{q.kind + ".Get", refuses, q.get},
			foreignCall{q.kind + ".Put", refuses, q.put},
			foreignCall{q.kind + ".Join", refuses, q.join},
			foreignCall{q.kind + ".GetNowait", refuses, q.getNowait},
			foreignCall{q.kind + ".PutNowait", refuses, q.putNowait},
			foreignCall{q.kind + ".Shutdown", refuses, q.shutdown},
			foreignCall{q.kind + ".TaskDone", refuses, q.taskDone},
		)
	}
	r, w := f.reader, f.writer
	calls = append(calls,
		foreignCall{"StreamReader.Read", refuses, func() error { _, err := r.Read(ctx, 1); return err }},
		foreignCall{"StreamReader.ReadExactly", refuses, func() error { _, err := r.ReadExactly(ctx, 1); return err }},
		foreignCall{"StreamReader.ReadLine", refuses, func() error { _, err := r.ReadLine(ctx); return err }},
		foreignCall{"StreamReader.ReadUntil", refuses, func() error { _, err := r.ReadUntil(ctx); return err }},
		foreignCall{"StreamReader.Lines", refuses, func() error {
			for _, err := range r.Lines(ctx) {
				return err
			}
			return errors.New("no line and no error")
		}},
		foreignCall{"StreamReader.Reader", refuses, func() error { _, err := r.Reader(ctx).Read(make([]byte, 1)); return err }},
		foreignCall{"StreamReader.FeedData", refuses, func() error { return r.FeedData([]byte("y")) }},
		foreignCall{"StreamReader.FeedEOF", refuses, r.FeedEOF},
		foreignCall{"StreamReader.SetException", refuses, func() error { return r.SetException(errors.New("e")) }},
		foreignCall{"StreamReader.SetTransport", refuses, func() error { return r.SetTransport(nil) }},
		foreignCall{"StreamReader.AtEOF", panics, ok(func() { r.AtEOF() })},
		foreignCall{"StreamReader.Exception", panics, ok(func() { _ = r.Exception() })},
		foreignCall{"StreamWriter.Drain", refuses, func() error { return w.Drain(ctx) }},
		foreignCall{"StreamWriter.WaitClosed", refuses, func() error { return w.WaitClosed(ctx) }},
		foreignCall{"StreamReaderProtocol.ConnectionMade", panics, ok(func() { f.proto.ConnectionMade(f.transport) })},
		foreignCall{"StreamReaderProtocol.DataReceived", panics, ok(func() { f.proto.DataReceived([]byte("z")) })},
		foreignCall{"StreamReaderProtocol.EOFReceived", panics, ok(func() { f.proto.EOFReceived() })},
		foreignCall{"StreamReaderProtocol.ConnectionLost", panics, ok(func() { f.proto.ConnectionLost(nil) })},
		foreignCall{"StreamReaderProtocol.PauseWriting", panics, ok(f.proto.PauseWriting)},
		foreignCall{"StreamReaderProtocol.ResumeWriting", panics, ok(f.proto.ResumeWriting)},
	)
	// Last: the requests handed to the loop, which change what they reach.
	calls = append(calls,
		foreignCall{"Handle.Cancel", works, ok(f.handle.Cancel)},
		foreignCall{"TimerHandle.Cancel", works, ok(f.timer.Cancel)},
		foreignCall{"Future.Cancel", works, func() error { return wantTrue(f.fut.Cancel()) }},
		foreignCall{"Future.CancelWithMessage", works, func() error { return wantTrue(f.fut.CancelWithMessage("m")) }},
		foreignCall{"Task.Cancel", works, func() error { return wantTrue(f.task.Cancel()) }},
		foreignCall{"Task.CancelWithMessage", works, func() error { return wantTrue(f.task.CancelWithMessage("m")) }},
	)
	if !stopped {
		calls = append(calls,
			foreignCall{"EventLoop.RunForever", refuses, func() error { return loopRunning(l.RunForever()) }},
			foreignCall{"EventLoop.RunUntilComplete", refuses, func() error { return loopRunning(l.RunUntilComplete(f.fut)) }},
			foreignCall{"EventLoop.Close", refuses, func() error { return loopRunning(l.Close()) }},
		)
	}
	return calls
}

// queueCalls gives the methods of one of the three queue types, which share
// no interface.
func queueCalls[Q interface {
	Qsize() int
	Empty() bool
	Full() bool
	Maxsize() int
	Get(context.Context) (int, error)
	Put(context.Context, int) error
	Join(context.Context) error
	GetNowait() (int, error)
	PutNowait(int) error
	Shutdown(bool) error
	TaskDone() error
}](kind string, ctx context.Context, q Q) (c struct {
	kind                                 string
	qsize, empty, full, maxsize          func() int
	get, put, join, getNowait, putNowait func() error
	shutdown, taskDone                   func() error
}) {
	b := func(v bool) int {
		if v {
			return 1
		}
		return 0
	}
	c.kind = kind
	c.qsize, c.maxsize = q.Qsize, q.Maxsize
	c.empty = func() int { return b(q.Empty()) }
	c.full = func() int { return b(q.Full()) }
	c.get = func() error { _, err := q.Get(ctx); return err }
	c.put = func() error { return q.Put(ctx, 1) }
	c.join = func() error { return q.Join(ctx) }
	c.getNowait = func() error { _, err := q.GetNowait(); return err }
	c.putNowait = func() error { return q.PutNowait(1) }
	c.shutdown = func() error { return q.Shutdown(false) }
	c.taskDone = q.TaskDone
	return c
}

func wantTrue(made bool) error {
	if !made {
		return errors.New("reported false: the request was not handed to the loop")
	}
	return nil
}

// loopRunning turns the refusal of a running loop into the table's refusal.
func loopRunning(err error) error {
	if errors.Is(err, asyncio.ErrLoopRunning) {
		return asyncio.ErrWrongGoroutine
	}
	return fmt.Errorf("want ErrLoopRunning, got %v", err)
}

// callForeign makes c and reports how it answered.
func callForeign(c foreignCall) (got string, err error) {
	defer func() {
		if p := recover(); p != nil {
			got, err = panics, nil
			if !strings.Contains(fmt.Sprint(p), asyncio.ErrWrongGoroutine.Error()) {
				err = fmt.Errorf("panic does not name the mistake: %v", p)
			}
		}
	}()
	err = c.call()
	switch {
	case err == nil:
		return works, nil
	case errors.Is(err, asyncio.ErrWrongGoroutine), errors.Is(err, asyncio.ErrNotInCoroutine):
		return refuses, nil
	}
	return "", err
}

// checkForeignCalls makes every call from a new plain goroutine, while the
// test's other goroutines wait, and checks each answer.
// transportCalls lists every Transport method of tr, as called from a plain
// goroutine, under the type name name; info is a GetExtraInfo key tr has.
func transportCalls(name string, tr asyncio.Transport, info string) []foreignCall {
	ok := func(fn func()) func() error { return func() error { fn(); return nil } }
	return []foreignCall{
		{name + ".Write", refuses, func() error { return tr.Write([]byte("x")) }},
		{name + ".Writelines", refuses, func() error { return tr.Writelines([][]byte{[]byte("x")}) }},
		{name + ".WriteEOF", refuses, tr.WriteEOF},
		{name + ".Close", refuses, tr.Close},
		{name + ".CanWriteEOF", works, ok(func() { tr.CanWriteEOF() })},
		{name + ".Loop", works, ok(func() { tr.Loop() })},
		{name + ".Abort", panics, ok(tr.Abort)},
		{name + ".IsClosing", panics, ok(func() { tr.IsClosing() })},
		{name + ".PauseReading", panics, ok(tr.PauseReading)},
		{name + ".ResumeReading", panics, ok(tr.ResumeReading)},
		{name + ".IsReading", panics, ok(func() { tr.IsReading() })},
		{name + ".GetWriteBufferSize", panics, ok(func() { tr.GetWriteBufferSize() })},
		{name + ".SetWriteBufferLimits", panics, ok(func() { tr.SetWriteBufferLimits(0, 0) })},
		{name + ".GetWriteBufferLimits", panics, ok(func() { tr.GetWriteBufferLimits() })},
		{name + ".GetExtraInfo", panics, ok(func() { tr.GetExtraInfo(info) })},
	}
}

// callFromAPlainGoroutine makes calls from a plain goroutine while the
// coroutine that owns ctx waits for it without blocking its loop, and reports
// each call whose outcome is not the one wanted.
func callFromAPlainGoroutine(ctx context.Context, t *testing.T, calls []foreignCall) error {
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, c := range calls {
			if got, err := callForeign(c); err != nil || got != c.want {
				t.Errorf("%s from a plain goroutine: %s (%v), want %s", c.name, got, err, c.want)
			}
		}
	}()
	_, _, err := asyncio.Recv(ctx, done)
	return err
}

func checkForeignCalls(t *testing.T, f *fixtures, stopped bool) {
	t.Helper()
	var wg sync.WaitGroup
	wg.Go(func() {
		for _, c := range foreignCalls(f, stopped) {
			got, err := callForeign(c)
			if err != nil || got != c.want {
				t.Errorf("%s from a plain goroutine (stopped=%t): %s (%v), want %s", c.name, stopped, got, err, c.want)
			}
		}
	})
	wg.Wait()
}

func TestEveryMethodFromAPlainGoroutineWorksOrRefuses(t *testing.T) {
	f := &fixtures{}
	r := asyncio.NewRunner(asyncio.WithVirtualClock())
	defer r.Close()
	asynciotest.Exceptions(mustLoop(t, r))
	t.Run("while the loop runs", func(t *testing.T) {
		err := r.Run(func(ctx context.Context) error {
			if err := setUp(ctx, f); err != nil {
				return err
			}
			scope := asyncio.NewTimeoutScope(asyncio.NoDeadline)
			return scope.Run(ctx, func(ctx context.Context) error {
				f.scope = scope
				return asyncio.WithTaskGroup(ctx, func(ctx context.Context, tg *asyncio.TaskGroup) error {
					f.group = tg
					// Recv holds the loop in a real wait while the plain
					// goroutine makes its calls.
					done := make(chan struct{})
					go func() {
						defer close(done)
						checkForeignCalls(t, f, false)
					}()
					_, _, err := asyncio.Recv(ctx, done)
					return err
				})
			})
		})
		if err != nil {
			t.Fatal(err)
		}
	})
	t.Run("while the loop is stopped", func(t *testing.T) {
		if err := r.Run(func(ctx context.Context) error { return setUp(ctx, f) }); err != nil {
			t.Fatal(err)
		}
		checkForeignCalls(t, f, true)
		// The requests handed to the loop take effect when it next runs.
		err := r.Run(func(ctx context.Context) error {
			if _, err := f.task.Await(ctx); !errors.Is(err, asyncio.ErrCancelled) {
				t.Errorf("the task cancelled from a plain goroutine ended with %v", err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func mustLoop(t *testing.T, r *asyncio.Runner) *asyncio.EventLoop {
	t.Helper()
	l, err := r.Loop()
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestTwoGoroutinesRunningOneLoopAtOnceOneWins(t *testing.T) {
	for range 200 {
		loop := asyncio.NewEventLoop()
		release := make(chan struct{})
		task := loop.Go(func(ctx context.Context) error {
			_, _, err := asyncio.Recv(ctx, release)
			return err
		})
		var wg sync.WaitGroup
		errs := make([]error, 2)
		start := make(chan struct{})
		for i := range errs {
			wg.Go(func() {
				<-start
				errs[i] = loop.RunUntilComplete(task)
			})
		}
		close(start)
		// One of the two is running the loop once the task is in Recv;
		// the other must have been refused by then, or will be.
		for !loop.IsRunning() {
			time.Sleep(10 * time.Microsecond)
		}
		close(release)
		wg.Wait()
		won, refused := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case errors.Is(err, asyncio.ErrLoopRunning):
				refused++
			default:
				t.Fatalf("RunUntilComplete = %v", err)
			}
		}
		// The loser may also have run the loop once the winner was done:
		// the task was complete by then and it returned nil at once.
		if won+refused != 2 || won == 0 {
			t.Fatalf("won %d, refused %d", won, refused)
		}
		if err := loop.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestCancelFromAnotherGoroutineBetweenRunnerRuns(t *testing.T) {
	r := asyncio.NewRunner(asyncio.WithVirtualClock())
	defer r.Close()
	var sleeper *asyncio.Task[struct{}]
	if err := r.Run(func(ctx context.Context) error {
		sleeper = asyncio.Go(ctx, func(ctx context.Context) error { return asyncio.Sleep(ctx, time.Hour) })
		return asyncio.Sleep(ctx, 0)
	}); err != nil {
		t.Fatal(err)
	}
	cancelled := make(chan bool)
	go func() { cancelled <- sleeper.Cancel() }() // while the next Run starts
	err := r.Run(func(ctx context.Context) error {
		loop := runningLoop(t, ctx)
		start := loop.Time()
		if err := asyncio.Sleep(ctx, time.Microsecond); err != nil {
			return err
		}
		if d := loop.Time() - start; d != time.Microsecond {
			t.Errorf("a 1µs sleep took %v of loop time", d)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !<-cancelled {
		t.Error("Cancel from another goroutine reported false")
	}
	if err := r.Run(func(ctx context.Context) error {
		_, err := sleeper.Await(ctx)
		if !errors.Is(err, asyncio.ErrCancelled) {
			t.Errorf("the sleeper ended with %v, want cancelled", err)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// A signal handler cancels things exactly when Run is between main's return
// and the shutdown that cancels leftovers.
func TestCancelFromAnotherGoroutineWhileRunShutsDown(t *testing.T) {
	for range 200 {
		var wg sync.WaitGroup
		err := asyncio.Run(func(ctx context.Context) error {
			loop := runningLoop(t, ctx)
			left := asyncio.Go(ctx, func(ctx context.Context) error { return asyncio.Sleep(ctx, time.Hour) })
			h, err := loop.CallLater(time.Hour, func() {})
			if err != nil {
				return err
			}
			wg.Go(func() {
				left.Cancel()
				h.Cancel()
			})
			return nil
		}, asyncio.WithVirtualClock())
		wg.Wait()
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestStopFromAnotherGoroutineWhileStoppedTakesEffectOnTheNextRun(t *testing.T) {
	loop := asyncio.NewEventLoop()
	defer loop.Close()
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		loop.Stop()
	}()
	<-stopped
	ran := false
	if _, err := loop.CallSoon(func() { ran = true }); err != nil {
		t.Fatal(err)
	}
	if err := loop.RunForever(); err != nil {
		t.Fatal(err)
	}
	if !ran {
		t.Error("the iteration before the stop did not run")
	}
}

func TestAPrimitiveUsedWithNoLoopBelongsToOneGoroutine(t *testing.T) {
	var q asyncio.Queue[int]
	if err := q.PutNowait(1); err != nil {
		t.Fatal(err)
	}
	errc := make(chan error)
	go func() { errc <- q.PutNowait(2) }()
	if err := <-errc; !errors.Is(err, asyncio.ErrWrongGoroutine) {
		t.Errorf("PutNowait from a second goroutine = %v, want ErrWrongGoroutine", err)
	}
	// The goroutine that filled it may run a loop that takes it over.
	asynciotest.Run(t, func(ctx context.Context) error {
		v, err := q.Get(ctx)
		if v != 1 || err != nil {
			t.Errorf("Get = %d, %v; want 1, nil", v, err)
		}
		return nil
	})
}

func TestAZeroEventUsedOnlyWithoutWaitingRefusesASecondLoop(t *testing.T) {
	var e asyncio.Event
	asynciotest.Run(t, func(ctx context.Context) error { return e.Set() })
	errc := make(chan error)
	go func() {
		errc <- asyncio.Run(func(ctx context.Context) error { return e.Clear() })
	}()
	if err := <-errc; !errors.Is(err, asyncio.ErrWrongGoroutine) {
		t.Errorf("Clear from a second loop = %v, want ErrWrongGoroutine", err)
	}
}

func TestAQueueReadFromTheWrongGoroutinePanics(t *testing.T) {
	q := asyncio.NewQueue[int](0)
	asynciotest.Run(t, func(ctx context.Context) error {
		if err := q.PutNowait(1); err != nil {
			return err
		}
		got := make(chan any)
		go func() {
			defer func() { got <- recover() }()
			q.Qsize()
		}()
		p, _, err := asyncio.Recv(ctx, got)
		if p == nil || !strings.Contains(fmt.Sprint(p), "Queue.Qsize") {
			t.Errorf("Qsize from a plain goroutine recovered %v, want a panic naming Queue.Qsize", p)
		}
		return err
	})
}
