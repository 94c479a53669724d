package asyncio_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
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

// This example follows the asyncio documentation's run_in_executor
// example: a blocking read on the loop's default executor, then a
// CPU-bound sum on an executor of one's own, shut down when done, as the
// documentation's `with ThreadPoolExecutor() as pool` does.
func ExampleRunInExecutor() {
	blockingIO := func(context.Context) (int, error) {
		f, err := os.Open(os.DevNull)
		if err != nil {
			return 0, err
		}
		defer f.Close()
		n, err := f.Read(make([]byte, 100))
		if errors.Is(err, io.EOF) {
			err = nil
		}
		return n, err
	}
	cpuBound := func(context.Context) (int64, error) {
		var sum int64
		for i := range int64(10_000) {
			sum += i * i
		}
		return sum, nil
	}
	asyncio.Run(func(ctx context.Context) error {
		loop, err := asyncio.GetRunningLoop(ctx)
		if err != nil {
			return err
		}
		fut, err := asyncio.RunInExecutor(loop, nil, blockingIO)
		if err != nil {
			return err
		}
		n, err := fut.Await(ctx)
		fmt.Println("default executor read", n, "bytes", err)

		pool := asyncio.NewBoundedExecutor(2)
		defer pool.Shutdown(context.Background())
		sum, err := asyncio.RunInExecutor(loop, pool, cpuBound)
		if err != nil {
			return err
		}
		fmt.Println(sum.Await(ctx))
		return nil
	})
	// Output:
	// default executor read 0 bytes <nil>
	// 333283335000 <nil>
}

// This example hands a result from a goroutine of one's own to a
// coroutine: NewConcurrentFuture gives the goroutine its future and ctx,
// WrapFuture makes the future awaitable on the loop.
func ExampleWrapFuture() {
	asyncio.Run(func(ctx context.Context) error {
		loop, err := asyncio.GetRunningLoop(ctx)
		if err != nil {
			return err
		}
		cf, pctx := asyncio.NewConcurrentFuture[string](context.Background())
		go func() {
			select {
			case <-time.After(10 * time.Millisecond):
				_ = cf.SetResult("computed elsewhere")
			case <-pctx.Done(): // the loop side gave up
			}
		}()
		fut, err := asyncio.WrapFuture(loop, cf)
		if err != nil {
			return err
		}
		fmt.Println(fut.Await(ctx))
		return nil
	})
	// Output: computed elsewhere <nil>
}
