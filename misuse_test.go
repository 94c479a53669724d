package asyncio_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

// The misuse errors of the closed set: each matches its sentinel under
// errors.Is and names the function in its text.

func TestWrongLoopErrorsMatchErrWrongLoop(t *testing.T) {
	other := asynciotest.NewLoop(t)
	cases := []struct {
		name string
		call func(ctx context.Context) error
	}{
		{"Await", func(ctx context.Context) error {
			_, err := asyncio.NewFuture[int](other).Await(ctx)
			return err
		}},
		{"Gather", func(ctx context.Context) error {
			_, err := asyncio.Gather[int](ctx, asyncio.NewFuture[int](other))
			return err
		}},
		{"Wait", func(ctx context.Context) error {
			_, _, err := asyncio.Wait(ctx, []*asyncio.Future[int]{asyncio.NewFuture[int](other)}, asyncio.AllCompleted)
			return err
		}},
		{"WaitFor", func(ctx context.Context) error {
			_, err := asyncio.WaitFor[int](ctx, asyncio.NewFuture[int](other), time.Second)
			return err
		}},
		{"Shield", func(ctx context.Context) error {
			_, err := asyncio.Shield[int](ctx, asyncio.NewFuture[int](other)).Await(ctx)
			return err
		}},
		{"AsCompleted", func(ctx context.Context) error {
			for _, err := range asyncio.AsCompleted[int](ctx, asyncio.NewFuture[int](other)) {
				return err
			}
			return nil
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			asynciotest.Run(t, func(ctx context.Context) error {
				err := c.call(ctx)
				if !errors.Is(err, asyncio.ErrWrongLoop) || !strings.Contains(err.Error(), "different event loop") {
					t.Errorf("%s with another loop's object = %v, want ErrWrongLoop", c.name, err)
				}
				return nil
			})
		})
	}
}

func TestRunUntilCompleteOfAnotherLoopsFutureMatchesErrWrongLoop(t *testing.T) {
	loop, other := asynciotest.NewLoop(t), asynciotest.NewLoop(t)
	err := loop.RunUntilComplete(asyncio.NewFuture[int](other))
	if !errors.Is(err, asyncio.ErrWrongLoop) || !strings.Contains(err.Error(), "RunUntilComplete") {
		t.Errorf("RunUntilComplete = %v, want ErrWrongLoop naming RunUntilComplete", err)
	}
}

func TestWaitWithNoFuturesMatchesErrNoFutures(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		_, _, err := asyncio.Wait(ctx, []*asyncio.Task[int](nil), asyncio.AllCompleted)
		if !errors.Is(err, asyncio.ErrNoFutures) {
			t.Errorf("Wait() = %v, want ErrNoFutures", err)
		}
		return nil
	})
}

func TestPrimitiveOfAnotherLoopMatchesErrWrongLoop(t *testing.T) {
	var m asyncio.Lock
	other := asynciotest.NewLoop(t)
	if err := other.RunUntilComplete(other.Go(m.Acquire)); err != nil { // binds m to other
		t.Fatal(err)
	}
	asynciotest.Run(t, func(ctx context.Context) error {
		if err := m.Acquire(ctx); !errors.Is(err, asyncio.ErrWrongLoop) || !strings.Contains(err.Error(), "Lock") {
			t.Errorf("Acquire of another loop's Lock = %v, want ErrWrongLoop naming the Lock", err)
		}
		return nil
	})
}
