package asyncio

import (
	"sync"
	"sync/atomic"

	"github.com/asyncio-go/asyncio/internal/goid"
)

// CallSoonThreadsafe schedules fn like CallSoon, from any goroutine, and wakes
// the loop if it is waiting, even for a far timer. Called on the loop's own
// goroutine it shares CallSoon's FIFO. It returns [ErrLoopClosed] on a closed
// loop. A panic in fn is recovered and reported to the exception handler.
// CallSoonThreadsafe panics if fn is nil.
func (l *EventLoop) CallSoonThreadsafe(fn func()) (*Handle, error) {
	if fn == nil {
		panic("asyncio: CallSoonThreadsafe: nil callback")
	}
	if l.closed.Load() {
		return nil, ErrLoopClosed
	}
	h := &Handle{fn: fn, loop: l}
	if d := l.driverG.Load(); d != 0 {
		if g := goid.Get(); g == d || g == l.currentG.Load() {
			l.ready.push(h, nil)
			return h, nil
		}
	}
	l.post(h, nil)
	return h, nil
}

// threadsafe runs fn now if the caller may touch the loop, and otherwise
// hands it to the loop through the inbox, to run in its next iteration. It
// is how the methods documented as safe from any goroutine (the Cancel
// methods, Stop, SetName...) stay safe while the loop runs elsewhere or is
// stopped between runs. It returns ErrLoopClosed, without running fn, when
// the loop is closed and the caller is not its owner.
func (l *EventLoop) threadsafe(fn func()) error {
	if l.onLoopGoroutine() {
		fn()
		return nil
	}
	_, err := l.CallSoonThreadsafe(fn)
	return err
}

// inbox holds work posted from other goroutines, or queued before the loop
// ran, until the loop's next iteration takes it in.
type inbox struct {
	mu    sync.Mutex  // guards items
	items []readyItem // in posting order
	spare []readyItem // the previous items, kept to avoid reallocating
	srcs  []uintptr   // with WithSeed: the goroutine that posted each item
	has   atomic.Bool // set with items non-empty, so the loop can skip mu
}

// post appends to the inbox and wakes the loop.
func (l *EventLoop) post(r runner, src *futureCore) {
	b := &l.inbox
	b.mu.Lock()
	b.items = append(b.items, readyItem{r, src})
	if l.hooks.rng != nil {
		b.srcs = append(b.srcs, goid.Get())
	}
	b.has.Store(true)
	b.mu.Unlock()
	l.poller().wake()
}

// drainInbox moves posted work to the ready queue. It takes the lock only
// when something was posted.
func (l *EventLoop) drainInbox() {
	b := &l.inbox
	if !b.has.Load() {
		return
	}
	b.mu.Lock()
	items := b.items
	b.items = b.spare[:0]
	srcs := b.srcs
	b.srcs = nil
	b.has.Store(false)
	b.mu.Unlock()
	if l.hooks.rng != nil {
		interleave(items, srcs, l.hooks.rng)
	}
	for i, it := range items {
		l.ready.push(it.r, it.src)
		items[i] = readyItem{}
	}
	b.spare = items
}

func (b *inbox) clear() {
	b.mu.Lock()
	b.items, b.spare, b.srcs = nil, nil, nil
	b.has.Store(false)
	b.mu.Unlock()
}
