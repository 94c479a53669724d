//go:build unix && (!linux || asyncio_portablepoll)

package poll

// backend is the implementation behind Poller: the portable one on unix
// systems other than Linux, and on Linux with the asyncio_portablepoll
// build tag.
type backend = portable
