package poll

import (
	"os"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// referenceWakers adds to BenchmarkWakeRoundTrip the design this package
// rejects, for comparison in the same run: a loop that sleeps in a
// blocking epoll_wait, an ordinary system call that keeps its P.
var referenceWakers = []struct {
	name string
	open func() (waker, error)
}{
	{"blocking-epoll_wait", openBlocking},
}

// one is what a Wake adds to the eventfd counter.
var one uint64 = 1

type blockingEpoll struct {
	epfd, wakefd int
	events       []unix.EpollEvent
	drain        uint64
}

func openBlocking() (waker, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, os.NewSyscallError("epoll_create1", err)
	}
	wakefd, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		unix.Close(epfd)
		return nil, os.NewSyscallError("eventfd", err)
	}
	ev := unix.EpollEvent{Events: unix.EPOLLIN}
	if err := unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, wakefd, &ev); err != nil {
		unix.Close(wakefd)
		unix.Close(epfd)
		return nil, os.NewSyscallError("epoll_ctl", err)
	}
	return &blockingEpoll{epfd: epfd, wakefd: wakefd, events: make([]unix.EpollEvent, batchSize)}, nil
}

func (p *blockingEpoll) Wait(timeout time.Duration, fn func(uint64, Events)) (int, error) {
	ms := -1
	if timeout >= 0 {
		ms = int(timeout / time.Millisecond)
	}
	n, err := unix.EpollWait(p.epfd, p.events, ms)
	if err != nil && err != unix.EINTR {
		return 0, err
	}
	if n > 0 {
		syscall.RawSyscall(unix.SYS_READ, uintptr(p.wakefd), uintptr(unsafe.Pointer(&p.drain)), 8)
	}
	return 0, nil
}

func (p *blockingEpoll) Wake() {
	syscall.RawSyscall(unix.SYS_WRITE, uintptr(p.wakefd), uintptr(unsafe.Pointer(&one)), 8)
}

func (p *blockingEpoll) Close() error {
	unix.Close(p.wakefd)
	return unix.Close(p.epfd)
}
