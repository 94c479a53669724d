package asyncio_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/asyncio-go/asyncio"
)

// This example is asyncio's
//
//	tasks = [asyncio.create_task(square(n)) for n in range(1, 4)]
//	print(await asyncio.gather(*tasks))
//
// Awaitables hands the slice of tasks to Gather.
func ExampleAwaitables() {
	square := func(ctx context.Context, n int) (int, error) {
		err := asyncio.Sleep(ctx, time.Duration(4-n)*time.Second)
		return n * n, err
	}
	asyncio.Run(func(ctx context.Context) error {
		var tasks []*asyncio.Task[int]
		for n := 1; n <= 3; n++ {
			tasks = append(tasks, asyncio.CreateTask(ctx, asyncio.CallValue(square, n)))
		}
		squares, err := asyncio.Gather(ctx, asyncio.Awaitables(tasks)...)
		fmt.Println(squares, err)
		return nil
	}, asyncio.WithVirtualClock())
	// Output: [1 4 9] <nil>
}

// This example is the asyncio docs' wait_for example,
//
//	try:
//	    await asyncio.wait_for(asyncio.sleep(3600), timeout=1.0)
//	except TimeoutError:
//	    print('timeout!')
//
// with Call making the sleep a value that WaitFor awaits.
func ExampleCall() {
	asyncio.Run(func(ctx context.Context) error {
		_, err := asyncio.WaitFor(ctx, asyncio.Call(asyncio.Sleep, time.Hour), time.Second)
		if errors.Is(err, asyncio.ErrTimeout) {
			fmt.Println("timeout!")
		}
		return nil
	}, asyncio.WithVirtualClock())
	// Output: timeout!
}

// This example gathers a task and a coroutine given its argument, as
// asyncio.gather(task, fetch("b")) mixes a task and a coroutine object.
func ExampleCallValue() {
	fetch := func(ctx context.Context, key string) (string, error) {
		if err := asyncio.Sleep(ctx, time.Second); err != nil {
			return "", err
		}
		return "value of " + key, nil
	}
	asyncio.Run(func(ctx context.Context) error {
		task := asyncio.CreateTask(ctx, asyncio.CallValue(fetch, "a"))
		vals, err := asyncio.Gather(ctx, task, asyncio.CallValue(fetch, "b"))
		fmt.Printf("%q %v\n", vals, err)
		return nil
	}, asyncio.WithVirtualClock())
	// Output: ["value of a" "value of b"] <nil>
}
