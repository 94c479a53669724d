package asyncio_test

// A task's ctx keeps context.Context's contract: once done, done for good.
// Scopes (Timeout, TaskGroup) cancel their own ctx, not the task's.

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

func TestAHandledTimeoutLeavesContextsDerivedEarlierAlive(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		reqCtx, cancel := context.WithCancel(ctx)
		defer cancel()
		err := asyncio.Timeout(ctx, time.Second, func(ctx context.Context) error {
			return asyncio.Sleep(ctx, time.Hour)
		})
		if !errors.Is(err, asyncio.ErrTimeout) {
			t.Errorf("Timeout = %v, want ErrTimeout", err)
		}
		if ctx.Err() != nil || reqCtx.Err() != nil {
			t.Errorf("after a handled timeout: ctx.Err() = %v, derived Err() = %v; want both nil", ctx.Err(), reqCtx.Err())
		}
		return asyncio.Sleep(reqCtx, time.Millisecond) // the derived ctx still works
	})
}

func TestTheBodyCtxIsDoneWhileItsTimeoutCancelsIt(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var body context.Context
		err := asyncio.Timeout(ctx, time.Second, func(ctx context.Context) error {
			body = ctx
			done := ctx.Done()
			err := asyncio.Sleep(ctx, time.Hour)
			select {
			case <-done:
			default:
				t.Error("the body's Done is open after its timeout expired")
			}
			if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
				t.Errorf("body ctx.Err() = %v, want DeadlineExceeded", ctx.Err())
			}
			return err
		})
		if !errors.Is(err, asyncio.ErrTimeout) {
			t.Errorf("Timeout = %v, want ErrTimeout", err)
		}
		if !errors.Is(body.Err(), asyncio.ErrTimeout) {
			t.Errorf("after the block: body ctx.Err() = %v, want it to stay ErrTimeout", body.Err())
		}
		return nil
	})
}

func TestABodyCtxIsDoneWhenItsTaskIsCancelled(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		task := asyncio.Go(ctx, func(ctx context.Context) error {
			return asyncio.Timeout(ctx, time.Hour, func(ctx context.Context) error {
				derived, cancel := context.WithCancel(ctx)
				defer cancel()
				err := asyncio.Sleep(ctx, time.Hour)
				if derived.Err() == nil {
					t.Error("a ctx derived from the body is not done after its task was cancelled")
				}
				return err
			})
		})
		if err := asyncio.Sleep(ctx, time.Second); err != nil {
			return err
		}
		task.Cancel()
		_, err := task.Await(ctx)
		if !errors.Is(err, asyncio.ErrCancelled) {
			t.Errorf("task = %v, want cancelled", err)
		}
		return nil
	})
}

func TestATaskGroupsBodyCtxIsDoneWhenAChildFails(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		outer, cancel := context.WithCancel(ctx)
		defer cancel()
		boom := errors.New("boom")
		err := asyncio.WithTaskGroup(ctx, func(ctx context.Context, tg *asyncio.TaskGroup) error {
			tg.Go(func(context.Context) error { return boom })
			err := asyncio.Sleep(ctx, time.Hour)
			if ctx.Err() == nil {
				t.Error("the body's ctx is not done after the group cancelled the body")
			}
			return err
		})
		if !errors.Is(err, boom) {
			t.Errorf("WithTaskGroup = %v, want boom", err)
		}
		if outer.Err() != nil {
			t.Errorf("a ctx derived before the group: Err() = %v, want nil", outer.Err())
		}
		return nil
	})
}

func TestATaskCtxStaysDoneAfterUncancel(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		task := asyncio.Go(ctx, func(ctx context.Context) error {
			done := ctx.Done()
			if err := asyncio.Sleep(ctx, time.Hour); !errors.Is(err, asyncio.ErrCancelled) {
				t.Errorf("Sleep = %v, want cancelled", err)
			}
			asyncio.CurrentTask(ctx).Uncancel()
			if ctx.Done() != done || ctx.Err() == nil {
				t.Error("Uncancel reopened the task's ctx")
			}
			select {
			case <-done:
			default:
				t.Error("Done is open again after Uncancel")
			}
			// The task goes on: its own awaits still work.
			return asyncio.Sleep(ctx, time.Second)
		})
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		task.Cancel()
		_, err := task.Await(ctx)
		return err
	})
}
