//go:build unix && !linux

package sock

import "golang.org/x/sys/unix"

// fionread is FIONREAD, _IOR('f', 127, int), the same on the BSDs and
// darwin; x/sys does not name it there.
const fionread = 0x4004667f

// Unread returns how many received bytes wait in fd's receive queue, or 0
// if the system cannot tell.
func Unread(fd int) int {
	n, err := unix.IoctlGetInt(fd, fionread)
	if err != nil {
		return 0
	}
	return n
}
