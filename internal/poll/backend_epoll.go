//go:build linux && !asyncio_portablepoll

package poll

// backend is the implementation behind Poller; on Linux it is epoll unless
// the asyncio_portablepoll build tag asks for the portable one.
type backend = epoll
