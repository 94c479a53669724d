package asyncio_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/asyncio-go/asyncio"
)

// This example keeps the timeout object to ask afterwards whether it expired,
// as the asyncio docs do with `async with asyncio.timeout(10) as cm:` and
// `cm.expired()`. The delay starts when Run enters the block.
func ExampleNewTimeoutScope() {
	asyncio.Run(func(ctx context.Context) error {
		cm := asyncio.NewTimeoutScope(10 * time.Millisecond)
		err := cm.Run(ctx, func(ctx context.Context) error {
			return asyncio.Sleep(ctx, time.Hour) // long_running_task()
		})
		if errors.Is(err, asyncio.ErrTimeout) {
			fmt.Println("timed out at", cm.When())
		}
		if cm.Expired() {
			fmt.Println("Looks like we haven't finished on time.")
		}
		return nil
	}, asyncio.WithVirtualClock())
	// Output:
	// timed out at 10ms
	// Looks like we haven't finished on time.
}

// This example sets a deadline on the loop's clock, as asyncio.timeout_at
// does: the block has until 5ms after the loop started, whenever it begins.
func ExampleNewTimeoutScopeAt() {
	asyncio.Run(func(ctx context.Context) error {
		loop, _ := asyncio.GetRunningLoop(ctx)
		deadline := loop.Time() + 5*time.Millisecond
		if err := asyncio.Sleep(ctx, 2*time.Millisecond); err != nil {
			return err
		}
		cm := asyncio.NewTimeoutScopeAt(deadline)
		err := cm.Run(ctx, func(ctx context.Context) error { return asyncio.Sleep(ctx, time.Hour) })
		fmt.Println(errors.Is(err, asyncio.ErrTimeout), loop.Time())
		return nil
	}, asyncio.WithVirtualClock())
	// Output: true 5ms
}

// This example is the asyncio docs' reschedule: the timeout is not known
// when the block starts, so the scope begins with none (asyncio's
// timeout(None)) and gets its deadline from inside.
func ExampleTimeoutScope_Reschedule() {
	asyncio.Run(func(ctx context.Context) error {
		loop, _ := asyncio.GetRunningLoop(ctx)
		cm := asyncio.NewTimeoutScope(asyncio.NoDeadline)
		err := cm.Run(ctx, func(ctx context.Context) error {
			// We know the timeout now, so we reschedule it.
			newDeadline := loop.Time() + 10*time.Millisecond
			if err := cm.Reschedule(newDeadline); err != nil {
				return err
			}
			return asyncio.Sleep(ctx, time.Hour) // long_running_task()
		})
		if err != nil && !errors.Is(err, asyncio.ErrTimeout) {
			return err
		}
		if cm.Expired() {
			fmt.Println("Looks like we haven't finished on time.")
		}
		return nil
	}, asyncio.WithVirtualClock())
	// Output: Looks like we haven't finished on time.
}
