//go:build (!amd64 && !arm64) || asyncio_goidfallback

package goid

import (
	"runtime"
	"strconv"
	"strings"
)

// Get returns a non-zero value identifying the calling goroutine among the
// goroutines alive at the time of the call.
func Get() uintptr {
	var buf [64]byte
	s := string(buf[:runtime.Stack(buf[:], false)])
	s = strings.TrimPrefix(s, "goroutine ")
	if i := strings.IndexByte(s, ' '); i > 0 {
		s = s[:i]
	}
	id, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		panic("goid: cannot parse goroutine id from runtime.Stack")
	}
	return uintptr(id)
}

// Fallback reports whether Get reads the goroutine id from runtime.Stack,
// which allocates, instead of the runtime's g register.
const Fallback = true
