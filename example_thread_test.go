package asyncio_test

import (
	"context"
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
