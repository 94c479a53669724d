package asyncio_test

import (
	"context"
	"fmt"
	"time"

	"github.com/asyncio-go/asyncio"
)

// This example is the tutorial's display_time/print_nums pair, gathered as
// tasks and stopped after seven seconds of virtual time; it prints the
// tutorial's interleaving exactly.
func Example_tutorial() {
	displayTime := func(ctx context.Context) error {
		loop, _ := asyncio.GetRunningLoop(ctx)
		start := loop.Time()
		for {
			if dur := int((loop.Time() - start) / time.Second); dur%3 == 0 {
				fmt.Printf("%d seconds have passed...\n", dur)
			}
			if err := asyncio.Sleep(ctx, time.Second); err != nil {
				return err
			}
		}
	}
	printNums := func(ctx context.Context) error {
		for num := 1; ; num++ {
			fmt.Println(num)
			if err := asyncio.Sleep(ctx, 500*time.Millisecond); err != nil {
				return err
			}
		}
	}
	asyncio.Run(func(ctx context.Context) error {
		loop, _ := asyncio.GetRunningLoop(ctx)
		task1 := asyncio.Go(ctx, displayTime)
		task2 := asyncio.Go(ctx, printNums)
		loop.CallLater(7*time.Second, func() { task1.Cancel(); task2.Cancel() })
		_, err := asyncio.Gather(ctx, task1, task2)
		fmt.Println(err)
		return nil
	}, asyncio.WithVirtualClock())
	// Output:
	// 0 seconds have passed...
	// 1
	// 2
	// 3
	// 4
	// 5
	// 6
	// 3 seconds have passed...
	// 7
	// 8
	// 9
	// 10
	// 11
	// 12
	// 6 seconds have passed...
	// 13
	// 14
	// asyncio: cancelled
}
