package asyncio_test

import (
	"context"
	"errors"
	"testing"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

// The executor and goroutine-bridge rows of the cross-goroutine table
// (TestEveryMethodFromAPlainGoroutineWorksOrRefuses): the doors meant for
// other goroutines work, the loop's own calls refuse.
func TestEveryThreadMethodFromAPlainGoroutineWorksOrRefuses(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		loop, _ := asyncio.GetRunningLoop(ctx)
		exec := asyncio.NewBoundedExecutor(1)
		cf, _ := asyncio.NewConcurrentFuture[int](context.Background())
		ok := func(fn func()) func() error { return func() error { fn(); return nil } }
		fn := func(context.Context) (int, error) { return 1, nil }
		calls := []foreignCall{
			{"ToThread", refuses, func() error { _, err := asyncio.ToThread(ctx, fn); return err }},
			{"RunInExecutor", refuses, func() error { _, err := asyncio.RunInExecutor(loop, nil, fn); return err }},
			{"WrapFuture", refuses, func() error { _, err := asyncio.WrapFuture(loop, cf); return err }},
			{"EventLoop.SetDefaultExecutor", refuses, func() error { return loop.SetDefaultExecutor(exec) }},
			{"EventLoop.ShutdownDefaultExecutor", refuses, func() error { return loop.ShutdownDefaultExecutor(ctx) }},
			{"RunCoroutineThreadsafe", works, func() error {
				f, err := asyncio.RunCoroutineThreadsafe(fn, loop)
				if err != nil {
					return err
				}
				_, err = f.Result(context.Background())
				return err
			}},
			{"NewConcurrentFuture", works, ok(func() { asyncio.NewConcurrentFuture[int](context.Background()) })},
			{"ConcurrentFuture.Done", works, ok(func() { _ = cf.Done() })},
			{"ConcurrentFuture.Cancelled", works, ok(func() { cf.Cancelled() })},
			{"ConcurrentFuture.String", works, ok(func() { _ = cf.String() })},
			{"ConcurrentFuture.SetResult", works, func() error { return cf.SetResult(1) }},
			{"ConcurrentFuture.SetException", works, func() error {
				if err := cf.SetException(errors.New("late")); !errors.Is(err, asyncio.ErrInvalidState) {
					return err
				}
				return nil
			}},
			{"ConcurrentFuture.Result", works, func() error { _, err := cf.Result(context.Background()); return err }},
			{"ConcurrentFuture.Cancel", works, ok(func() { cf.Cancel() })},
			{"ConcurrentFuture.CancelWithMessage", works, ok(func() { cf.CancelWithMessage("m") })},
			{"BoundedExecutor.Size", works, ok(func() { exec.Size() })},
			{"BoundedExecutor.Submit", works, func() error { return exec.Submit(func() {}) }},
			{"BoundedExecutor.Shutdown", works, func() error { return exec.Shutdown(context.Background()) }},
		}
		return callFromAPlainGoroutine(ctx, t, calls)
	})
}
