package asyncio_test

import (
	"context"
	"fmt"
	"time"

	"github.com/asyncio-go/asyncio"
)

// This example waits for the first of several tasks, as asyncio.wait with
// return_when=FIRST_COMPLETED and a timeout does, then cancels the rest.
func ExampleWaitTimeout() {
	asyncio.Run(func(ctx context.Context) error {
		sleeper := func(d time.Duration) *asyncio.Task[struct{}] {
			return asyncio.Go(ctx, func(ctx context.Context) error { return asyncio.Sleep(ctx, d) })
		}
		tasks := []*asyncio.Task[struct{}]{sleeper(time.Hour), sleeper(2 * time.Millisecond), sleeper(time.Hour)}
		done, pending, err := asyncio.WaitTimeout(ctx, tasks, asyncio.FirstCompleted, time.Second)
		if err != nil {
			return err
		}
		fmt.Println(len(done), "done,", len(pending), "pending")
		for _, t := range pending {
			t.Cancel()
		}
		done, pending, err = asyncio.WaitTimeout(ctx, pending, asyncio.AllCompleted, time.Second)
		fmt.Println(len(done), "done,", len(pending), "pending,", err)
		return nil
	}, asyncio.WithVirtualClock())
	// Output:
	// 1 done, 2 pending
	// 2 done, 0 pending, <nil>
}

// This example takes results as they come, for at most 5ms: the slow one
// is cut off by the timeout, as asyncio.as_completed(aws, timeout=...) does.
func ExampleAsCompletedTimeout() {
	asyncio.Run(func(ctx context.Context) error {
		after := func(d time.Duration, s string) asyncio.Coroutine[string] {
			return func(ctx context.Context) (string, error) { return s, asyncio.Sleep(ctx, d) }
		}
		for s, err := range asyncio.AsCompletedTimeout(ctx, 5*time.Millisecond,
			after(3*time.Millisecond, "second"), after(time.Millisecond, "first"), after(time.Hour, "never")) {
			if err != nil {
				fmt.Println(err)
				break
			}
			fmt.Println(s)
		}
		return nil
	}, asyncio.WithVirtualClock())
	// Output:
	// first
	// second
	// asyncio: timeout: AsCompletedTimeout of 5ms expired at 5ms
}

// This example turns a coroutine into a task and leaves a task as it is, as
// asyncio.ensure_future does.
func ExampleEnsureFuture() {
	asyncio.Run(func(ctx context.Context) error {
		task := asyncio.CreateTask(ctx, func(ctx context.Context) (int, error) { return 1, nil })
		same := asyncio.EnsureFuture[int](ctx, task)
		wrapped := asyncio.EnsureFuture[int](ctx, asyncio.Coroutine[int](func(ctx context.Context) (int, error) { return 2, nil }))
		vals, err := asyncio.Gather[int](ctx, same, wrapped)
		fmt.Println(same == task, vals, err)
		return err
	})
	// Output: true [1 2] <nil>
}

// This example hands values to a plain goroutine over a Go channel without
// blocking the loop: Send suspends the task until the goroutine receives.
func ExampleSend() {
	asyncio.Run(func(ctx context.Context) error {
		ch := make(chan int)
		done := make(chan int)
		go func() {
			sum := 0
			for v := range ch {
				sum += v
			}
			done <- sum
		}()
		for i := 1; i <= 3; i++ {
			if err := asyncio.Send(ctx, ch, i); err != nil {
				return err
			}
		}
		close(ch)
		sum, _, err := asyncio.Recv(ctx, done)
		fmt.Println(sum, err)
		return err
	})
	// Output: 6 <nil>
}

// This example shows that a LifoQueue hands out the newest item first.
func ExampleLifoQueue() {
	asyncio.Run(func(ctx context.Context) error {
		q := asyncio.NewLifoQueue[string](0)
		for _, s := range []string{"a", "b", "c"} {
			if err := q.Put(ctx, s); err != nil {
				return err
			}
		}
		for !q.Empty() {
			s, err := q.Get(ctx)
			if err != nil {
				return err
			}
			fmt.Print(s, " ")
		}
		fmt.Println()
		return nil
	})
	// Output: c b a
}

// This example shows BoundedSemaphore catching a Release that has no
// Acquire, where a plain Semaphore would silently grow.
func ExampleBoundedSemaphore() {
	asyncio.Run(func(ctx context.Context) error {
		s := asyncio.NewBoundedSemaphore(1)
		if err := s.Acquire(ctx); err != nil {
			return err
		}
		fmt.Println(s.Release())
		fmt.Println(s.Release())
		return nil
	})
	// Output:
	// <nil>
	// asyncio: BoundedSemaphore released too many times
}

// This example handles its own cancellation and carries on: Uncancel
// withdraws the request, so that an enclosing Timeout or TaskGroup does not
// take it for its own.
func ExampleCurrentTask() {
	asyncio.Run(func(ctx context.Context) error {
		worker := asyncio.Go(ctx, func(ctx context.Context) error {
			me := asyncio.CurrentTask(ctx)
			if err := asyncio.Sleep(ctx, time.Hour); err != nil {
				fmt.Println(me.Name(), "cancelled; requests:", me.Cancelling())
				fmt.Println("after Uncancel:", me.Uncancel())
			}
			return nil
		}, asyncio.WithName("worker"))
		if err := asyncio.Sleep(ctx, 0); err != nil {
			return err
		}
		worker.Cancel()
		_, err := worker.Await(ctx)
		fmt.Println("worker returned", err, "cancelled:", worker.Cancelled())
		return nil
	}, asyncio.WithVirtualClock())
	// Output:
	// worker cancelled; requests: 1
	// after Uncancel: 0
	// worker returned <nil> cancelled: false
}
