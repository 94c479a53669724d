package asyncio_test

import (
	"context"
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
