package asyncio_test

// The virtual clock never hangs a program that works on the real clock:
// outside work holds its jumps back but never freezes it, and a deadline of
// "never" is never reached.

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

// finishWithin fails the test if body has not returned after limit: the
// bugs these tests guard against are hangs.
func finishWithin(t *testing.T, limit time.Duration, body func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		body()
	}()
	select {
	case <-done:
	case <-time.After(limit):
		t.Fatalf("still running after %v: hung", limit)
	}
}

// A helper goroutine used to post its result and only then lower the count
// of outside work, without waking the loop: a loop that had meanwhile gone
// to sleep with a timer due waited for ever, about once in 10^3 rounds
// under -race.
func TestRecvThenSleepNeverLosesTheWakeUp(t *testing.T) {
	const rounds = 200_000
	budget := 3 * time.Second // bounded in time as well as in rounds
	finishWithin(t, 60*time.Second, func() {
		asynciotest.Run(t, func(ctx context.Context) error {
			ch := make(chan int, 1)
			start := time.Now()
			for i := 0; i < rounds && time.Since(start) < budget; i++ {
				go func() { ch <- i }()
				if _, _, err := asyncio.Recv(ctx, ch); err != nil {
					return err
				}
				if err := asyncio.Sleep(ctx, time.Second); err != nil {
					return err
				}
			}
			return nil
		})
	})
}

func TestOutsideWorkDoesNotFreezeTheVirtualClock(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		ch := make(chan int)
		sender := asyncio.Go(ctx, func(ctx context.Context) error {
			if err := asyncio.Sleep(ctx, 100*time.Millisecond); err != nil {
				return err
			}
			return asyncio.Send(ctx, ch, 7)
		})
		v, _, err := asyncio.Recv(ctx, ch) // outside work while the sender sleeps
		if err != nil || v != 7 {
			t.Errorf("Recv = %d, %v; want 7, nil", v, err)
		}
		if now := runningLoop(t, ctx).Time(); now < 100*time.Millisecond {
			t.Errorf("received at %v, before the sender's 100ms sleep ended", now)
		}
		_, err = sender.Await(ctx)
		return err
	})
}

func TestTheVirtualClockIsNeverSlowerThanRealTime(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		loop := runningLoop(t, ctx)
		ticks := 0
		ticker := asyncio.Go(ctx, func(ctx context.Context) error {
			for range 5 {
				if err := asyncio.Sleep(ctx, 10*time.Millisecond); err != nil {
					return err
				}
				ticks++
			}
			return nil
		})
		// The blocking call is outside work for 80ms of real time, while
		// the ticker sleeps: the clock must run meanwhile, not freeze (the
		// bound is loose: the loop's own run time is not counted, and this
		// machine may be loaded).
		_, err := asyncio.ToThread(ctx, func(context.Context) (struct{}, error) {
			time.Sleep(80 * time.Millisecond)
			return struct{}{}, nil
		})
		if err != nil {
			return err
		}
		if now := loop.Time(); now < 40*time.Millisecond {
			t.Errorf("after 80ms of outside work the clock reads %v: it froze", now)
		}
		if _, err = ticker.Await(ctx); err != nil {
			return err
		}
		if ticks != 5 {
			t.Errorf("%d ticks, want 5", ticks)
		}
		return nil
	})
}

func TestATaskLeftInRecvDoesNotHangRun(t *testing.T) {
	finishWithin(t, 10*time.Second, func() {
		asynciotest.Run(t, func(ctx context.Context) error {
			asyncio.Go(ctx, func(ctx context.Context) error {
				_, _, err := asyncio.Recv(ctx, make(chan int)) // nobody sends
				return err
			})
			return asyncio.Sleep(ctx, time.Millisecond)
		})
	})
}

func TestSleepForNoDeadlineWaitsUntilCancelled(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		loop := runningLoop(t, ctx)
		sleeper := asyncio.Go(ctx, func(ctx context.Context) error {
			return asyncio.Sleep(ctx, asyncio.NoDeadline)
		})
		if err := asyncio.Sleep(ctx, time.Second); err != nil {
			return err
		}
		sleeper.Cancel()
		if _, err := sleeper.Await(ctx); !errors.Is(err, asyncio.ErrCancelled) {
			t.Errorf("Sleep(NoDeadline) = %v, want cancelled", err)
		}
		if now := loop.Time(); now != time.Second {
			t.Errorf("clock at %v, want 1s: it must never jump towards NoDeadline", now)
		}
		// Later deadlines still mean what they say.
		err := asyncio.Timeout(ctx, time.Second, func(ctx context.Context) error {
			return asyncio.Sleep(ctx, time.Hour)
		})
		if !errors.Is(err, asyncio.ErrTimeout) || loop.Time() != 2*time.Second {
			t.Errorf("Timeout(1s, Sleep(1h)) = %v at %v, want ErrTimeout at 2s", err, loop.Time())
		}
		return nil
	})
}

func TestCallAtNoDeadlineNeverRuns(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		h, err := runningLoop(t, ctx).CallAt(asyncio.NoDeadline, func() { t.Error("ran") })
		if err != nil {
			return err
		}
		defer h.Cancel()
		if h.When() != asyncio.NoDeadline {
			t.Errorf("When = %v, want NoDeadline", h.When())
		}
		return asyncio.Sleep(ctx, time.Hour)
	})
}
