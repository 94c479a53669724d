package asyncio_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/asyncio-go/asyncio"
)

// This example bounds a slow call with a deadline: the call is cancelled and
// the block returns an error matching ErrTimeout.
func ExampleTimeout() {
	asyncio.Run(func(ctx context.Context) error {
		err := asyncio.Timeout(ctx, 10*time.Millisecond, func(ctx context.Context) error {
			return asyncio.Sleep(ctx, time.Hour)
		})
		fmt.Println(errors.Is(err, asyncio.ErrTimeout), errors.Is(err, context.DeadlineExceeded))
		return nil
	}, asyncio.WithVirtualClock())
	// Output: true true
}

// This example waits for a task's result for at most a given time, then for
// a slower one, which is cancelled.
func ExampleWaitFor() {
	asyncio.Run(func(ctx context.Context) error {
		fast := asyncio.CreateTask(ctx, func(ctx context.Context) (string, error) {
			return "fast", asyncio.Sleep(ctx, time.Millisecond)
		})
		v, err := asyncio.WaitFor[string](ctx, fast, time.Second)
		fmt.Println(v, err)
		slow := asyncio.CreateTask(ctx, func(ctx context.Context) (string, error) {
			return "slow", asyncio.Sleep(ctx, time.Hour)
		})
		_, err = asyncio.WaitFor[string](ctx, slow, time.Second)
		fmt.Println(err, slow.Cancelled())
		return nil
	}, asyncio.WithVirtualClock())
	// Output:
	// fast <nil>
	// asyncio: timeout: WaitFor of 1s expired at 1.001s true
}

// This example waits for the first of two tasks to finish and leaves the
// other running.
func ExampleWait() {
	asyncio.Run(func(ctx context.Context) error {
		a := asyncio.CreateTask(ctx, func(ctx context.Context) (int, error) { return 1, asyncio.Sleep(ctx, time.Millisecond) })
		b := asyncio.CreateTask(ctx, func(ctx context.Context) (int, error) { return 2, asyncio.Sleep(ctx, time.Second) })
		//asynciovet:ignore nothing cancels the example's main task, and the example keeps to its point
		done, pending, _ := asyncio.Wait(ctx, []*asyncio.Task[int]{a, b}, asyncio.FirstCompleted)
		v, _ := done[0].Result()
		fmt.Println(len(done), len(pending), v)
		return nil
	}, asyncio.WithVirtualClock())
	// Output: 1 1 1
}

// This example handles results in the order they arrive.
func ExampleAsCompleted() {
	asyncio.Run(func(ctx context.Context) error {
		after := func(d time.Duration, s string) asyncio.Coroutine[string] {
			return func(ctx context.Context) (string, error) { return s, asyncio.Sleep(ctx, d) }
		}
		for v, err := range asyncio.AsCompleted(ctx, after(30*time.Millisecond, "c"), after(10*time.Millisecond, "a"), after(20*time.Millisecond, "b")) {
			fmt.Println(v, err)
		}
		return nil
	}, asyncio.WithVirtualClock())
	// Output:
	// a <nil>
	// b <nil>
	// c <nil>
}

// This example keeps a write going when the task waiting for it is
// cancelled.
func ExampleShield() {
	asyncio.Run(func(ctx context.Context) error {
		write := asyncio.CreateTask(ctx, func(ctx context.Context) (string, error) {
			return "saved", asyncio.Sleep(ctx, 10*time.Millisecond)
		})
		waiter := asyncio.CreateTask(ctx, func(ctx context.Context) (string, error) {
			return asyncio.Shield[string](ctx, write).Await(ctx)
		})
		//asynciovet:ignore nothing cancels the example's main task, and the example keeps to its point
		asyncio.Sleep(ctx, time.Millisecond)
		waiter.Cancel()
		_, err := waiter.Await(ctx)
		fmt.Println(err)
		fmt.Println(write.Await(ctx))
		return nil
	}, asyncio.WithVirtualClock())
	// Output:
	// asyncio: cancelled
	// saved <nil>
}

// This example runs tasks in a group that returns once all have finished.
func ExampleTaskGroup() {
	asyncio.Run(func(ctx context.Context) error {
		var a, b *asyncio.Task[int]
		err := asyncio.WithTaskGroup(ctx, func(ctx context.Context, tg *asyncio.TaskGroup) error {
			a = asyncio.CreateGroupTask(tg, func(ctx context.Context) (int, error) { return 1, asyncio.Sleep(ctx, time.Millisecond) })
			b = asyncio.CreateGroupTask(tg, func(ctx context.Context) (int, error) { return 2, asyncio.Sleep(ctx, 2*time.Millisecond) })
			return nil
		})
		va, _ := a.Result()
		vb, _ := b.Result()
		fmt.Println(err, va+vb)
		return nil
	}, asyncio.WithVirtualClock())
	// Output: <nil> 3
}

// This example shows a failing task cancelling the rest of its group; the
// group returns every failure in one error.
func ExampleTaskGroup_cancelOnError() {
	errDisk := errors.New("disk full")
	asyncio.Run(func(ctx context.Context) error {
		err := asyncio.WithTaskGroup(ctx, func(ctx context.Context, tg *asyncio.TaskGroup) error {
			tg.Go(func(ctx context.Context) error {
				err := asyncio.Sleep(ctx, time.Hour)
				fmt.Println("sibling:", err)
				return err
			})
			tg.Go(func(ctx context.Context) error {
				//asynciovet:ignore the task fails right after, whatever the sleep returns
				asyncio.Sleep(ctx, time.Millisecond)
				return errDisk
			})
			return nil
		})
		fmt.Println(err)
		fmt.Println(errors.Is(err, errDisk))
		return nil
	}, asyncio.WithVirtualClock())
	// Output:
	// sibling: asyncio: cancelled
	// asyncio: unhandled errors in a TaskGroup (1 sub-error): task Task-3: disk full
	// true
}
