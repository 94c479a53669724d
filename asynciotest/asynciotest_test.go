package asynciotest_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestRunSleepsAnHourOnTheVirtualClock(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		loop, _ := asyncio.GetRunningLoop(ctx)
		if err := asyncio.Sleep(ctx, time.Hour); err != nil {
			return err
		}
		if got := loop.Time(); got != time.Hour {
			t.Errorf("loop time after an hour's sleep = %v", got)
		}
		return nil
	})
}

func TestNewLoopIsVirtualAndClosedAtCleanup(t *testing.T) {
	var loop *asyncio.EventLoop
	t.Run("use", func(t *testing.T) {
		loop = asynciotest.NewLoop(t)
		task := loop.Go(func(ctx context.Context) error { return asyncio.Sleep(ctx, time.Minute) })
		if err := loop.RunUntilComplete(task); err != nil {
			t.Fatal(err)
		}
		if loop.Time() != time.Minute {
			t.Errorf("loop time = %v, want 1m", loop.Time())
		}
	})
	if !loop.IsClosed() {
		t.Error("the loop is still open after its test ended")
	}
}

func TestExceptionsRecordsUnretrievedErrors(t *testing.T) {
	loop := asynciotest.NewLoop(t)
	got := asynciotest.Exceptions(loop)
	boom := errors.New("boom")
	task := loop.Go(func(ctx context.Context) error { return boom })
	if err := loop.RunUntilComplete(loop.Go(func(ctx context.Context) error { return asyncio.Sleep(ctx, 0) })); err != nil {
		t.Fatal(err)
	}
	if err := loop.Close(); err != nil {
		t.Fatal(err)
	}
	if len(got()) != 1 || !errors.Is(got()[0].Err, boom) || got()[0].Task != task {
		t.Fatalf("recorded %+v, want the task's unretrieved error", got())
	}
}
