package asyncio_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/asyncio-go/asyncio"
)

// This example shows the virtual clock reporting a deadlock that asyncio
// would hang on: a task acquires a Lock it already holds, and nothing else
// can ever release it.
func ExampleDeadlockError() {
	err := asyncio.Run(func(ctx context.Context) error {
		var mu asyncio.Lock
		if err := mu.Acquire(ctx); err != nil {
			return err
		}
		return mu.Acquire(ctx) // waits for itself
	}, asyncio.WithVirtualClock())
	var de *asyncio.DeadlockError
	if errors.As(err, &de) {
		fmt.Println(errors.Is(err, asyncio.ErrDeadlock))
		for i, t := range de.Tasks {
			fmt.Println(t.Name(), "awaits", de.Awaits[i])
		}
	}
	// Output:
	// true
	// Task-1 awaits Lock.Acquire held by "Task-1"
}
