package poll

import (
	"errors"
	"os"
	"sync"
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

	// wakefd is an eventfd registered in the inner set under ReservedToken.
	// Wake writes it; collect drains it. Wake may run on any goroutine
	// while Close runs, so the write and the close are ordered by mu.
	wakefd      int
	mu          sync.RWMutex // held shared by Wake's write, exclusively by Close
	closed      bool         // written under mu by Close; Wake reads it under mu
	wakePending atomic.Bool  // set by the first Wake of a burst; cleared by collect after draining wakefd

	// The rest is the loop goroutine's only.
	tokens      map[int]uint64     // registered fd -> token
	events      []unix.EpollEvent  // the batch: events[next:n] are still to dispatch
	next, n     int                // dispatch progress; an invalidated event has Events == 0
	woke        bool               // the last collect drained wakefd
	dispatching bool               // fn is running; guards against a nested Wait
	deadline    bool               // a read deadline is set on file
	parkErr     error              // collect's error from inside parkFn
	parkFn      func(uintptr) bool // made once, so that parking allocates nothing
	drain       uint64             // read buffer for wakefd
}

// wakeValue is what Wake adds to the eventfd counter; a package variable so
// that its address is stable and shared without allocation.
var wakeValue uint64 = 1

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
	p.wakefd, err = unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		unix.Close(p.epfd)
		return os.NewSyscallError("eventfd", err)
	}
	// Level-triggered on purpose: if a drain were ever missed the eventfd
	// would be reported again instead of leaving the loop asleep.
	ev := unix.EpollEvent{Events: unix.EPOLLIN}
	setToken(&ev, ReservedToken)
	if err = unix.EpollCtl(p.epfd, unix.EPOLL_CTL_ADD, p.wakefd, &ev); err != nil {
		unix.Close(p.wakefd)
		unix.Close(p.epfd)
		return os.NewSyscallError("epoll_ctl", err)
	}
	p.file = os.NewFile(uintptr(p.epfd), "epoll")
	// os.NewFile falls back to blocking reads, silently, if the netpoller
	// refuses the fd; only a pollable file accepts a deadline.
	if err = p.file.SetReadDeadline(time.Time{}); err != nil {
		unix.Close(p.wakefd)
		p.file.Close()
		return errors.New("poll: the runtime netpoller does not accept an epoll fd: " + err.Error())
	}
	if p.rc, err = p.file.SyscallConn(); err != nil {
		unix.Close(p.wakefd)
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
		p.parkErr = p.collect()
		return p.parkErr != nil || p.n > 0 || p.woke
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
	if err := checkRegister(fd, token); err != nil {
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
	return p.dispatch(fn), nil
}

// collect polls the inner set without blocking into events[:n] and drains
// wakefd if it fired, marking its event invalid so dispatch skips it.
//
// The poll is a raw system call: it cannot block, so the runtime need not
// be told (entersyscall/exitsyscall cost about as much as the poll).
func (p *epoll) collect() error {
	p.woke = false
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
	for i := 0; i < p.n; i++ {
		if tokenOf(&p.events[i]) == ReservedToken {
			p.events[i].Events = 0
			syscall.RawSyscall(unix.SYS_READ, uintptr(p.wakefd), uintptr(unsafe.Pointer(&p.drain)), 8)
			// Drain first, then clear: clearing first would let a Wake
			// in between skip its write (the flag still set) after which
			// the drain swallows the write of the Wake before it; the
			// flag would then stay set with no write to come, and every
			// later Wake would be coalesced into nothing. The Swap also
			// makes every coalesced Wake's writes visible here.
			p.wakePending.Swap(false)
			p.woke = true
		}
	}
	return nil
}

// park sleeps in the runtime netpoller until the inner set has events,
// wakefd fires or timeout elapses.
func (p *epoll) park(timeout time.Duration) error {
	if timeout > 0 {
		p.file.SetReadDeadline(time.Now().Add(timeout))
		p.deadline = true
	} else if p.deadline {
		p.file.SetReadDeadline(time.Time{})
		p.deadline = false
	}
	p.parkErr = nil
	err := p.rc.Read(p.parkFn)
	if errors.Is(err, os.ErrDeadlineExceeded) {
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
	p.mu.RLock()
	if !p.closed {
		// Non-blocking: an eventfd write only fails when the counter
		// would overflow, which one write per drain cannot reach.
		syscall.RawSyscall(unix.SYS_WRITE, uintptr(p.wakefd), uintptr(unsafe.Pointer(&wakeValue)), 8)
	}
	p.mu.RUnlock()
}

func (p *epoll) Registered() int { return len(p.tokens) }

func (p *epoll) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return ErrClosed
	}
	p.closed = true
	p.mu.Unlock()
	p.tokens = nil
	p.next, p.n = 0, 0
	err := unix.Close(p.wakefd)
	if err != nil {
		err = os.NewSyscallError("close", err)
	}
	return errors.Join(err, p.file.Close())
}
