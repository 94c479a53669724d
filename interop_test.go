package asyncio_test

// Recv, Send and AwaitBlocking: Go channels and blocking calls awaited from
// coroutines, their cancel safety, and the goroutines they must not leak
// (TestMain's goleak check covers every test here).

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

func TestRecvTakesAReadyValueWithoutYielding(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		ch := make(chan int, 1)
		//asynciovet:ignore the channel is buffered and has room: the send never waits
		ch <- 7
		ran := false
		asyncio.Go(ctx, func(context.Context) error { ran = true; return nil })
		v, ok, err := asyncio.Recv(ctx, ch)
		if v != 7 || !ok || err != nil || ran {
			t.Errorf("Recv = %d, %t, %v (other task ran %t); want 7, true, nil, false", v, ok, err, ran)
		}
		close(ch)
		if v, ok, err := asyncio.Recv(ctx, ch); v != 0 || ok || err != nil {
			t.Errorf("Recv on a closed channel = %d, %t, %v; want 0, false, nil", v, ok, err)
		}
		return nil
	})
}

func TestRecvWaitsWithoutBlockingTheLoop(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		ch := make(chan string)
		ticks := 0
		ticker := asyncio.Go(ctx, func(ctx context.Context) error {
			for {
				ticks++
				if err := asyncio.Sleep(ctx, 0); err != nil {
					return err
				}
			}
		})
		go func() {
			time.Sleep(10 * time.Millisecond)
			ch <- "hello"
		}()
		v, ok, err := asyncio.Recv(ctx, ch)
		if v != "hello" || !ok || err != nil {
			t.Errorf("Recv = %q, %t, %v; want hello", v, ok, err)
		}
		if ticks < 2 {
			t.Errorf("the loop ran %d other steps while Recv waited", ticks)
		}
		ticker.Cancel()
		return nil
	})
}

func TestRecvStopsTheVirtualClockJumping(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		ch := make(chan string)
		sleeper := asyncio.Go(ctx, func(ctx context.Context) error { return asyncio.Sleep(ctx, time.Hour) })
		go func() {
			time.Sleep(10 * time.Millisecond)
			ch <- "hello"
		}()
		if _, _, err := asyncio.Recv(ctx, ch); err != nil {
			return err
		}
		// With nothing ready, the loop would have jumped to the sleeper's
		// timer; it must wait for the value instead, which may come first.
		if now := runningLoop(t, ctx).Time(); now >= time.Hour || sleeper.Done() {
			t.Errorf("virtual time %v (sleeper done %t): the clock jumped while Recv waited", now, sleeper.Done())
		}
		sleeper.Cancel()
		return nil
	})
}

func TestRecvCancelledReturnsTheCancellation(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		ch := make(chan int)
		r := asyncio.CreateTask(ctx, func(ctx context.Context) (int, error) {
			v, _, err := asyncio.Recv(ctx, ch)
			return v, err
		})
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		r.CancelWithMessage("stop")
		_, err := r.Await(ctx)
		var ce *asyncio.CancelledError
		if !errors.As(err, &ce) || ce.Message != "stop" {
			t.Errorf("cancelled Recv = %v, want the cancellation with message stop", err)
		}
		// Nothing was taken: a later send still finds a receiver.
		go func() { ch <- 1 }()
		v, _, err := asyncio.Recv(ctx, ch)
		if v != 1 || err != nil {
			t.Errorf("later Recv = %d, %v; want 1", v, err)
		}
		return nil
	})
}

func TestRecvKeepsAValueTakenAsTheCancelArrives(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		ch := make(chan int) // unbuffered: a send returns once Recv's goroutine took the value
		var got int
		var recvErr error
		r := asyncio.Go(ctx, func(ctx context.Context) error {
			got, _, recvErr = asyncio.Recv(ctx, ch)
			return asyncio.Sleep(ctx, 0) // delivers the pending cancellation
		})
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		// Block the loop until the value is taken, then cancel before the
		// goroutine's answer can be handled.
		//asynciovet:ignore blocks the loop on purpose until the goroutine takes the value
		ch <- 42
		r.Cancel()
		_, err := r.Await(ctx)
		if got != 42 || recvErr != nil || !syCancelled(err) {
			t.Errorf("Recv = %d, %v; next await %v; want 42, nil, then the cancellation", got, recvErr, err)
		}
		return nil
	})
}

func TestRecvWaitsOnWhenTheCancelIsWithdrawn(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		ch := make(chan int)
		r := asyncio.CreateTask(ctx, func(ctx context.Context) (int, error) {
			v, ok, err := asyncio.Recv(ctx, ch)
			if !ok && err == nil {
				t.Error("Recv reported a closed channel")
			}
			return v, err
		})
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		r.Cancel()
		r.Uncancel() // withdrawn before the task could see it
		if err := yieldN(ctx, 2); err != nil {
			return err
		}
		if err := asyncio.Send(ctx, ch, 9); err != nil {
			return err
		}
		if v, err := r.Await(ctx); v != 9 || err != nil {
			t.Errorf("Recv = %d, %v; want 9, nil", v, err)
		}
		return nil
	})
}

func TestRecvWithDerivedContext(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		cctx, cancel := context.WithCancel(ctx)
		runningLoop(t, ctx).CallSoon(cancel)
		_, _, err := asyncio.Recv(cctx, make(chan int))
		if !errors.Is(err, context.Canceled) || syCancelled(asyncio.Sleep(ctx, 0)) {
			t.Errorf("Recv with a cancelled derived ctx = %v, want context.Canceled and the task untouched", err)
		}
		return nil
	})
}

func TestRecvUnwoundByClose(t *testing.T) {
	loop := asynciotest.NewLoop(t)
	got := make(chan error, 1)
	loop.Go(func(ctx context.Context) error {
		_, _, err := asyncio.Recv(ctx, make(chan int))
		//asynciovet:ignore the channel is buffered and has room: the send never waits
		got <- err
		return err
	})
	if err := loop.RunUntilComplete(loop.Go(func(ctx context.Context) error { return yieldN(ctx, 2) })); err != nil {
		t.Fatal(err)
	}
	loop.SetExceptionHandler(func(*asyncio.EventLoop, asyncio.ExceptionContext) {}) // "destroyed but pending" is expected
	if err := loop.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-got; !syCancelled(err) {
		t.Errorf("Recv unwound by Close = %v, want a cancellation", err)
	}
}

func TestRecvOutsideCoroutine(t *testing.T) {
	ch := make(chan int, 1)
	ch <- 1
	if _, _, err := asyncio.Recv(context.Background(), ch); !errors.Is(err, asyncio.ErrNotInCoroutine) || len(ch) != 1 {
		t.Errorf("Recv(Background) = %v, want ErrNotInCoroutine and the value left in ch", err)
	}
}

func TestSendWaitsForAReceiver(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		ch := make(chan int)
		got := make(chan int)
		go func() {
			time.Sleep(10 * time.Millisecond)
			got <- <-ch
		}()
		if err := asyncio.Send(ctx, ch, 5); err != nil {
			return err
		}
		if v, _, err := asyncio.Recv(ctx, got); v != 5 || err != nil {
			t.Errorf("receiver got %d, %v; want 5", v, err)
		}
		buffered := make(chan int, 1)
		//asynciovet:ignore the buffer holds the value Send just sent: the receive never waits
		if err := asyncio.Send(ctx, buffered, 6); err != nil || <-buffered != 6 {
			t.Errorf("Send to a buffered channel = %v", err)
		}
		return nil
	})
}

func TestSendCancelledDoesNotSend(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		ch := make(chan int)
		s := asyncio.Go(ctx, func(ctx context.Context) error { return asyncio.Send(ctx, ch, 1) })
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		s.Cancel()
		if _, err := s.Await(ctx); !syCancelled(err) {
			t.Errorf("cancelled Send = %v, want a cancellation", err)
		}
		select {
		case v := <-ch:
			t.Errorf("the cancelled Send sent %d", v)
		default:
		}
		return nil
	})
}

func TestSendThatBeatsTheCancelReturnsNil(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		ch := make(chan int)
		var sendErr error
		s := asyncio.Go(ctx, func(ctx context.Context) error {
			sendErr = asyncio.Send(ctx, ch, 3)
			return asyncio.Sleep(ctx, 0) // delivers the pending cancellation
		})
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		//asynciovet:ignore blocks the loop on purpose until Send's goroutine has sent
		v := <-ch // block the loop until Send's goroutine has sent
		s.Cancel()
		_, err := s.Await(ctx)
		if v != 3 || sendErr != nil || !syCancelled(err) {
			t.Errorf("received %d, Send = %v, next await %v; want 3, nil, then the cancellation", v, sendErr, err)
		}
		return nil
	})
}

func TestAwaitBlockingReturnsFnsResult(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var wg sync.WaitGroup
		done := 0
		for range 3 {
			wg.Go(func() { time.Sleep(5 * time.Millisecond) })
		}
		n, err := asyncio.AwaitBlocking(ctx, func(context.Context) (int, error) {
			wg.Wait()
			done = 3
			return done, nil
		})
		if n != 3 || err != nil {
			t.Errorf("AwaitBlocking = %d, %v; want 3", n, err)
		}
		boom := errors.New("boom")
		if _, err := asyncio.AwaitBlocking(ctx, func(context.Context) (int, error) { return 0, boom }); err != boom {
			t.Errorf("AwaitBlocking of a failing fn = %v, want boom", err)
		}
		_, err = asyncio.AwaitBlocking(ctx, func(context.Context) (int, error) { panic("bad") })
		var pe *asyncio.PanicError
		if !errors.As(err, &pe) || pe.Value != "bad" {
			t.Errorf("AwaitBlocking of a panicking fn = %v, want a *PanicError", err)
		}
		return nil
	})
}

func TestAwaitBlockingCancelCancelsFnsContext(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		started := make(chan struct{})
		task := asyncio.Go(ctx, func(ctx context.Context) error {
			_, err := asyncio.AwaitBlocking(ctx, func(ctx context.Context) (int, error) {
				close(started)
				<-ctx.Done()
				return 0, ctx.Err()
			})
			return err
		})
		if _, _, err := asyncio.Recv(ctx, started); err != nil {
			return err
		}
		task.CancelWithMessage("enough")
		_, err := task.Await(ctx)
		var ce *asyncio.CancelledError
		if !errors.As(err, &ce) || ce.Message != "enough" || !task.Cancelled() {
			t.Errorf("AwaitBlocking cancelled = %v, want the cancellation with message enough", err)
		}
		return nil
	})
}

func TestAwaitBlockingKeepsAResultThatBeatsTheCancel(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		release := make(chan struct{})
		var got int
		var blockErr error
		task := asyncio.Go(ctx, func(ctx context.Context) error {
			got, blockErr = asyncio.AwaitBlocking(ctx, func(context.Context) (int, error) {
				<-release // ignores its ctx
				return 9, nil
			})
			return asyncio.Sleep(ctx, 0) // delivers the pending cancellation
		})
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		task.Cancel()
		close(release)
		_, err := task.Await(ctx)
		if got != 9 || blockErr != nil || !syCancelled(err) || !task.Cancelled() {
			t.Errorf("AwaitBlocking = %d, %v; next await %v; want 9, nil, then the cancellation", got, blockErr, err)
		}
		return nil
	})
}
