//go:build (amd64 || arm64) && !asyncio_goidfallback

package goid

// getg returns the address of the current goroutine's runtime g structure.
func getg() uintptr

// Get returns a non-zero value identifying the calling goroutine among the
// goroutines alive at the time of the call.
func Get() uintptr { return getg() }

// Fallback reports whether Get reads the goroutine id from runtime.Stack,
// which allocates, instead of the runtime's g register.
const Fallback = false
