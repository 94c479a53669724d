package asyncio_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/asyncio-go/asyncio"
)

// This example is the asyncio documentation's to_thread example: a blocking
// call runs on the default executor while the loop goes on with a Sleep, so
// both take their 10ms side by side. (The documentation prints the times;
// here the order tells the story.)
func ExampleToThread() {
	blockingIO := func(context.Context) (struct{}, error) {
		fmt.Println("start blocking_io")
		// time.Sleep stands for any blocking call: a file read, a query.
		time.Sleep(10 * time.Millisecond)
		fmt.Println("blocking_io complete")
		return struct{}{}, nil
	}
	asyncio.Run(func(ctx context.Context) error {
		fmt.Println("started main")
		_, err := asyncio.Gather(ctx,
			asyncio.Coroutine[struct{}](func(ctx context.Context) (struct{}, error) {
				return asyncio.ToThread(ctx, blockingIO)
			}),
			asyncio.Func(func(ctx context.Context) error {
				return asyncio.Sleep(ctx, 10*time.Millisecond)
			}),
		)
		fmt.Println("finished main", err)
		return err
	})
	// Output:
	// started main
	// start blocking_io
	// blocking_io complete
	// finished main <nil>
}

// This example waits for a sync.WaitGroup from a coroutine with ToThread,
// which runs the blocking Wait on the loop's default executor.
func ExampleToThread_waitGroup() {
	asyncio.Run(func(ctx context.Context) error {
		var wg sync.WaitGroup
		sums := make([]int, 3)
		for i := range sums {
			wg.Go(func() { sums[i] = (i + 1) * 10 })
		}
		_, err := asyncio.ToThread(ctx, func(context.Context) (struct{}, error) {
			wg.Wait()
			return struct{}{}, nil
		})
		fmt.Println(sums, err)
		return nil
	})
	// Output: [10 20 30] <nil>
}

// This example is the asyncio documentation's run_coroutine_threadsafe
// example: a plain goroutine submits coroutines to a loop running on
// another goroutine and waits for their results, with a timeout, cancelling
// the one that takes too long.
func ExampleRunCoroutineThreadsafe() {
	loops := make(chan *asyncio.EventLoop)
	stop := make(chan struct{})
	finished := make(chan error)
	go func() {
		finished <- asyncio.Run(func(ctx context.Context) error {
			loop, err := asyncio.GetRunningLoop(ctx)
			if err != nil {
				return err
			}
			if err := asyncio.Send(ctx, loops, loop); err != nil {
				return err
			}
			_, _, err = asyncio.Recv(ctx, stop)
			return err
		})
	}()
	loop := <-loops

	// asyncio.sleep(delay, result=result), as a coroutine.
	sleep := func(delay time.Duration, result int) asyncio.Coroutine[int] {
		return func(ctx context.Context) (int, error) {
			return result, asyncio.Sleep(ctx, delay)
		}
	}
	for _, delay := range []time.Duration{10 * time.Millisecond, time.Hour} {
		future, err := asyncio.RunCoroutineThreadsafe(sleep(delay, 3), loop)
		if err != nil {
			fmt.Println(err)
			return
		}
		timeout, cancel := context.WithTimeout(context.Background(), time.Second)
		result, err := future.Result(timeout)
		cancel()
		switch {
		case errors.Is(err, context.DeadlineExceeded):
			fmt.Println("The coroutine took too long, cancelling the task...")
			future.Cancel()
		case err != nil:
			fmt.Printf("The coroutine raised an exception: %v\n", err)
		default:
			fmt.Printf("The coroutine returned: %d\n", result)
		}
	}
	close(stop)
	fmt.Println(<-finished)
	// Output:
	// The coroutine returned: 3
	// The coroutine took too long, cancelling the task...
	// <nil>
}
