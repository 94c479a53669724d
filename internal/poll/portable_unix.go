//go:build unix

package poll

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// portable is the backend for unix systems without epoll: the Go runtime's
// own netpoller (kqueue, event ports, ...) does the waiting. Each registered
// fd gets two watcher goroutines, one per direction, parked in the runtime
// on a duplicate of the fd; each posts readiness to a queue that Wait
// drains, and signals a channel that Wait sleeps on.
//
// It costs two goroutines per fd and one runtime wake-up per event (the
// runtime hands the thread to the loop after a single watcher posts, so
// nothing batches), which is why Linux uses epoll. It is built on every
// unix system so that the tests exercise it on Linux too.
type portable struct {
	mu    sync.Mutex
	ready []*watcher // guarded by mu: watchers with pending events, in posting order

	// signal says "something was posted or Wake was called". Capacity one
	// makes senders never block and coalesces bursts. It is never closed,
	// so a watcher or Wake may send at any time, even after Close.
	signal      chan struct{}
	wakePending atomic.Bool // set by the first Wake of a burst; cleared by Wait

	// The rest is the loop goroutine's only.
	regs        map[int]*watcher
	spare       []*watcher // the previous ready slice, reused
	batch       []posted   // collected events; batch[next:] still to dispatch
	next        int
	timer       *time.Timer // for Wait's timeout; stopped between Waits
	closed      bool
	dispatching bool
}

// watcher is one registration.
type watcher struct {
	token uint64
	file  *os.File // a duplicate of the caller's fd, owned; closing it ends the goroutines

	pending Events // guarded by portable.mu: posted, not collected; nonzero iff in ready
	// dead is set under portable.mu by Unregister and Close, on the loop
	// goroutine; watchers read it under the lock, dispatch without it.
	dead bool

	goroutines sync.WaitGroup // the two watcher goroutines
}

// posted is one collected event.
type posted struct {
	w  *watcher
	ev Events
}

func (p *portable) open() error {
	p.signal = make(chan struct{}, 1)
	p.regs = make(map[int]*watcher)
	p.timer = time.NewTimer(time.Hour)
	p.timer.Stop()
	return nil
}

func (p *portable) Register(fd int, token uint64) error {
	if p.closed {
		return ErrClosed
	}
	if err := checkRegister(fd); err != nil {
		return err
	}
	if _, ok := p.regs[fd]; ok {
		return os.NewSyscallError("register", unix.EEXIST)
	}
	// The watchers need an *os.File, which owns and eventually closes its
	// fd; a duplicate leaves the caller's fd the caller's. The duplicate
	// shares the open file description, so the same readiness and the
	// same non-blocking flag.
	dup, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return os.NewSyscallError("fcntl", err)
	}
	f := os.NewFile(uintptr(dup), "poll")
	// Only a file the runtime netpoller accepted takes a deadline; any
	// other would make the watchers block their threads.
	if f.SetReadDeadline(time.Time{}) != nil {
		f.Close()
		return fmt.Errorf("poll: Register: fd %d cannot be polled: %w", fd, unix.EPERM)
	}
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return err
	}
	w := &watcher{token: token, file: f}
	p.regs[fd] = w
	w.goroutines.Go(func() { p.watch(w, rc, false) })
	w.goroutines.Go(func() { p.watch(w, rc, true) })
	return nil
}

// watch parks in the runtime netpoller for one direction of w's fd and
// posts each readiness it sees, until w's file is closed.
//
// It makes one long RawConn call whose callback never reports done: each
// RawConn call discards the readiness the runtime saw before it started,
// so a watcher that returned and called again would lose edges between
// calls. For the same reason the callback's first run, before any wait,
// looks at the fd's state; later runs follow a runtime wake-up.
func (p *portable) watch(w *watcher, rc syscall.RawConn, write bool) {
	look := func(fd uintptr) bool {
		if ev := probe(int(fd), write); ev != 0 {
			p.post(w, ev)
		}
		return false
	}
	// The error is the closed file that ends the watch; there is nobody
	// to tell.
	if write {
		rc.Write(look)
	} else {
		rc.Read(look)
	}
}

// probe reports the current readiness of fd in one direction, with poll(2)
// and a zero timeout: the runtime says that something happened, not what.
func probe(fd int, write bool) Events {
	want := int16(unix.POLLIN | pollRDHUP)
	if write {
		want = unix.POLLOUT
	}
	fds := []unix.PollFd{{Fd: int32(fd), Events: want}}
	for {
		n, err := unix.Poll(fds, 0)
		if err == unix.EINTR {
			continue
		}
		if err != nil || n == 0 {
			return 0
		}
		break
	}
	r := fds[0].Revents
	var ev Events
	if !write && r&(unix.POLLIN|pollRDHUP|unix.POLLHUP|unix.POLLERR) != 0 {
		ev |= Readable
	}
	if write && r&(unix.POLLOUT|unix.POLLHUP|unix.POLLERR) != 0 {
		ev |= Writable
	}
	if r&(pollRDHUP|unix.POLLHUP) != 0 {
		ev |= Hangup
	}
	if r&unix.POLLERR != 0 {
		ev |= Error
	}
	return ev
}

// post queues ev for w, merged with what w already has queued, and signals
// the loop.
func (p *portable) post(w *watcher, ev Events) {
	p.mu.Lock()
	if w.dead {
		p.mu.Unlock()
		return
	}
	if w.pending == 0 {
		p.ready = append(p.ready, w)
	}
	w.pending |= ev
	p.mu.Unlock()
	select {
	case p.signal <- struct{}{}:
	default:
	}
}

func (p *portable) Unregister(fd int) error {
	if p.closed {
		return ErrClosed
	}
	w, ok := p.regs[fd]
	if !ok {
		return os.NewSyscallError("unregister", unix.ENOENT)
	}
	delete(p.regs, fd)
	return p.stop(w)
}

// stop ends w's watchers and waits for them. It must not hold mu: closing
// the file waits for the watchers to leave their callbacks, which may be
// waiting for mu in post.
func (p *portable) stop(w *watcher) error {
	p.mu.Lock()
	w.dead = true
	p.mu.Unlock()
	err := w.file.Close()
	w.goroutines.Wait()
	return err
}

func (p *portable) Wait(timeout time.Duration, fn func(uint64, Events)) (int, error) {
	if p.closed {
		return 0, ErrClosed
	}
	if p.dispatching {
		return 0, errNestedWait
	}
	if p.next < len(p.batch) {
		return p.dispatch(fn), nil
	}
	timing := false
	for {
		p.collect()
		// The Swap, not a Load then a Store, so that a Wake racing with
		// it is either consumed here (its writes visible) or signals.
		woke := p.wakePending.Load() && p.wakePending.Swap(false)
		if len(p.batch) > 0 || woke || timeout == 0 {
			break
		}
		var expired <-chan time.Time
		if timeout > 0 {
			if !timing {
				p.timer.Reset(timeout)
				timing = true
			}
			expired = p.timer.C
		}
		select {
		case <-p.signal:
			continue
		case <-expired:
			timing = false
		}
		break
	}
	if timing {
		p.timer.Stop()
	}
	return p.dispatch(fn), nil
}

// collect moves the posted events into batch.
func (p *portable) collect() {
	p.batch = p.batch[:0]
	p.next = 0
	p.mu.Lock()
	ready := p.ready
	p.ready = p.spare
	for _, w := range ready {
		p.batch = append(p.batch, posted{w, w.pending})
		w.pending = 0
	}
	p.mu.Unlock()
	clear(ready)
	p.spare = ready[:0]
}

func (p *portable) dispatch(fn func(uint64, Events)) int {
	p.dispatching = true
	defer func() { p.dispatching = false }()
	count := 0
	for p.next < len(p.batch) {
		e := p.batch[p.next]
		p.next++
		if e.w.dead {
			continue
		}
		count++
		fn(e.w.token, e.ev)
	}
	clear(p.batch)
	p.batch = p.batch[:0]
	p.next = 0
	return count
}

func (p *portable) Wake() {
	if p.wakePending.Swap(true) {
		return
	}
	select {
	case p.signal <- struct{}{}:
	default:
	}
}

func (p *portable) Registered() int { return len(p.regs) }

func (p *portable) Close() error {
	if p.closed {
		return ErrClosed
	}
	p.closed = true
	var errs []error
	for fd, w := range p.regs {
		delete(p.regs, fd)
		errs = append(errs, p.stop(w))
	}
	p.timer.Stop()
	clear(p.batch)
	p.batch, p.next = p.batch[:0], 0
	return errors.Join(errs...)
}
