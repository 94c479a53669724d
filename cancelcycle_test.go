package asyncio_test

// Cancelling one of two tasks that await each other asks each once and ends
// both, instead of passing the request round the cycle until the stack
// overflows (a fatal error nothing can recover).

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

// awaitingEachOther starts two tasks, each awaiting the other.
func awaitingEachOther(ctx context.Context) (a, b *asyncio.Task[struct{}]) {
	a = asyncio.Go(ctx, func(ctx context.Context) error {
		_, err := b.Await(ctx)
		return err
	}, asyncio.WithName("a"))
	b = asyncio.Go(ctx, func(ctx context.Context) error {
		_, err := a.Await(ctx)
		return err
	}, asyncio.WithName("b"))
	return a, b
}

func TestCancellingATaskInACycleEndsBoth(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		a, b := awaitingEachOther(ctx)
		if err := yieldN(ctx, 2); err != nil {
			return err
		}
		if !a.Cancel() {
			t.Error("Cancel = false")
		}
		for _, task := range []*asyncio.Task[struct{}]{a, b} {
			if _, err := task.Await(ctx); !errors.Is(err, asyncio.ErrCancelled) {
				t.Errorf("%s = %v, want cancelled", task.Name(), err)
			}
		}
		if a.Cancelling() != 1 || b.Cancelling() != 1 {
			t.Errorf("Cancelling = %d, %d; want each asked once", a.Cancelling(), b.Cancelling())
		}
		return nil
	})
}

func TestWaitForTimingOutOnACycleEnds(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		a, _ := awaitingEachOther(ctx)
		_, err := asyncio.WaitFor(ctx, a, time.Second)
		if !errors.Is(err, asyncio.ErrTimeout) {
			t.Errorf("WaitFor = %v, want ErrTimeout", err)
		}
		return nil
	})
}

func TestRunShutsDownACycleLeftPending(t *testing.T) {
	err := asyncio.Run(func(ctx context.Context) error {
		awaitingEachOther(ctx)
		return yieldN(ctx, 2)
	}, asyncio.WithVirtualClock())
	if err != nil {
		t.Errorf("Run = %v", err)
	}
}
