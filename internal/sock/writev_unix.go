//go:build unix

package sock

import "golang.org/x/sys/unix"

// MaxIovecs is the most buffers one Writev passes to the kernel: Linux's
// IOV_MAX, which the BSDs share; the kernel refuses more.
const MaxIovecs = 1024

// writeEach is Writev as a sequence of writes, stopping at the first that
// is short: used under the race detector on Linux and where writev is not
// wrapped.
func writeEach(fd int, bufs [][]byte) (int, error) {
	total := 0
	for _, b := range bufs {
		if len(b) == 0 {
			continue
		}
		n, err := Write(fd, b)
		if err != nil {
			// What was written counts; the error, if it persists, comes
			// back on the next call.
			if total > 0 {
				return total, nil
			}
			return 0, err
		}
		total += n
		if n < len(b) {
			break
		}
	}
	return total, nil
}

// errAgain is unix.EAGAIN already boxed in an error, so that the hottest
// error return converts nothing.
var errAgain error = unix.EAGAIN
