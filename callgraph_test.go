package asyncio_test

// The call graph and the loop dump: who awaits whom, what each task awaits,
// and where its coroutine stands.

import (
	"bytes"
	"context"
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
			_, err := asyncio.AwaitBlocking(ctx, func(context.Context) (int, error) { <-release; return 0, nil })
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
		if n := findTask(d.Tasks, "blocking"); n == nil || !strings.HasPrefix(n.Awaits, "AwaitBlocking(github.com/asyncio-go/asyncio_test.TestDumpNamesEachKindOfAwait.") {
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
