package asynciotest_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

// This example records what reaches a loop's exception handler, as a test
// does to check that a forgotten failure is reported. In a test, make the
// loop with asynciotest.NewLoop(t), or run the whole coroutine with
// asynciotest.Run(t, main): both use the virtual clock.
func ExampleExceptions() {
	loop := asyncio.NewEventLoop(asyncio.WithVirtualClock())
	reports := asynciotest.Exceptions(loop)
	main := loop.Go(func(ctx context.Context) error {
		asyncio.Go(ctx, func(ctx context.Context) error { return errors.New("nobody looks at me") })
		return asyncio.Sleep(ctx, 0) // the task fails meanwhile, and no one awaits it
	})
	if err := loop.RunUntilComplete(main); err != nil {
		fmt.Println(err)
	}
	_ = loop.Close() // reports what no one retrieved
	for _, r := range reports() {
		fmt.Println(r.Message+":", r.Err)
	}
	// Output: Task exception was never retrieved: nobody looks at me
}
