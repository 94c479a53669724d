package asyncio

// Coroutines meet Go channels here, awaited without blocking the loop. Each
// helper hands the blocking part to a goroutine of its own, which posts its
// outcome back through CallSoonThreadsafe; while it runs, the virtual clock
// does not jump but runs in real time (see EventLoop.idle), since the
// outcome may come before the next timer. (Blocking calls go to ToThread,
// which follows asyncio's rule instead: see tothread.go.)
//
// The rule the helpers share: what the goroutine did is never undone or
// dropped. A cancellation asks the goroutine to stop and waits for its
// answer. If it stopped in time, the helper returns the *CancelledError; if
// it had already received, sent or finished, the helper returns that outcome
// and the cancellation stays pending, delivered by the task's next await, as
// a cancel made while a task runs is. Waiting for the answer also means no
// goroutine outlives the await, even when the loop closes under it.

import (
	"context"
	"errors"
)

// extWait is what a task awaits while a goroutine works for it.
type extWait struct {
	fut    futureCore
	halt   func() // asks the goroutine to give up
	halted bool
	what   string // the helper, for dumps: "Recv", "Send", "ShutdownDefaultExecutor"
	fn     any    // a function to name in dumps, or nil
}

func (e *extWait) core() *futureCore { return &e.fut }

// cancel asks the goroutine to give up and reports false: the task then keeps
// waiting for the goroutine's answer, and its cancellation is delivered when
// that answer wakes it.
func (e *extWait) cancel(string) bool {
	e.stop()
	return false
}

func (e *extWait) stop() {
	if !e.halted {
		e.halted = true
		e.halt()
	}
}

// goAwait runs work on a new goroutine and suspends task t, the owner of
// ctx, until work returns; work must return promptly once halt is called. It
// returns work's result and, if the wait was interrupted meanwhile, the
// error that did it: t's cancellation, the loop closing, or the error of a
// ctx derived from t's that became done.
func goAwait[R any](ctx context.Context, t *taskCore, what string, fn any, halt func(), work func() R) (R, error) {
	l := t.fut.loop
	e := &extWait{fut: futureCore{loop: l}, halt: halt, what: what, fn: fn}
	done := make(chan R, 1)
	l.beginExternal()
	go func() {
		done <- work()
		// The count drops in the same callback that delivers the outcome, on
		// the loop's goroutine: the loop never sees the work finished without
		// its outcome queued, nor the outcome queued with the work counted.
		_, _ = l.CallSoonThreadsafe(func() {
			l.endExternal()
			if e.fut.state == statePending {
				e.fut.complete(stateFinished, nil)
			}
		})
	}()
	err := await(ctx, e)
	switch {
	case err != nil:
		e.stop() // if Close is unwinding the coroutine, nothing else will
	case e.halted && ctx != context.Context(t):
		err = ctx.Err() // a ctx derived from the task's is done
	}
	return <-done, err
}

// rearmCancel makes a cancellation that came too late to stop the goroutine
// pending again, for the task's next await to deliver.
func rearmCancel(t *taskCore, err error) {
	var ce *CancelledError
	if err == errLoopClosing || !errors.As(err, &ce) {
		return
	}
	t.mustCancel = true
	t.setMsg(ce.Message)
}

// Recv receives a value from the Go channel ch without blocking the loop,
// suspending the caller until a value arrives or ch is closed. ok is false
// when ch is closed and drained, as in v, ok := <-ch. When a value is ready,
// Recv takes it without yielding to the loop; otherwise a goroutine waits on
// ch, and the loop's virtual clock, if it has one, stops jumping until the
// goroutine is done. A nil ch blocks until the task is cancelled.
//
// # Cancellation
//
// Recv is cancel safe: it never drops a value it has taken from ch. If the
// task is cancelled while Recv waits, either no value was taken, and Recv
// returns the [*CancelledError], or one was taken as the cancellation arrived,
// and Recv returns it with a nil error; the cancellation is then delivered by
// the task's next await. The same holds if the loop closes while Recv waits,
// and if a ctx derived from the task's (context.WithCancel, WithTimeout...)
// is done, except that Recv returns that ctx's error.
//
// Recv returns [ErrNotInCoroutine] where ctx's coroutine is not the caller. No
// other errors are defined.
func Recv[T any](ctx context.Context, ch <-chan T) (v T, ok bool, err error) {
	t, err := runningTask(ctx)
	if err != nil {
		return v, false, err
	}
	select {
	case v, ok = <-ch:
		return v, ok, nil
	default:
	}
	type received struct {
		v       T
		ok, got bool
	}
	for {
		stop := make(chan struct{})
		r, err := goAwait(ctx, t, "Recv", nil, func() { close(stop) }, func() received {
			select {
			case v, ok := <-ch:
				return received{v, ok, true}
			case <-stop:
				return received{}
			}
		})
		if r.got {
			rearmCancel(t, err)
			return r.v, r.ok, nil
		}
		if err != nil {
			return v, false, err
		}
		// The cancellation that stopped the goroutine was withdrawn (see
		// Task.Uncancel) before the task resumed: wait again.
	}
}

// Send sends v on the Go channel ch without blocking the loop, suspending the
// caller until a receiver or buffer space takes it, and returns nil. When ch
// has room, Send sends without yielding to the loop; otherwise a goroutine
// waits to send, as for Recv. Sending on a closed channel panics, as a Go
// send does.
//
// # Cancellation
//
// Send is cancel safe: it returns nil exactly when v was sent. If the task is
// cancelled while Send waits, either v was not sent, and Send returns the
// [*CancelledError], or it was sent as the cancellation arrived, and Send
// returns nil; the cancellation is then delivered by the task's next await.
// The loop closing and a derived ctx are handled as for Recv.
//
// The misuse errors are those of Recv.
func Send[T any](ctx context.Context, ch chan<- T, v T) error {
	t, err := runningTask(ctx)
	if err != nil {
		return err
	}
	select {
	case ch <- v:
		return nil
	default:
	}
	type sent struct {
		ok       bool
		panicked any
	}
	for {
		stop := make(chan struct{})
		r, err := goAwait(ctx, t, "Send", nil, func() { close(stop) }, func() (r sent) {
			defer func() { r.panicked = recover() }()
			select {
			case ch <- v:
				r.ok = true
			case <-stop:
			}
			return r
		})
		if r.panicked != nil {
			panic(r.panicked) // the channel was closed while Send waited
		}
		if r.ok {
			rearmCancel(t, err)
			return nil
		}
		if err != nil {
			return err
		}
		// The cancellation was withdrawn before the task resumed: wait again.
	}
}
