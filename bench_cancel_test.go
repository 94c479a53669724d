package asyncio_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
)

// BenchmarkTaskGroup runs a group of 100 trivial tasks per op.
func BenchmarkTaskGroup(b *testing.B) {
	trivial := func(context.Context) error { return nil }
	err := asyncio.Run(func(ctx context.Context) error {
		b.ReportAllocs()
		for b.Loop() {
			err := asyncio.WithTaskGroup(ctx, func(ctx context.Context, tg *asyncio.TaskGroup) error {
				for range 100 {
					tg.Go(trivial)
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkTimeoutScope enters and leaves a timeout scope around an
// immediate await (a done future) per op.
func BenchmarkTimeoutScope(b *testing.B) {
	err := asyncio.Run(func(ctx context.Context) error {
		loop, err := asyncio.GetRunningLoop(ctx)
		if err != nil {
			return err
		}
		f := asyncio.NewFuture[int](loop)
		f.SetResult(1)
		body := func(ctx context.Context) error {
			_, err := f.Await(ctx)
			return err
		}
		b.ReportAllocs()
		for b.Loop() {
			if err := asyncio.Timeout(ctx, time.Second, body); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkAwaitInsideNestedTimeouts awaits Sleep(0) inside depth nested
// Timeout scopes: an await's cost must not grow with the depth, since the
// scope ctx finds its task and its base ctx in one step.
func BenchmarkAwaitInsideNestedTimeouts(b *testing.B) {
	for _, depth := range []int{1, 10, 100} {
		b.Run(fmt.Sprintf("depth=%d", depth), func(b *testing.B) {
			var nest func(ctx context.Context, left int) error
			nest = func(ctx context.Context, left int) error {
				if left == 0 {
					for b.Loop() {
						if err := asyncio.Sleep(ctx, 0); err != nil {
							return err
						}
					}
					return nil
				}
				return asyncio.Timeout(ctx, time.Hour, func(ctx context.Context) error { return nest(ctx, left-1) })
			}
			if err := asyncio.Run(func(ctx context.Context) error { return nest(ctx, depth) }); err != nil {
				b.Fatal(err)
			}
		})
	}
}
