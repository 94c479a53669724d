// Package app calls package lib from its coroutines.
package app

import (
	"context"
	"time"

	"example.com/lib"
	"github.com/asyncio-go/asyncio"
)

func main() {
	asyncio.Run(func(ctx context.Context) error {
		lib.Fetch(ctx, "http://example.com") // want `lib.Fetch blocks the event loop: it calls sync.WaitGroup.Wait \(lib.go:\d+\); use asyncio.WithTaskGroup for tasks, or asyncio.ToThread`
		lib.Locked()                         // want `lib.Locked blocks the event loop: it calls sync.Mutex.Lock \(lib.go:\d+\)`
		lib.Quiet()
		asyncio.Go(ctx, lib.Worker) // want `lib.Worker runs as a coroutine but blocks the event loop: it calls time.Sleep`
		lib.Pause(ctx)              // want `the error of lib.Pause is discarded`
		return helper(ctx)
	})
	lib.Fetch(context.Background(), "http://example.com") // not in a coroutine
	lib.RunMain("main", func(ctx context.Context) error {
		time.Sleep(time.Second) // want `time.Sleep blocks`
		return nil
	})
	lib.Wrap(func(ctx context.Context) error {
		time.Sleep(time.Second) // want `time.Sleep blocks`
		return nil
	})
}

// helper is reached from the coroutine above; its call into lib is reported
// here, in app, where the coroutine is known.
func helper(ctx context.Context) error {
	lib.Locked() // want `lib.Locked blocks the event loop \(in helper, called at`
	return nil
}
