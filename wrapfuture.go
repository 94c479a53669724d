package asyncio

// WrapFuture returns a [Future] of loop l that cf's outcome completes, for
// coroutines of l to await: asyncio.wrap_future. cf may come from
// [RunCoroutineThreadsafe] on another loop, or from [NewConcurrentFuture]
// for a result your goroutines produce. The outcome reaches l in a later
// iteration, even when cf is done already; until then the loop's virtual
// clock follows real time (see [WithVirtualClock]).
//
// # Cancellation
//
// Cancelling the Future (or a coroutine awaiting it) cancels cf, which asks
// its producer to stop: [NewConcurrentFuture]'s ctx is cancelled, with the
// cancellation as its cause, and [RunCoroutineThreadsafe]'s task is cancelled
// on its loop. A cf that is done already keeps its result; the Future is
// cancelled all the same. If l closes first, cf's outcome is dropped
// without any callback into the closed loop.
//
// WrapFuture returns [ErrLoopClosed] on a closed loop and
// [ErrWrongGoroutine] off l's goroutine. It panics if cf is nil.
func WrapFuture[T any](l *EventLoop, cf *ConcurrentFuture[T]) (*Future[T], error) {
	if cf == nil {
		panic("asyncio: WrapFuture: nil ConcurrentFuture")
	}
	if err := l.check(); err != nil {
		return nil, err
	}
	d := new(delivery[T])
	d.init(l, cf)
	d.watchCancel()
	cf.onDone(func() { d.deliver(cf.v, cf.err, cf.state == stateCancelled) })
	return &d.fut, nil
}
