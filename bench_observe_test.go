package asyncio_test

import (
	"context"
	"testing"

	"github.com/asyncio-go/asyncio"
)

// BenchmarkSleep0Profiling is BenchmarkSleep0 on a loop with WithProfiling:
// its ratio to BenchmarkSleep0 in the same run is the cost per step of the
// labels and of the instrumented path (the tracer off).
func BenchmarkSleep0Profiling(b *testing.B) {
	err := asyncio.Run(func(ctx context.Context) error {
		for b.Loop() {
			if err := asyncio.Sleep(ctx, 0); err != nil {
				return err
			}
		}
		return nil
	}, asyncio.WithProfiling(true))
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkSpawnGatherProfiling spawns 1,000 tasks and gathers them, per op,
// with profiling on: the labels' cost is per task.
func BenchmarkSpawnGatherProfiling(b *testing.B) {
	for _, on := range []bool{false, true} {
		name := "off"
		if on {
			name = "on"
		}
		b.Run(name, func(b *testing.B) {
			err := asyncio.Run(func(ctx context.Context) error {
				tasks := make([]asyncio.Awaitable[struct{}], 1000)
				for b.Loop() {
					for i := range tasks {
						tasks[i] = asyncio.Go(ctx, func(context.Context) error { return nil })
					}
					if _, err := asyncio.Gather(ctx, tasks...); err != nil {
						return err
					}
				}
				return nil
			}, asyncio.WithProfiling(on))
			if err != nil {
				b.Fatal(err)
			}
		})
	}
}
