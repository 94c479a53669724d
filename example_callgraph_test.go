package asyncio_test

import (
	"context"
	"fmt"

	"github.com/asyncio-go/asyncio"
)

// This example shows what a task awaits and who awaits it, as asyncio's
// capture_call_graph does.
func ExampleCallGraph() {
	_ = asyncio.Run(func(ctx context.Context) error {
		loop, err := asyncio.GetRunningLoop(ctx)
		if err != nil {
			return err
		}
		f := asyncio.NewFuture[int](loop)
		inner := asyncio.Go(ctx, func(ctx context.Context) error {
			_, err := f.Await(ctx)
			return err
		}, asyncio.WithName("inner"))
		outer := asyncio.Go(ctx, func(ctx context.Context) error {
			_, err := inner.Await(ctx)
			return err
		}, asyncio.WithName("outer"))
		if err := asyncio.Sleep(ctx, 0); err != nil {
			return err
		}
		g, err := asyncio.CallGraph(inner)
		if err != nil {
			return err
		}
		fmt.Println(g.Name, "awaits", g.Awaits)
		for _, a := range g.AwaitedBy {
			fmt.Println("awaited by", a.Name, "which awaits", a.Awaits)
		}
		f.SetResult(1)
		_, err = outer.Await(ctx)
		return err
	})
	// Output:
	// inner awaits <Future pending>
	// awaited by outer which awaits <Task pending name="inner">
}

// This example dumps every task of a loop, each under the task waiting for
// it, as `python -m asyncio pstree` does.
func ExampleEventLoop_DumpTasks() {
	_ = asyncio.Run(func(ctx context.Context) error {
		ready := &asyncio.Event{Name: "ready"}
		err := asyncio.WithTaskGroup(ctx, func(ctx context.Context, tg *asyncio.TaskGroup) error {
			tg.Go(ready.Wait, asyncio.WithName("worker-1"))
			tg.Go(ready.Wait, asyncio.WithName("worker-2"))
			tg.Go(func(ctx context.Context) error {
				loop, err := asyncio.GetRunningLoop(ctx)
				if err != nil {
					return err
				}
				d, err := loop.DumpTasks(ctx)
				if err != nil {
					return err
				}
				var show func(ts []*asyncio.TaskTree, indent string)
				show = func(ts []*asyncio.TaskTree, indent string) {
					for _, t := range ts {
						fmt.Printf("%s%s (%s) %s\n", indent, t.Name, t.State, t.Awaits)
						show(t.Children, indent+"  ")
					}
				}
				show(d.Tasks, "")
				return ready.Set()
			}, asyncio.WithName("dumper"))
			return nil
		})
		return err
	})
	// Output:
	// Task-1 (pending) TaskGroup exit (3 tasks pending)
	//   worker-1 (pending) Event.Wait name="ready"
	//   worker-2 (pending) Event.Wait name="ready"
	//   dumper (running)
}
