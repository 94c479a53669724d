// Command debugging-deadlock runs two transfers that take two locks in
// opposite orders and so wait for each other for ever, then shows how the
// task dump finds them: each task with the lock it waits for and the task
// holding it, the cycle named on top, and each coroutine's stack.
//
//	go run ./examples/debugging-deadlock                     # prints the dump after 100ms and exits
//	go run ./examples/debugging-deadlock -http localhost:6060 # stays stuck; look with curl:
//	curl http://localhost:6060/debug/asyncio/
//
// asyncio would hang here silently. On the virtual clock the loop would
// notice on its own and return a *DeadlockError naming the same waits; on
// the real clock, where a timer or a socket might still end the wait, the
// dump is how to see inside.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/asyncio-go/asyncio"
	_ "github.com/asyncio-go/asyncio/asynciodebug" // serves /debug/asyncio/ on the default mux
)

var serveAddr = flag.String("http", "", "serve the task dump at http://ADDR/debug/asyncio/ and stay stuck until interrupted")

func main() {
	flag.Parse()
	if *serveAddr != "" {
		go func() {
			//asynciovet:ignore a plain goroutine, not a coroutine: it serves the dump
			if err := http.ListenAndServe(*serveAddr, nil); err != nil {
				fmt.Fprintln(os.Stderr, "debugging-deadlock:", err)
				os.Exit(1)
			}
		}()
		fmt.Printf("stuck; see http://%s/debug/asyncio/\n", *serveAddr)
	}
	if err := asyncio.Run(func(ctx context.Context) error { return run(ctx, os.Stdout, *serveAddr != "") }); err != nil {
		fmt.Fprintln(os.Stderr, "debugging-deadlock:", err)
		os.Exit(1)
	}
}

// transfer moves money between two accounts, each guarded by its lock,
// taking from's lock first: two transfers in opposite directions deadlock.
func transfer(from, to *asyncio.Lock) func(context.Context) error {
	return func(ctx context.Context) error {
		if err := from.Acquire(ctx); err != nil {
			return err
		}
		defer from.Release()
		if err := asyncio.Sleep(ctx, time.Millisecond); err != nil { // a round trip to the bank
			return err
		}
		if err := to.Acquire(ctx); err != nil {
			return err
		}
		defer to.Release()
		return nil
	}
}

// run starts the two transfers, and after 100ms writes the dump of its loop
// to out and cancels them; with forever it waits for them instead.
func run(ctx context.Context, out io.Writer, forever bool) error {
	alice, bob := &asyncio.Lock{Name: "alice"}, &asyncio.Lock{Name: "bob"}
	t1 := asyncio.Go(ctx, transfer(alice, bob), asyncio.WithName("alice->bob"))
	t2 := asyncio.Go(ctx, transfer(bob, alice), asyncio.WithName("bob->alice"))
	if forever {
		_, err := asyncio.Gather[struct{}](ctx, t1, t2)
		return err
	}
	if err := asyncio.Sleep(ctx, 100*time.Millisecond); err != nil {
		return err
	}
	loop, err := asyncio.GetRunningLoop(ctx)
	if err != nil {
		return err
	}
	dump, err := loop.DumpTasks(ctx) // on the loop's own goroutine: built at once
	if err != nil {
		return err
	}
	if err := dump.WriteText(out); err != nil {
		return err
	}
	t1.Cancel()
	t2.Cancel()
	for _, t := range []*asyncio.Task[struct{}]{t1, t2} {
		if _, err := t.Await(ctx); !errors.Is(err, asyncio.ErrCancelled) {
			return fmt.Errorf("%s ended with %v", t.Name(), err)
		}
	}
	return nil
}
