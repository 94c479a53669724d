package poll

import (
	"errors"
	"os"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// batchSize bounds the events one kernel poll collects. Events beyond it
// stay in the kernel's ready list for the next Wait, so it trades nothing
// but the number of polls under a flood.
const batchSize = 128

// epoll is the Linux backend: an inner epoll set that the loop goroutine
// polls with raw zero-timeout epoll_pwait calls, and that it sleeps on by
// parking in the runtime netpoller until the set itself becomes readable.
// The package documentation explains why.
type epoll struct {
	epfd int             // the inner set, non-blocking; owned by file
	file *os.File        // epfd as the runtime netpoller sees it; closing it closes epfd
	rc   syscall.RawConn // file's, for parking

	// wakePending is set by the first Wake of a burst, which then expires
	// file's read deadline; the loop clears it when it sees it.
	wakePending atomic.Bool

	// The rest is the loop goroutine's only.
	tokens      map[int]uint64     // registered fd -> token
	events      []unix.EpollEvent  // the batch: events[next:n] are still to dispatch
	next, n     int                // dispatch progress; an invalidated event has Events == 0
	closed      bool               // set by Close
	dispatching bool               // fn is running; guards against a nested Wait
	deadline    bool               // file's read deadline may be set (by a timed park or by Wake)
	parkErr     error              // collect's error from inside parkFn
	looked      bool               // parkFn ran during the current park
	parkFn      func(uintptr) bool // made once, so that parking allocates nothing
}

// expired is the read deadline Wake sets: any time in the past ends the
// park at once.
var expired = time.Unix(1, 0)

func (p *epoll) open() (err error) {
	p.epfd, err = unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return os.NewSyscallError("epoll_create1", err)
	}
	// The runtime only takes an fd into its netpoller when it is
	// non-blocking at os.NewFile time; a blocking one would be read with a
	// plain syscall and park the whole thread, the trap this design avoids.
	if err = unix.SetNonblock(p.epfd, true); err != nil {
		unix.Close(p.epfd)
		return os.NewSyscallError("fcntl", err)
	}
	p.file = os.NewFile(uintptr(p.epfd), "epoll")
	// os.NewFile falls back to blocking reads, silently, if the netpoller
	// refuses the fd; only a pollable file accepts a deadline.
	if err = p.file.SetReadDeadline(time.Time{}); err != nil {
		p.file.Close()
		return errors.New("poll: the runtime netpoller does not accept an epoll fd: " + err.Error())
	}
	if p.rc, err = p.file.SyscallConn(); err != nil {
		p.file.Close()
		return err
	}
	p.tokens = make(map[int]uint64)
	p.events = make([]unix.EpollEvent, batchSize)
	p.parkFn = func(uintptr) bool {
		// The first call, made before the runtime waits, is the one that
		// matters: RawConn.Read forgets any readiness the runtime saw
		// before it was called, so an edge that arrived since the last
		// look is only found by looking.
		p.looked = true
		p.parkErr = p.collect()
		return p.parkErr != nil || p.n > 0 || p.wakePending.Load()
	}
	return nil
}

// setToken stores t in the 64-bit data union of ev, which x/sys spells as
// the two 32-bit fields Fd and Pad on every architecture. Writing and
// reading through the same fields keeps the mapping byte-order neutral.
func setToken(ev *unix.EpollEvent, t uint64) {
	ev.Fd = int32(uint32(t))
	ev.Pad = int32(uint32(t >> 32))
}

func tokenOf(ev *unix.EpollEvent) uint64 {
	return uint64(uint32(ev.Fd)) | uint64(uint32(ev.Pad))<<32
}

// epollEvents maps kernel bits to Events, folding hangup and error into the
// directions they unblock (see the Events constants).
func epollEvents(e uint32) Events {
	var ev Events
	if e&(unix.EPOLLIN|unix.EPOLLRDHUP|unix.EPOLLHUP|unix.EPOLLERR) != 0 {
		ev |= Readable
	}
	if e&(unix.EPOLLOUT|unix.EPOLLHUP|unix.EPOLLERR) != 0 {
		ev |= Writable
	}
	if e&(unix.EPOLLRDHUP|unix.EPOLLHUP) != 0 {
		ev |= Hangup
	}
	if e&unix.EPOLLERR != 0 {
		ev |= Error
	}
	return ev
}

func (p *epoll) Register(fd int, token uint64) error {
	if p.closed {
		return ErrClosed
	}
	if err := checkRegister(fd); err != nil {
		return err
	}
	if _, ok := p.tokens[fd]; ok {
		return os.NewSyscallError("epoll_ctl", unix.EEXIST)
	}
	// Edge-triggered for both directions at once: one epoll_ctl for the
	// fd's lifetime, where level-triggered interest would need a MOD each
	// time a direction is wanted or satisfied.
	ev := unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLOUT | unix.EPOLLRDHUP | unix.EPOLLET}
	setToken(&ev, token)
	if err := unix.EpollCtl(p.epfd, unix.EPOLL_CTL_ADD, fd, &ev); err != nil {
		return os.NewSyscallError("epoll_ctl", err)
	}
	p.tokens[fd] = token
	return nil
}

func (p *epoll) Unregister(fd int) error {
	if p.closed {
		return ErrClosed
	}
	token, ok := p.tokens[fd]
	if !ok {
		return os.NewSyscallError("epoll_ctl", unix.ENOENT)
	}
	delete(p.tokens, fd)
	// The batch may hold events for fd that fn has not seen yet; after
	// Unregister the caller may close fd and reuse its token, so those
	// events must not reach fn. Only events[next:n] can be pending.
	for i := p.next; i < p.n; i++ {
		if tokenOf(&p.events[i]) == token {
			p.events[i].Events = 0
		}
	}
	if err := unix.EpollCtl(p.epfd, unix.EPOLL_CTL_DEL, fd, nil); err != nil {
		return os.NewSyscallError("epoll_ctl", err)
	}
	return nil
}

func (p *epoll) Wait(timeout time.Duration, fn func(uint64, Events)) (int, error) {
	if p.closed {
		return 0, ErrClosed
	}
	if p.dispatching {
		return 0, errNestedWait
	}
	// A panic in fn left part of a batch undelivered; with edge-triggered
	// registration those edges will not come again, so deliver them first.
	if p.next < p.n {
		return p.dispatch(fn), nil
	}
	// A Wait that may block goes straight to park, whose callback looks
	// before it sleeps: a separate look first would cost a system call
	// per sleep for nothing.
	var err error
	if timeout == 0 {
		err = p.collect()
	} else {
		err = p.park(timeout)
	}
	if err != nil {
		return 0, err
	}
	// Consume a pending Wake: this Wait is returning anyway. The Swap,
	// not a Store, makes the writes of every Wake coalesced into it
	// visible here. A Wake that lands after it expires the deadline again
	// and ends the next park early, harmlessly.
	if p.wakePending.Load() && p.wakePending.Swap(false) {
		p.deadline = true
	}
	return p.dispatch(fn), nil
}

// collect polls the inner set without blocking into events[:n].
//
// The poll is a raw system call: it cannot block, so the runtime need not
// be told (entersyscall/exitsyscall cost about as much as the poll).
func (p *epoll) collect() error {
	p.next, p.n = 0, 0
	for {
		r, _, errno := syscall.RawSyscall6(unix.SYS_EPOLL_PWAIT, uintptr(p.epfd),
			uintptr(unsafe.Pointer(&p.events[0])), uintptr(len(p.events)), 0, 0, 0)
		if errno == unix.EINTR {
			continue
		}
		if errno != 0 {
			return os.NewSyscallError("epoll_pwait", errno)
		}
		p.n = int(r)
		break
	}
	return nil
}

// park sleeps in the runtime netpoller until the inner set has events, Wake
// expires the read deadline, or timeout elapses.
func (p *epoll) park(timeout time.Duration) error {
	if timeout > 0 {
		p.file.SetReadDeadline(time.Now().Add(timeout))
		p.deadline = true
	} else if p.deadline {
		p.file.SetReadDeadline(time.Time{})
		p.deadline = false
	}
	p.parkErr, p.looked = nil, false
	err := p.rc.Read(p.parkFn)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		// A timeout or a Wake; either way the deadline is spent and the
		// next unlimited park must clear it.
		p.deadline = true
		// A deadline already past when RawConn.Read starts (a timeout
		// shorter than the call, or a Wake) fails it before the callback
		// runs. Every Wait looks at least once, or a loop whose timers
		// keep asking for tiny timeouts would never see its I/O.
		if !p.looked {
			return p.collect()
		}
		return nil
	}
	if err != nil {
		return err
	}
	return p.parkErr
}

// dispatch hands events[next:n] to fn. It advances next before each call
// so that a panic in fn leaves the rest for the next Wait.
func (p *epoll) dispatch(fn func(uint64, Events)) int {
	if p.next == p.n {
		p.next, p.n = 0, 0
		return 0
	}
	p.dispatching = true
	defer func() { p.dispatching = false }()
	count := 0
	for p.next < p.n {
		ev := &p.events[p.next]
		p.next++
		if ev.Events == 0 {
			continue
		}
		count++
		fn(tokenOf(ev), epollEvents(ev.Events))
	}
	p.next, p.n = 0, 0
	return count
}

func (p *epoll) Wake() {
	if p.wakePending.Swap(true) {
		return
	}
	// An expired deadline readies the parked loop goroutine from inside
	// the runtime: no system call, and the loop goes to the front of
	// this P's run queue, as a channel send would put it. The os.File
	// makes this safe against a concurrent Close (it then fails, and the
	// error means nothing to a Wake).
	//
	// The order matters: the flag is set before the deadline. A park that
	// reset the deadline and then found the flag clear is one whose
	// deadline this call expires afterwards.
	p.file.SetReadDeadline(expired)
}

func (p *epoll) Registered() int { return len(p.tokens) }

func (p *epoll) Close() error {
	if p.closed {
		return ErrClosed
	}
	p.closed = true
	p.tokens = nil
	p.next, p.n = 0, 0
	return p.file.Close()
}
