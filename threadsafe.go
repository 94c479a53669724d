package asyncio

import "github.com/asyncio-go/asyncio/internal/goid"

// CallSoonThreadsafe schedules fn like CallSoon, from any goroutine, and wakes
// the loop if it is waiting, even for a far timer. Called on the loop's own
// goroutine it shares CallSoon's FIFO. It returns ErrLoopClosed on a closed
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

// beginExternal records that work running on another goroutine will post its
// result to the loop; endExternal, called after that post, records its end.
// While any is under way the virtual clock does not jump: the result may come
// before the next timer.
func (l *EventLoop) beginExternal() { l.external.Add(1) }
func (l *EventLoop) endExternal()   { l.external.Add(-1) }

// schedule queues r for a later iteration. Until the loop runs, work goes
// through the inbox, so that setup calls made before RunForever and
// CallSoonThreadsafe calls from other goroutines keep one FIFO order.
func (l *EventLoop) schedule(r runner, src *futureCore) {
	if l.driverG.Load() != 0 {
		l.ready.push(r, src)
		return
	}
	l.post(r, src)
}

// post appends to the inbox and wakes the loop.
func (l *EventLoop) post(r runner, src *futureCore) {
	l.mu.Lock()
	l.inbox = append(l.inbox, readyItem{r, src})
	l.hasInbox.Store(true)
	l.mu.Unlock()
	select {
	case l.wake <- struct{}{}:
	default: // a wake-up is already pending
	}
}

// drainInbox moves posted work to the ready queue and reports whether there
// was any. It takes the lock only when something was posted.
func (l *EventLoop) drainInbox() bool {
	if !l.hasInbox.Load() {
		return false
	}
	l.mu.Lock()
	items := l.inbox
	l.inbox = l.spare[:0]
	l.hasInbox.Store(false)
	l.mu.Unlock()
	for i, it := range items {
		l.ready.push(it.r, it.src)
		items[i] = readyItem{}
	}
	l.spare = items
	return len(items) > 0
}
