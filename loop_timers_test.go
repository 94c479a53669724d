package asyncio_test

// Timers at the edges of the loop's clock: delays too large to add to it.

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
)

// A delay too large to add to the clock saturates instead of wrapping into
// the past: the callback and the sleep wait (asyncio: call_later(inf)).
func TestHugeDelayDoesNotWrapIntoThePast(t *testing.T) {
	runWithLoop(t, func(ctx context.Context, loop *asyncio.EventLoop) {
		if err := asyncio.Sleep(ctx, time.Second); err != nil {
			t.Fatal(err)
		}
		fired := false
		h, err := loop.CallLater(time.Duration(math.MaxInt64), func() { fired = true })
		if err != nil {
			t.Fatal(err)
		}
		sleeper := asyncio.Go(ctx, func(ctx context.Context) error { return asyncio.Sleep(ctx, time.Duration(math.MaxInt64)) })
		if err := asyncio.Sleep(ctx, time.Millisecond); err != nil {
			t.Fatal(err)
		}
		if err := asyncio.Sleep(ctx, time.Millisecond); err != nil {
			t.Fatal(err)
		}
		if fired || sleeper.Done() || h.When() < loop.Time() {
			t.Errorf("fired %t, sleep done %t, When %v at %v: a huge delay wrapped into the past", fired, sleeper.Done(), h.When(), loop.Time())
		}
		h.Cancel()
		sleeper.Cancel()
	})
}
