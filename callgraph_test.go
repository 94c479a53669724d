package asyncio_test

// The call graph and the loop dump: who awaits whom, what each task awaits,
// and where its coroutine stands.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
)

// dumpOf dumps the loop running ctx's coroutine.
func dumpOf(t *testing.T, ctx context.Context) *asyncio.LoopDump {
	t.Helper()
	d, err := runningLoop(t, ctx).DumpTasks(ctx)
	if err != nil {
		t.Fatalf("DumpTasks = %v", err)
	}
	return d
}

// findTask returns the dumped task named name, searching the whole forest.
func findTask(ts []*asyncio.TaskTree, name string) *asyncio.TaskTree {
	for _, n := range ts {
		if n.Name == name {
			return n
		}
		if f := findTask(n.Children, name); f != nil {
			return f
		}
	}
	return nil
}

func childNames(n *asyncio.TaskTree) []string {
	var out []string
	for _, c := range n.Children {
		out = append(out, c.Name)
	}
	return out
}

func hasFrame(frames []asyncio.Frame, fn string) bool {
	for _, f := range frames {
		if strings.HasSuffix(f.Func, fn) {
			return true
		}
	}
	return false
}

// innerB is B's body, named so that its frame can be found in the stack.
func innerB(ctx context.Context, f *asyncio.Future[int]) error {
	_, err := f.Await(ctx)
	return err
}

func TestCallGraphOfNestedAwaits(t *testing.T) {
	runWithLoop(t, func(ctx context.Context, loop *asyncio.EventLoop) {
		f := asyncio.NewFuture[int](loop)
		b := asyncio.Go(ctx, func(ctx context.Context) error { return innerB(ctx, f) }, asyncio.WithName("B"))
		a := asyncio.Go(ctx, func(ctx context.Context) error {
			_, err := b.Await(ctx)
			return err
		}, asyncio.WithName("A"))
		if err := yieldN(ctx, 3); err != nil {
			t.Fatal(err)
		}
		g, err := asyncio.CallGraph(b)
		if err != nil {
			t.Fatal(err)
		}
		if g.Name != "B" || g.State != "pending" || g.Awaits != "<Future pending>" {
			t.Errorf("B's node = %+v, want B pending awaiting <Future pending>", g.TaskInfo)
		}
		if !hasFrame(g.Stack, "asyncio_test.innerB") {
			t.Errorf("B's stack lacks innerB:\n%v", g.Stack)
		}
		if len(g.AwaitedBy) != 1 || g.AwaitedBy[0].Name != "A" {
			t.Fatalf("B awaited by %v, want A", g.AwaitedBy)
		}
		if aw := g.AwaitedBy[0].Awaits; aw != `<Task pending name="B">` {
			t.Errorf("A awaits %q", aw)
		}
		var buf bytes.Buffer
		if err := asyncio.PrintCallGraph(&buf, b); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{`* Task "B"`, "+ Call stack:", "innerB at ", "+ Awaited by:", `* Task "A"`} {
			if !strings.Contains(buf.String(), want) {
				t.Errorf("PrintCallGraph lacks %q:\n%s", want, buf.String())
			}
		}
		d := dumpOf(t, ctx)
		main := findTask(d.Tasks, "Task-1")
		if main == nil || main.State != "running" || !hasFrame(main.Stack, "TestCallGraphOfNestedAwaits.func1") {
			t.Errorf("the caller's own task = %+v, want it running, with its stack", main)
		}
		if n := findTask(d.Tasks, "A"); n == nil || strings.Join(childNames(n), ",") != "B" {
			t.Errorf("A's children = %v, want B", n)
		}
		f.SetResult(1)
		if _, err := a.Await(ctx); err != nil {
			t.Error(err)
		}
	})
}

// sleeper is a task body with a frame of its own.
func sleeper(ctx context.Context) error { return asyncio.Sleep(ctx, time.Hour) }

func TestDumpNamesEachKindOfAwait(t *testing.T) {
	runWithLoop(t, func(ctx context.Context, loop *asyncio.EventLoop) {
		mu := &asyncio.Lock{Name: "accounts"}
		q := asyncio.NewQueue[int](0)
		q.Name = "jobs"
		ev := &asyncio.Event{Name: "ready"}
		sem := asyncio.NewSemaphore(0)
		sem.Name = "slots"
		cond := &asyncio.Condition{Name: "changed"}
		f := asyncio.NewFuture[int](loop)
		release := make(chan struct{})
		in, out := make(chan int), make(chan int)
		if err := mu.Acquire(ctx); err != nil {
			t.Fatal(err)
		}
		var tasks []asyncio.AnyTask
		spawn := func(name string, body func(ctx context.Context) error) {
			tasks = append(tasks, asyncio.Go(ctx, body, asyncio.WithName(name)))
		}
		spawn("future", func(ctx context.Context) error { _, err := f.Await(ctx); return err })
		spawn("lock", mu.Acquire)
		spawn("queue", func(ctx context.Context) error { _, err := q.Get(ctx); return err })
		spawn("event", ev.Wait)
		spawn("semaphore", sem.Acquire)
		spawn("condition", func(ctx context.Context) error {
			if err := cond.Acquire(ctx); err != nil {
				return err
			}
			defer cond.Release()
			return cond.Wait(ctx)
		})
		spawn("sleep", sleeper)
		spawn("blocking", func(ctx context.Context) error {
			_, err := asyncio.ToThread(ctx, func(context.Context) (int, error) { <-release; return 0, nil })
			return err
		})
		spawn("recv", func(ctx context.Context) error { _, _, err := asyncio.Recv(ctx, in); return err })
		spawn("send", func(ctx context.Context) error { return asyncio.Send(ctx, out, 1) })
		if err := yieldN(ctx, 3); err != nil {
			t.Fatal(err)
		}
		d := dumpOf(t, ctx)
		want := map[string]string{
			"future":    "<Future pending>",
			"lock":      `Lock.Acquire name="accounts" held by "Task-1"`,
			"queue":     `Queue.Get name="jobs"`,
			"event":     `Event.Wait name="ready"`,
			"semaphore": `Semaphore.Acquire name="slots"`,
			"condition": `Condition.Wait name="changed"`,
			"recv":      "Recv (outside the loop)",
			"send":      "Send (outside the loop)",
		}
		for name, aw := range want {
			if n := findTask(d.Tasks, name); n == nil || n.Awaits != aw {
				t.Errorf("%s awaits %+v, want %q", name, n, aw)
			}
		}
		if n := findTask(d.Tasks, "blocking"); n == nil || !strings.HasPrefix(n.Awaits, "<Future pending") {
			t.Errorf("blocking awaits %+v", n)
		}
		if n := findTask(d.Tasks, "sleep"); n == nil || !strings.HasPrefix(n.Awaits, "Sleep until 1h0m0s (in ") {
			t.Errorf("sleep awaits %+v", n)
		}
		if n := findTask(d.Tasks, "sleep"); n == nil || !hasFrame(n.Stack, "asyncio_test.sleeper") || !hasFrame(n.Stack, "asyncio.Sleep") {
			t.Errorf("sleep's stack lacks sleeper and Sleep: %+v", n)
		}
		var buf bytes.Buffer
		if err := d.WriteText(&buf); err != nil {
			t.Fatal(err)
		}
		t.Log("\n" + buf.String())
		close(release)
		for _, tk := range tasks {
			tk.Cancel()
		}
		mu.Release()
	})
}

func TestCallGraphOfGatherChildren(t *testing.T) {
	runWithLoop(t, func(ctx context.Context, loop *asyncio.EventLoop) {
		f := asyncio.NewFuture[struct{}](loop)
		wait := func(ctx context.Context) error { _, err := f.Await(ctx); return err }
		c1 := asyncio.Go(ctx, wait, asyncio.WithName("c1"))
		c2 := asyncio.Go(ctx, wait, asyncio.WithName("c2"))
		parent := asyncio.Go(ctx, func(ctx context.Context) error {
			_, err := asyncio.Gather[struct{}](ctx, c1, c2)
			return err
		}, asyncio.WithName("parent"))
		if err := yieldN(ctx, 2); err != nil {
			t.Fatal(err)
		}
		for _, c := range []asyncio.AnyTask{c1, c2} {
			g, err := asyncio.CallGraph(c)
			if err != nil {
				t.Fatal(err)
			}
			if len(g.AwaitedBy) != 1 || g.AwaitedBy[0].Name != "parent" || g.AwaitedBy[0].Awaits != "Gather of 2 (0 done)" {
				t.Errorf("%s awaited by %+v, want parent in a Gather", c.Name(), g.AwaitedBy)
			}
		}
		d := dumpOf(t, ctx)
		if n := findTask(d.Tasks, "parent"); n == nil || strings.Join(childNames(n), ",") != "c1,c2" {
			t.Errorf("parent's children = %+v, want c1,c2", n)
		}
		f.SetResult(struct{}{})
		if _, err := parent.Await(ctx); err != nil {
			t.Error(err)
		}
	})
}

func TestDumpOfTaskGroupChildren(t *testing.T) {
	runWithLoop(t, func(ctx context.Context, loop *asyncio.EventLoop) {
		ev := &asyncio.Event{Name: "go"}
		group := asyncio.Go(ctx, func(ctx context.Context) error {
			return asyncio.WithTaskGroup(ctx, func(ctx context.Context, tg *asyncio.TaskGroup) error {
				tg.Go(ev.Wait, asyncio.WithName("g1"))
				tg.Go(ev.Wait, asyncio.WithName("g2"))
				return nil
			})
		}, asyncio.WithName("body"))
		if err := yieldN(ctx, 2); err != nil {
			t.Fatal(err)
		}
		d := dumpOf(t, ctx)
		n := findTask(d.Tasks, "body")
		if n == nil || n.Awaits != "TaskGroup exit (2 tasks pending)" || strings.Join(childNames(n), ",") != "g1,g2" {
			t.Errorf("body = %+v, want it waiting for its group, with g1 and g2 under it", n)
		}
		if g := findTask(d.Tasks, "g1"); g == nil || g.Awaits != `Event.Wait name="go"` {
			t.Errorf("g1 = %+v", g)
		}
		if err := ev.Set(); err != nil {
			t.Error(err)
		}
		if _, err := group.Await(ctx); err != nil {
			t.Error(err)
		}
	})
}

// Two tasks each holding the lock the other wants: the dump names the cycle.
func TestDumpShowsALockCycle(t *testing.T) {
	de := runDeadlocked(t, func(ctx context.Context) error {
		a, b := &asyncio.Lock{Name: "a"}, &asyncio.Lock{Name: "b"}
		takeBoth := func(first, second *asyncio.Lock) func(context.Context) error {
			return func(ctx context.Context) error {
				if err := first.Acquire(ctx); err != nil {
					return err
				}
				if err := asyncio.Sleep(ctx, 0); err != nil {
					return err
				}
				return second.Acquire(ctx)
			}
		}
		t1 := asyncio.Go(ctx, takeBoth(a, b), asyncio.WithName("t1"))
		t2 := asyncio.Go(ctx, takeBoth(b, a), asyncio.WithName("t2"))
		if err := yieldN(ctx, 3); err != nil {
			return err
		}
		d := dumpOf(t, ctx)
		if len(d.Cycles) != 1 || strings.Join(d.Cycles[0], ",") != "t1,t2" {
			t.Errorf("Cycles = %v, want [[t1 t2]]", d.Cycles)
		}
		var buf bytes.Buffer
		if err := d.WriteText(&buf); err != nil {
			t.Error(err)
		}
		if want := `cycle: "t1" -> "t2" -> "t1"`; !strings.Contains(buf.String(), want) {
			t.Errorf("dump lacks %q:\n%s", want, buf.String())
		}
		_, err := t1.Await(ctx)
		_ = t2
		return err
	})
	wantInReport(t, de, `t1 awaits Lock.Acquire name="b" held by "t2"`, `t2 awaits Lock.Acquire name="a" held by "t1"`)
}

// Tasks awaiting each other are all listed, though none is a root.
func TestDumpListsTasksAwaitingEachOther(t *testing.T) {
	runDeadlocked(t, func(ctx context.Context) error {
		var a, b *asyncio.Task[struct{}]
		a = asyncio.Go(ctx, func(ctx context.Context) error {
			if err := asyncio.Sleep(ctx, 0); err != nil {
				return err
			}
			_, err := b.Await(ctx)
			return err
		}, asyncio.WithName("a"))
		b = asyncio.Go(ctx, func(ctx context.Context) error { _, err := a.Await(ctx); return err }, asyncio.WithName("b"))
		if err := yieldN(ctx, 3); err != nil {
			return err
		}
		d := dumpOf(t, ctx)
		if findTask(d.Tasks, "a") == nil || findTask(d.Tasks, "b") == nil || len(d.Cycles) != 1 {
			t.Errorf("dump = %+v, want a and b, in one cycle", d)
		}
		if _, err := asyncio.CallGraph(a); err != nil {
			t.Error(err)
		}
		_, err := a.Await(ctx)
		return err
	})
}

func TestCallGraphFromAnotherGoroutine(t *testing.T) {
	runWithLoop(t, func(ctx context.Context, loop *asyncio.EventLoop) {
		task := asyncio.CurrentTask(ctx)
		got, err := asyncio.ToThread(ctx, func(context.Context) (error, error) {
			_, err := asyncio.CallGraph(task)
			return err, nil
		})
		if err != nil || !errors.Is(got, asyncio.ErrWrongGoroutine) {
			t.Errorf("CallGraph off the loop = %v, want ErrWrongGoroutine", got)
		}
	})
}

func TestDumpTasksOfAStoppedLoopFromAnotherGoroutine(t *testing.T) {
	l := asyncio.NewEventLoop()
	defer l.Close()
	errc := make(chan error)
	go func() {
		_, err := l.DumpTasks(context.Background())
		errc <- err
	}()
	if err := <-errc; !errors.Is(err, asyncio.ErrLoopNotRunning) {
		t.Errorf("DumpTasks = %v, want ErrLoopNotRunning", err)
	}
	if d, err := l.DumpTasks(context.Background()); err != nil || d.Running || len(d.Tasks) != 0 {
		t.Errorf("the owner's DumpTasks = %+v, %v; want an empty dump of a stopped loop", d, err)
	}
	l.Close()
	if _, err := l.DumpTasks(context.Background()); !errors.Is(err, asyncio.ErrLoopClosed) {
		t.Errorf("DumpTasks of a closed loop = %v", err)
	}
}

func TestLoopDumpMarshalsToJSON(t *testing.T) {
	runWithLoop(t, func(ctx context.Context, loop *asyncio.EventLoop) {
		asyncio.Go(ctx, sleeper, asyncio.WithName("s"))
		if err := yieldN(ctx, 1); err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(dumpOf(t, ctx))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{`"name":"s"`, `"state":"pending"`, `"awaits":"Sleep until 1h0m0s`, `"func":"github.com/asyncio-go/asyncio_test.sleeper"`} {
			if !strings.Contains(string(b), want) {
				t.Errorf("JSON lacks %s:\n%s", want, b)
			}
		}
	})
}

// The goroutine contract of the dumps: DumpTasks and DumpRunningLoops work
// from a plain goroutine, CallGraph and PrintCallGraph refuse; from a
// coroutine DumpRunningLoops refuses, since it would wait for its own loop.
func TestDumpsFromAPlainGoroutine(t *testing.T) {
	runWithLoop(t, func(ctx context.Context, loop *asyncio.EventLoop) {
		asyncio.Go(ctx, sleeper, asyncio.WithName("s"))
		if _, err := asyncio.DumpRunningLoops(ctx); !errors.Is(err, asyncio.ErrWrongGoroutine) {
			t.Errorf("DumpRunningLoops from a coroutine = %v, want ErrWrongGoroutine", err)
		}
		self := asyncio.CurrentTask(ctx)
		type outcome struct {
			dump     *asyncio.LoopDump
			all      []*asyncio.LoopDump
			dumpErr  error
			allErr   error
			printErr error
			graphErr error
		}
		got, err := asyncio.ToThread(ctx, func(context.Context) (o outcome, _ error) {
			plain := context.Background() // a plain goroutine's own ctx, not the task's
			o.dump, o.dumpErr = loop.DumpTasks(plain)
			o.all, o.allErr = asyncio.DumpRunningLoops(plain)
			_, o.graphErr = asyncio.CallGraph(self)
			o.printErr = asyncio.PrintCallGraph(new(bytes.Buffer), self)
			return o, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if got.dumpErr != nil || findTask(got.dump.Tasks, "s") == nil {
			t.Errorf("DumpTasks from a plain goroutine = %+v, %v", got.dump, got.dumpErr)
		}
		if got.allErr != nil || len(got.all) == 0 {
			t.Errorf("DumpRunningLoops from a plain goroutine = %v, %v", got.all, got.allErr)
		}
		if !errors.Is(got.graphErr, asyncio.ErrWrongGoroutine) || !errors.Is(got.printErr, asyncio.ErrWrongGoroutine) {
			t.Errorf("CallGraph, PrintCallGraph from a plain goroutine = %v, %v; want ErrWrongGoroutine", got.graphErr, got.printErr)
		}
	})
}
