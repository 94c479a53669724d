package poll

import (
	"errors"
	"time"
)

// Events is a set of readiness conditions reported for one fd.
type Events uint32

const (
	// Readable: a read will not return EAGAIN; it returns data, EOF or an
	// error. Hangup and Error come with Readable, so that a caller waiting
	// to read always wakes up for them.
	Readable Events = 1 << iota
	// Writable: a write will not return EAGAIN; it may still fail. Error
	// and a full hangup (EPOLLHUP) come with Writable.
	Writable
	// Hangup: the peer has closed its side (EPOLLRDHUP or EPOLLHUP). It is
	// advisory: a read returning 0 is what establishes EOF, and some
	// systems report a half-close only as Readable.
	Hangup
	// Error: an error is pending on the fd (EPOLLERR); the next read or
	// write returns it, or the socket's SO_ERROR option holds it.
	Error
)

// String returns the set's names joined by "|", such as "Readable|Hangup",
// or "0" for the empty set.
func (e Events) String() string {
	if e == 0 {
		return "0"
	}
	var b []byte
	for i, name := range [...]string{"Readable", "Writable", "Hangup", "Error"} {
		if e&(1<<i) != 0 {
			if len(b) > 0 {
				b = append(b, '|')
			}
			b = append(b, name...)
		}
	}
	return string(b)
}

// ErrClosed is returned by every method of a closed Poller except Wake,
// which does nothing once the Poller is closed.
var ErrClosed = errors.New("poll: poller is closed")

// errNestedWait reports a Wait called from its own fn.
var errNestedWait = errors.New("poll: Wait called from Wait's callback")

// Poller reports readiness of registered file descriptors to one goroutine,
// the event loop, and lets any goroutine wake that loop up.
//
// Register, Unregister, Wait, Registered and Close must be called from one
// goroutine at a time (the loop's); only Wake is safe from any goroutine.
// Registration is edge-triggered: an fd is reported when something changes
// in a direction (data arrives, send-buffer space frees up, the peer
// closes), not for readiness that merely persists. A caller therefore keeps
// a readiness flag per direction, sets it from the events, and clears it
// only when a read or write returns EAGAIN or comes back short (a short
// read or write shows the buffer drained or filled).
//
// A Poller must not be copied. The zero Poller is not usable; call [New].
type Poller struct {
	b backend
}

// New returns a Poller with nothing registered. Where no backend exists
// (windows and other systems that are not unix) it returns an error
// matching errors.ErrUnsupported.
func New() (*Poller, error) {
	p := new(Poller)
	if err := p.b.open(); err != nil {
		return nil, err
	}
	return p, nil
}

// Register adds fd to p, reporting both directions, with token as the value
// Wait passes back for it; any value will do. The fd must be in
// non-blocking mode.
//
// If fd is already ready when it is registered, the first Wait reports it:
// nothing is lost between creating a socket and registering it.
//
// Register returns an error matching unix.EEXIST if fd is registered, one
// matching unix.EINVAL if fd is in blocking mode, the system's error for an fd that cannot be polled
// (unix.EPERM for a regular file on Linux), or [ErrClosed].
//
// The Poller does not own fd: the caller must Unregister it before closing
// it. Closing first leaves a registration that epoll keeps for as long as
// any duplicate of the fd is open, and a later fd with the same number
// cannot be registered.
func (p *Poller) Register(fd int, token uint64) error { return p.b.Register(fd, token) }

// Unregister removes fd from p. Once it returns, Wait calls fn for fd's
// token no more, not even for events already collected by a Wait whose fn
// is running (Unregister called from fn). It returns an error matching
// unix.ENOENT if fd is not registered, or [ErrClosed].
func (p *Poller) Unregister(fd int) error { return p.b.Unregister(fd) }

// Wait waits until a registered fd is ready, [Poller.Wake] is called or
// timeout elapses, then calls fn once for each ready fd with its token and
// events, and returns the number of calls made. A negative timeout waits
// without limit; zero only looks, without blocking.
//
// Wait returns 0 and no error on timeout or on a wake-up without events; a
// wake-up that happened while no Wait was running makes the next Wait
// return at once. A Wake that races with the end of one Wait can also end
// the next one early, with 0 events: the caller looks at its own state and
// waits again.
//
// While Wait blocks, the goroutine is parked in the Go runtime and its
// thread is free for other goroutines, so a goroutine that the caller is
// waiting for runs at once even with GOMAXPROCS=1.
//
// fn runs on the calling goroutine, after Wait has finished collecting
// events; it may call Register, Unregister and Wake, but not Wait or Close
// (a nested Wait returns an error). The errors are [ErrClosed] and, rarely,
// a system error from the kernel wait.
func (p *Poller) Wait(timeout time.Duration, fn func(token uint64, ev Events)) (int, error) {
	return p.b.Wait(timeout, fn)
}

// Wake makes the Wait in progress return, or the next Wait if none is in
// progress. It may be called from any goroutine; called from fn, it makes
// the next Wait return at once. Wakes are coalesced: a burst of calls before the Wait that consumes
// them costs one atomic swap each and one runtime call in all, and no
// system call. Wake does nothing once p is closed.
//
// Wake synchronizes before the return of the Wait it ends: state written
// before Wake is visible to the waiting goroutine after Wait returns.
func (p *Poller) Wake() { p.b.Wake() }

// Registered reports how many fds are registered.
func (p *Poller) Registered() int { return p.b.Registered() }

// Close releases p's own file descriptors and forgets every registration;
// the registered fds themselves stay open and belong to the caller. Close
// must not run concurrently with Wait. Calls after the first return
// [ErrClosed].
func (p *Poller) Close() error { return p.b.Close() }
