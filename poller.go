package asyncio

import "time"

// A poller is how a loop sleeps when it has nothing to run and how other
// goroutines wake it: CPython's selector, tokio's park/unpark driver. The
// loop owns one and is its only caller, except for wake.
//
// The first backend, chanPoller, has no file descriptors: it waits on a
// channel and a timer. An I/O backend registers fds and, from wait, queues
// the readiness callbacks of those that became ready.
type poller interface {
	// wait blocks for at most timeout (negative: no limit; zero: do not
	// block) until wake is called or, for an I/O backend, a registered fd
	// is ready, whose callbacks it queues before returning.
	wait(timeout time.Duration)
	// wake makes the current wait return, or the next one if none is in
	// progress. Any goroutine may call it; calls coalesce.
	wake()
	// interest reports whether fds are registered: then readiness may
	// arrive at any moment, so the loop polls even while work is ready, and
	// the virtual clock must not jump past it.
	interest() bool
	close() error
}

// pollerBox holds the loop's poller, so that other goroutines' wake calls
// read it atomically: the loop replaces its chanPoller with an I/O backend
// when it registers its first file descriptor.
type pollerBox struct{ poller }

func (l *EventLoop) poller() poller { return l.pbox.Load().poller }

// ioPollInterval is how many ready items may run between two polls for I/O
// while work is ready: tokio's event interval. Polling on every iteration
// would double the cost of a yield; polling only when idle would starve
// sockets behind a task that keeps yielding.
const ioPollInterval = 61

// chanPoller is the poller of a loop without I/O: one token in a channel wakes
// it, and a timer bounds the wait.
type chanPoller struct {
	wakeCh chan struct{}
	timer  *time.Timer // made on the first bounded wait, then reused
}

func newChanPoller() *chanPoller { return &chanPoller{wakeCh: make(chan struct{}, 1)} }

func (p *chanPoller) wait(timeout time.Duration) {
	switch {
	case timeout == 0:
		return // nothing to poll
	case timeout < 0:
		<-p.wakeCh
		return
	case p.timer == nil:
		p.timer = time.NewTimer(timeout)
	default:
		p.timer.Reset(timeout)
	}
	select {
	case <-p.wakeCh:
		p.timer.Stop()
	case <-p.timer.C:
	}
}

func (p *chanPoller) wake() {
	select {
	case p.wakeCh <- struct{}{}:
	default: // a wake-up is already pending
	}
}

func (p *chanPoller) interest() bool { return false }

func (p *chanPoller) close() error {
	if p.timer != nil {
		p.timer.Stop()
	}
	return nil
}
