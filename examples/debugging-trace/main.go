// Command debugging-trace records an execution trace of a few task steps:
// with asyncio.WithProfiling, while the tracer runs, each task is a trace
// task (a subtask of the task that created it) and each of its steps a
// region "asyncio.step" on the loop's goroutine.
//
//	go run ./examples/debugging-trace       # writes trace.out
//	go tool trace trace.out                 # then "User-defined tasks" and "User-defined regions"
//
// A producer hands items to two consumers through a bounded Queue; each
// consumer sleeps a little per item. The trace shows the loop's goroutine
// switching between the three tasks, one step at a time, and how long each
// step took.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime/trace"
	"time"

	"github.com/asyncio-go/asyncio"
)

var (
	out   = flag.String("o", "trace.out", "where to write the execution trace")
	items = flag.Int("items", 20, "items the producer hands over")
)

func main() {
	flag.Parse()
	if err := run(*out, *items); err != nil {
		fmt.Fprintln(os.Stderr, "debugging-trace:", err)
		os.Exit(1)
	}
	fmt.Printf("wrote %s; look at it with: go tool trace %s\n", *out, *out)
}

// run traces the pipeline of n items into the file at path.
func run(path string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := trace.Start(f); err != nil {
		return err
	}
	err = asyncio.Run(func(ctx context.Context) error { return pipeline(ctx, n) }, asyncio.WithProfiling(true))
	trace.Stop()
	if err != nil {
		return err
	}
	return f.Close()
}

// pipeline runs one producer and two consumers over a queue of two items.
func pipeline(ctx context.Context, n int) error {
	q := asyncio.NewQueue[int](2)
	q.Name = "items"
	return asyncio.WithTaskGroup(ctx, func(ctx context.Context, tg *asyncio.TaskGroup) error {
		tg.Go(func(ctx context.Context) error {
			for i := range n {
				if err := q.Put(ctx, i); err != nil {
					return err
				}
			}
			return q.Shutdown(false)
		}, asyncio.WithName("producer"))
		for c := range 2 {
			tg.Go(func(ctx context.Context) error {
				for {
					if _, err := q.Get(ctx); err != nil {
						return nil // shut down and drained
					}
					if err := asyncio.Sleep(ctx, time.Duration(c+1)*time.Millisecond); err != nil {
						return err
					}
				}
			}, asyncio.WithName(fmt.Sprintf("consumer-%d", c)))
		}
		return nil
	})
}
