// Package lib is imported by package app: what the analyzer learns about its
// functions crosses the package boundary as facts.
package lib

import (
	"context"
	"sync"
	"time"

	"github.com/asyncio-go/asyncio"
)

var mu sync.Mutex

var wg sync.WaitGroup

// Fetch blocks; lib never runs it as a coroutine, so nothing is reported here.
func Fetch(ctx context.Context, url string) error {
	wg.Wait()
	return nil
}

// Locked blocks through a helper of its own.
func Locked() {
	inner()
}

func inner() {
	mu.Lock()
	defer mu.Unlock()
}

// Pause does not block: it awaits.
func Pause(ctx context.Context) error {
	return asyncio.Sleep(ctx, time.Millisecond)
}

// RunMain runs main as a coroutine, as asynciotest.Run does: the functions
// app passes to it are coroutine bodies.
func RunMain(name string, main func(ctx context.Context) error) error {
	return asyncio.Run(main)
}

// Wrap runs c inside a coroutine of its own; c is called with the task ctx,
// so it is a coroutine too.
func Wrap(c func(ctx context.Context) error) error {
	return asyncio.Run(func(ctx context.Context) error { return c(ctx) })
}

// Worker is a coroutine app passes to asyncio.Go.
func Worker(ctx context.Context) error {
	time.Sleep(time.Second)
	return nil
}

// Quiet blocks only on a line its author silenced.
func Quiet() {
	time.Sleep(time.Millisecond) //asynciovet:ignore a calibrated spin the caller wants
}
