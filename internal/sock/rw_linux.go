package sock

import (
	"os"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// zero is a valid address for empty buffers: the kernel wants a pointer
// even for a zero-length read or write.
var zero byte

func base(b []byte) uintptr {
	if len(b) == 0 {
		return uintptr(unsafe.Pointer(&zero))
	}
	return uintptr(unsafe.Pointer(&b[0]))
}

// Read reads from the non-blocking fd into b. It returns 0, nil at EOF (for
// a non-empty b), and unix.EAGAIN itself when nothing is waiting.
//
// On Linux it is a raw system call: a read of a non-blocking fd cannot
// block, so the scheduler need not be told (see the package poll
// documentation); under the race detector it goes through syscall.Read,
// whose annotations the detector needs.
func Read(fd int, b []byte) (int, error) { return rw(unix.SYS_READ, syscall.Read, "read", fd, b) }

// Write writes b to the non-blocking fd and returns how much the kernel
// took: a count short of len(b) means the send buffer is full. It returns
// unix.EAGAIN itself when nothing could be written.
func Write(fd int, b []byte) (int, error) { return rw(unix.SYS_WRITE, syscall.Write, "write", fd, b) }

// rw is Read and Write: the raw system call trap, or, under the race
// detector, the syscall package's annotated call, retried on EINTR.
func rw(trap uintptr, annotated func(int, []byte) (int, error), op string, fd int, b []byte) (int, error) {
	for {
		var n int
		var errno syscall.Errno
		if raceEnabled {
			var err error
			n, err = annotated(fd, b)
			errno, _ = err.(syscall.Errno)
		} else {
			r, _, e := syscall.RawSyscall(trap, uintptr(fd), base(b), uintptr(len(b)))
			n, errno = int(r), e
		}
		switch errno {
		case 0:
			return n, nil
		case unix.EINTR:
			continue
		case unix.EAGAIN:
			return 0, errAgain
		}
		return 0, os.NewSyscallError(op, errno)
	}
}

// stackIovecs is how many buffers Writev describes without allocating.
const stackIovecs = 64

// Writev writes the buffers in order with one system call and returns how
// much the kernel took. It passes at most MaxIovecs buffers; a count short
// of their total means the send buffer is full. It returns unix.EAGAIN
// itself when nothing could be written. Up to 64 buffers cost no
// allocation.
func Writev(fd int, bufs [][]byte) (int, error) {
	if len(bufs) > MaxIovecs {
		bufs = bufs[:MaxIovecs]
	}
	if raceEnabled {
		return writeEach(fd, bufs)
	}
	var stack [stackIovecs]unix.Iovec
	iov := stack[:0]
	if len(bufs) > stackIovecs {
		iov = make([]unix.Iovec, 0, len(bufs))
	}
	for _, b := range bufs {
		if len(b) == 0 {
			continue
		}
		v := unix.Iovec{Base: &b[0]}
		v.SetLen(len(b))
		iov = append(iov, v)
	}
	if len(iov) == 0 {
		return 0, nil
	}
	for {
		r, _, errno := syscall.RawSyscall(unix.SYS_WRITEV, uintptr(fd), uintptr(unsafe.Pointer(&iov[0])), uintptr(len(iov)))
		switch errno {
		case 0:
			return int(r), nil
		case unix.EINTR:
			continue
		case unix.EAGAIN:
			return 0, errAgain
		}
		return 0, os.NewSyscallError("writev", errno)
	}
}
