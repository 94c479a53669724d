//go:build unix && !linux

package sock

import (
	"os"

	"golang.org/x/sys/unix"
)

// Read reads from the non-blocking fd into b. It returns 0, nil at EOF (for
// a non-empty b), and unix.EAGAIN itself when nothing is waiting.
func Read(fd int, b []byte) (int, error) {
	for {
		n, err := unix.Read(fd, b)
		switch err {
		case nil:
			return n, nil
		case unix.EINTR:
			continue
		case unix.EAGAIN:
			return 0, errAgain
		}
		return 0, os.NewSyscallError("read", err)
	}
}

// Write writes b to the non-blocking fd and returns how much the kernel
// took: a count short of len(b) means the send buffer is full. It returns
// unix.EAGAIN itself when nothing could be written.
func Write(fd int, b []byte) (int, error) {
	for {
		n, err := unix.Write(fd, b)
		switch err {
		case nil:
			return n, nil
		case unix.EINTR:
			continue
		case unix.EAGAIN:
			return 0, errAgain
		}
		return 0, os.NewSyscallError("write", err)
	}
}

// Writev writes the buffers in order and returns how much was taken. It
// passes at most MaxIovecs buffers; a count short of their total means the
// send buffer is full. It returns unix.EAGAIN itself when nothing could be
// written. Here it makes one write per buffer, which keeps those rules.
func Writev(fd int, bufs [][]byte) (int, error) {
	if len(bufs) > MaxIovecs {
		bufs = bufs[:MaxIovecs]
	}
	return writeEach(fd, bufs)
}
