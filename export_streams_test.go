package asyncio

// Hooks of the streams layer for the external tests.

// NewMemoryPipe connects protocols a and b with an in-memory pair of
// transports on loop (see memtransport_test.go): ConnectionMade reaches each
// in a later iteration, and each transport delivers at most chunk bytes per
// iteration (64 KiB if chunk <= 0). Pausing one end's reading stops what the
// other writes from arriving, so the writer's buffer fills.
func NewMemoryPipe(loop *EventLoop, a, b Protocol, chunk int) (Transport, Transport) {
	return newMemPipe(loop, a, b, chunk)
}

// StreamReaderBuffered returns the number of unread bytes in r.
func StreamReaderBuffered(r *StreamReader) int { return r.buffered() }

// StreamReaderCap returns the capacity of r's buffer, to show it is reused.
func StreamReaderCap(r *StreamReader) int { return cap(r.buf) }
