package sock

import "golang.org/x/sys/unix"

// Unread returns how many received bytes wait in fd's receive queue, or 0
// if the system cannot tell.
func Unread(fd int) int {
	n, err := unix.IoctlGetInt(fd, unix.TIOCINQ)
	if err != nil {
		return 0
	}
	return n
}
