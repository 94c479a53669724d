//go:build unix

package poll

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// checkRegister applies the rule every backend shares: a blocking fd is
// refused. It would still work with epoll, but the portable backend cannot
// park on one, and the caller's raw reads of it would stall the loop;
// refusing it in both keeps one contract.
func checkRegister(fd int) error {
	fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
	if err != nil {
		return os.NewSyscallError("fcntl", err)
	}
	if fl&unix.O_NONBLOCK == 0 {
		return fmt.Errorf("poll: Register: fd %d is in blocking mode: %w", fd, unix.EINVAL)
	}
	return nil
}
