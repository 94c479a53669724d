package asyncio

// Results made on other goroutines come into a loop through one gate, the
// outsideGate: an executor job's outcome (ToThread, RunInExecutor), a
// ConcurrentFuture's (WrapFuture). Each is a delivery into a loop Future.
//
// The rules a delivery keeps:
//
//   - While it is pending it counts as outside work (beginExternal), so the
//     virtual clock follows real time instead of jumping past it, and the
//     count drops exactly once, on the loop's goroutine: in the callback
//     that delivers the outcome, or when the future is done first
//     (cancelled), whichever comes first. So an abandoned job no longer
//     holds the clock back, however long it runs on.
//   - A future done first (cancelled) drops the late outcome, and cancels
//     the producer's ctx with the cancellation as its cause.
//   - Nothing is posted into a closed loop: the producer posts under the
//     gate's lock, and Close shuts the gate under it first. A job that ends
//     after its loop closed attempts no callback into it.

import "sync"

// outsideGate is the loop's door for outcomes produced outside it. Its
// state is guarded by mu, which producers take on any goroutine.
type outsideGate struct {
	mu      sync.Mutex
	closed  bool                     // set once by Close
	waiters map[loopCloseWaiter]bool // goroutine-side futures that await the loop (RunCoroutineThreadsafe)
	posts   uint64                   // outcomes posted, for the tests that check none is posted after Close
}

// A loopCloseWaiter is settled when the loop closes under it.
type loopCloseWaiter interface{ loopClosed() }

// shut closes the gate, for Close, and settles the waiters: nobody will
// ever complete them now.
func (l *EventLoop) shutGate() {
	g := &l.gate
	g.mu.Lock()
	g.closed = true
	waiters := g.waiters
	g.waiters = nil
	g.mu.Unlock()
	for w := range waiters {
		w.loopClosed()
	}
}

// addWaiter registers w to be settled when l closes, and reports false, doing
// nothing, if l is closed already.
func (l *EventLoop) addWaiter(w loopCloseWaiter) bool {
	g := &l.gate
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return false
	}
	if g.waiters == nil {
		g.waiters = map[loopCloseWaiter]bool{}
	}
	g.waiters[w] = true
	return true
}

func (l *EventLoop) removeWaiter(w loopCloseWaiter) {
	g := &l.gate
	g.mu.Lock()
	delete(g.waiters, w)
	g.mu.Unlock()
}

type deliveryState uint8

const (
	deliveryPending   deliveryState = iota
	deliveryPosted                  // the outcome is on its way to the loop
	deliveryAbandoned               // the future was done first, or the loop closed
)

// A producer is what makes a delivery's outcome, asked to stop, with the
// cancellation as the cause, when the future is done first.
type producer interface{ stop(cause error) }

// delivery carries one outcome from another goroutine into fut. It is also
// the runner that completes fut on the loop (run with a nil src) and fut's
// done-callback (run with fut as src). fut is held by value: a delivery and
// its Future are one allocation.
type delivery[T any] struct {
	fut   Future[T]
	from  producer      // asked to stop when fut is done first, or nil
	state deliveryState // guarded by the loop's gate.mu
	v     T             // the outcome, written before the post
	err   error
	gone  bool // the outcome is a cancellation: the producer was cancelled
}

// init makes d's pending Future, of loop l, which the caller may touch, and
// counts d as outside work from now on.
func (d *delivery[T]) init(l *EventLoop, from producer) {
	d.fut.c.loop, d.from = l, from
	l.beginExternal()
}

// watchCancel makes cancelling fut, by anyone, abandon d, in the iteration
// after. A future only its creator awaits (ToThread's) is not watched: the
// creator abandons d itself, at once, with the error its await returned.
func (d *delivery[T]) watchCancel() { d.fut.c.addCallback(d) }

// deliver posts the outcome to the loop, from any goroutine, unless the
// future was done first or the loop closed; the outcome is then dropped.
// gone says the producer was cancelled: the future is then cancelled too.
func (d *delivery[T]) deliver(v T, err error, gone bool) {
	l := d.fut.c.loop
	g := &l.gate
	g.mu.Lock()
	defer g.mu.Unlock()
	if d.state != deliveryPending || g.closed {
		return
	}
	d.state = deliveryPosted
	d.v, d.err, d.gone = v, err, gone
	g.posts++
	l.post(d, nil)
}

func (d *delivery[T]) run(src *futureCore) {
	if src != nil { // fut is done
		if src.state == stateCancelled {
			d.abandon(src.err())
		}
		return
	}
	l := d.fut.c.loop
	l.endExternal()
	if d.fut.c.state != statePending {
		return // cancelled while the outcome was on its way: dropped
	}
	switch {
	case d.gone:
		d.fut.c.cancel(cancelMessage(d.err))
	case d.err != nil:
		_ = d.fut.SetException(d.err)
	default:
		_ = d.fut.SetResult(d.v)
	}
}

// abandon drops the outcome to come, on the loop's goroutine, and cancels
// the producer's ctx with cause. It does nothing once the outcome is posted.
func (d *delivery[T]) abandon(cause error) {
	l := d.fut.c.loop
	g := &l.gate
	g.mu.Lock()
	pending := d.state == deliveryPending
	if pending {
		d.state = deliveryAbandoned
	}
	g.mu.Unlock()
	if !pending {
		return
	}
	l.endExternal()
	if d.from != nil {
		d.from.stop(cause)
	}
}
