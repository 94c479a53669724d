// Package cancel tests the swallowed-cancellation checks.
package cancel

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/asyncio-go/asyncio"
)

var q asyncio.Queue[int]
var lock asyncio.Lock

func discarded(ctx context.Context) error {
	asyncio.Sleep(ctx, time.Second) // want `the error of asyncio.Sleep is discarded`
	_ = lock.Acquire(ctx)           // want `the error of asyncio.Lock.Acquire is assigned to _`
	v, _ := q.Get(ctx)              // want `the error of asyncio.Queue.Get is assigned to _`
	_ = v
	asyncio.Gather(ctx, asyncio.Func(discarded))   // want `the error of asyncio.Gather is discarded`
	for v := range asyncio.AsCompleted[int](ctx) { // want `the errors asyncio.AsCompleted yields are discarded`
		_ = v
	}
	helper(ctx)                                            // want `the error of helper is discarded`
	if _, err := asyncio.GetRunningLoop(ctx); err != nil { // not an await
		return err
	}
	asyncio.GetRunningLoop(ctx) // not an await: its only error is ErrNotInCoroutine
	return nil
}

func withValue(ctx context.Context) (int, string, error) {
	asyncio.Sleep(ctx, time.Second) // want `the error of asyncio.Sleep is discarded`
	return 1, "", nil
}

// helper awaits with its ctx: calling it is an await.
func helper(ctx context.Context) error {
	return asyncio.Sleep(ctx, time.Second)
}

func checked(ctx context.Context) error {
	if err := asyncio.Sleep(ctx, time.Second); err != nil {
		return err
	}
	for v, err := range asyncio.AsCompleted[int](ctx) {
		if err != nil {
			return err
		}
		_ = v
	}
	return nil
}

func matched(ctx context.Context) error {
	err := asyncio.Sleep(ctx, time.Second)
	if errors.Is(err, asyncio.ErrCancelled) { // want `cancellation matched and then dropped`
		log.Print("cancelled")
		return nil
	}
	return err
}

func matchedContinue(ctx context.Context) error {
	for {
		err := q.Put(ctx, 1)
		if errors.Is(err, context.Canceled) { // want `cancellation matched and then dropped`
			continue
		}
		if err != nil {
			return err
		}
	}
}

func negated(ctx context.Context) error {
	if err := lock.Acquire(ctx); err != nil && !errors.Is(err, asyncio.ErrCancelled) { // want `cancellation matched and then dropped`
		return err
	}
	return nil
}

func matchedAs(ctx context.Context) error {
	_, err := q.Get(ctx)
	var ce *asyncio.CancelledError
	if errors.As(err, &ce) { // want `cancellation matched and then dropped`
		fmt.Println("cancelled:", ce.Message)
	}
	return nil
}

func matchedEq(ctx context.Context) error {
	err := asyncio.Sleep(ctx, 1)
	if err == asyncio.ErrCancelled { // want `cancellation matched and then dropped`
		return nil
	}
	return err
}

func propagated(ctx context.Context) error {
	err := asyncio.Sleep(ctx, time.Second)
	if errors.Is(err, asyncio.ErrCancelled) {
		log.Print("cancelled, cleaning up")
		return err
	}
	if errors.Is(err, asyncio.ErrCancelled) {
		log.Print("cancelled")
	}
	if errors.Is(err, context.Canceled) {
		return fmt.Errorf("worker stopped: %w", err)
	}
	return err
}

func uncancelled(ctx context.Context) error {
	err := asyncio.Sleep(ctx, time.Second)
	if errors.Is(err, asyncio.ErrCancelled) {
		asyncio.CurrentTask(ctx).Uncancel() // carrying on on purpose
	}
	return asyncio.Sleep(ctx, time.Second)
}

func failsInstead(ctx context.Context) error {
	if err := asyncio.Sleep(ctx, time.Second); errors.Is(err, asyncio.ErrCancelled) {
		return errors.New("interrupted") // the task fails: nothing carries on
	}
	return nil
}

// others matches the cancellation of the tasks it awaited, not its own: Gather
// returns a child's cancellation without the caller being cancelled.
func others(ctx context.Context, t *asyncio.Task[int]) error {
	t.Cancel()
	_, err := asyncio.Gather[int](ctx, t)
	if errors.Is(err, asyncio.ErrCancelled) {
		return nil
	}
	return err
}

// classify is handed an error: it cannot swallow anything.
func classify(err error) string {
	if errors.Is(err, asyncio.ErrCancelled) {
		return "cancelled"
	}
	return "failed"
}

func run() {
	asyncio.Run(func(ctx context.Context) error {
		fmt.Println(classify(asyncio.Sleep(ctx, 1)))
		return others(ctx, nil)
	})
}
