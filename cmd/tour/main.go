// Command tour walks through a coroutines tutorial in the style of the asyncio
// documentation's "Coroutines and Tasks" page, one section per heading, each
// example written in Go and run on the spot.
//
//	go run ./cmd/tour             # real clock: the gather section takes -duration (7s)
//	go run ./cmd/tour -virtual    # virtual clock: the same output, at once
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/asyncio-go/asyncio"
)

var (
	virtual  = flag.Bool("virtual", false, "run every loop on the virtual clock: sleeps take no real time")
	duration = flag.Duration("duration", 7*time.Second, "how long the endless display_time/print_nums pair runs")
)

// sections are the tutorial's headings, in its order, each with its example.
var sections = []struct {
	title string
	run   func() error
}{
	{"How to define a coroutine?", defineCoroutine},
	{"How to execute coroutine?", executeCoroutine},
	{"How to block coroutine for x seconds?", sleepSection},
	{"How to execute coroutines concurrently?", gatherCoroutines},
	{"Tasks: display_time and print_nums, gathered", gatherTasks},
	{"For python version < 3.7: the loop by hand", preRunStyle},
	{"Async/await: a coroutine does not run itself", neverAwaited},
	{"Async/await: we can only await from a coroutine", awaitOutside},
}

func main() {
	flag.Parse()
	for _, s := range sections {
		fmt.Printf("\n== %s ==\n", s.title)
		if err := s.run(); err != nil {
			fmt.Fprintln(os.Stderr, "tour:", err)
			os.Exit(1)
		}
	}
}

// opts is how every loop of the tour is made.
func opts() []asyncio.Option {
	if *virtual {
		return []asyncio.Option{asyncio.WithVirtualClock()}
	}
	return nil
}

// hello is the tutorial's first coroutine: async def main(): print("Hello").
func hello(ctx context.Context) error {
	fmt.Println("Hello")
	return nil
}

func defineCoroutine() error {
	coro := asyncio.Func(hello) // main(): holding the coroutine runs nothing
	fmt.Printf("%T value, not run yet: nothing printed\n", coro)
	return nil
}

func executeCoroutine() error {
	loop := asyncio.NewEventLoop(opts()...)
	fmt.Println(loop)
	if err := loop.Close(); err != nil {
		return err
	}
	return asyncio.Run(func(ctx context.Context) error {
		running, err := asyncio.GetRunningLoop(ctx)
		if err != nil {
			return err
		}
		fmt.Println(running)
		return hello(ctx) // await main(): runs inline, in this task
	}, opts()...)
}

func sleepSection() error {
	return asyncio.Run(func(ctx context.Context) error {
		fmt.Println("hello")
		if err := asyncio.Sleep(ctx, time.Second); err != nil {
			return err
		}
		fmt.Println("world")
		return nil
	}, opts()...)
}

// worker returns a coroutine that prints its name, sleeps d, then says done.
func worker(name string, d time.Duration) asyncio.Func {
	return func(ctx context.Context) error {
		fmt.Printf("%s: started\n", name)
		if err := asyncio.Sleep(ctx, d); err != nil {
			return err
		}
		fmt.Printf("%s: done after %v\n", name, d)
		return nil
	}
}

func gatherCoroutines() error {
	return asyncio.Run(func(ctx context.Context) error {
		_, err := asyncio.Gather(ctx,
			worker("coro1", 300*time.Millisecond),
			worker("coro2", 100*time.Millisecond),
			worker("coro3", 200*time.Millisecond),
		)
		return err
	}, opts()...)
}

// displayTime prints the seconds passed, every three of them, for ever.
func displayTime(ctx context.Context) error {
	loop, err := asyncio.GetRunningLoop(ctx)
	if err != nil {
		return err
	}
	start := loop.Time()
	for {
		dur := int((loop.Time() - start) / time.Second)
		if dur%3 == 0 {
			fmt.Printf("%d seconds have passed...\n", dur)
		}
		if err := asyncio.Sleep(ctx, time.Second); err != nil {
			return err
		}
	}
}

// printNums prints 1, 2, 3... every half second, for ever.
func printNums(ctx context.Context) error {
	for num := 1; ; num++ {
		fmt.Println(num)
		if err := asyncio.Sleep(ctx, 500*time.Millisecond); err != nil {
			return err
		}
	}
}

// gatherFor gathers two endless tasks and cancels them after d: the
// tutorial's pair never ends on its own.
func gatherFor(ctx context.Context, d time.Duration, t1, t2 *asyncio.Task[struct{}]) error {
	loop, err := asyncio.GetRunningLoop(ctx)
	if err != nil {
		return err
	}
	if _, err := loop.CallLater(d, func() { t1.Cancel(); t2.Cancel() }); err != nil {
		return err
	}
	_, err = asyncio.Gather(ctx, t1, t2)
	if errors.Is(err, asyncio.ErrCancelled) {
		fmt.Printf("(stopped after %v)\n", d)
		return nil
	}
	return err
}

func gatherTasks() error {
	return asyncio.Run(func(ctx context.Context) error {
		task1 := asyncio.Go(ctx, displayTime)
		task2 := asyncio.Go(ctx, printNums)
		return gatherFor(ctx, *duration, task1, task2)
	}, opts()...)
}

func preRunStyle() error {
	loop := asyncio.NewEventLoop(opts()...)
	main := loop.Go(func(ctx context.Context) error {
		task1 := asyncio.EnsureFuture(ctx, asyncio.Func(displayTime))
		task2 := asyncio.EnsureFuture(ctx, asyncio.Func(printNums))
		return gatherFor(ctx, min(*duration, 2*time.Second), task1, task2)
	})
	if err := loop.RunUntilComplete(main); err != nil {
		return err
	}
	return loop.Close()
}

func neverAwaited() error {
	return asyncio.Run(func(ctx context.Context) error {
		_ = asyncio.Func(worker("never called", 0)) // like my_function(): a value, nothing runs
		fmt.Println("a coroutine value that is never called or wrapped in a task does nothing")
		task := asyncio.Go(ctx, worker("task", 0)) // create_task: runs soon, awaited or not
		if err := asyncio.Sleep(ctx, 0); err != nil {
			return err
		}
		_, err := task.Await(ctx)
		return err
	}, opts()...)
}

func awaitOutside() error {
	err := asyncio.Sleep(context.Background(), time.Second)
	fmt.Println("Sleep outside a coroutine:", err)
	if !errors.Is(err, asyncio.ErrNotInCoroutine) {
		return fmt.Errorf("expected ErrNotInCoroutine, got %v", err)
	}
	return nil
}
