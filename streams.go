package asyncio

// This file holds what the streams layer shares: its errors and its default
// buffer limit. The layer is asyncio's streams.py over the Protocol and
// Transport interfaces of transport.go, in one file per concept:
//
//   - streamreader.go: StreamReader, the buffer a protocol feeds and
//     coroutines read from (read, readexactly, readline, readuntil);
//   - streamreader_io.go: line iteration and the io.Reader adapter;
//   - streamwriter.go: StreamWriter, a Transport with Drain and WaitClosed;
//   - streamprotocol.go: StreamReaderProtocol, the Protocol that joins the
//     two to a transport (asyncio's StreamReaderProtocol and
//     FlowControlMixin).
//
// # Where the bytes live
//
// CPython keeps a bytearray and deletes from its front on every read, and
// its transports read into a fresh 256 KiB bytes object per recv: two known
// costs. Here the transport reads into a buffer of its own and lends it to
// DataReceived; the StreamReader copies the bytes into one []byte that it
// keeps, with a read offset. A read advances the offset; an empty buffer
// rewinds it to zero; a feed that does not fit moves the unread bytes to the
// front before it grows the slice. So in steady state a connection allocates
// nothing per read or per feed.
//
// # Cancellation
//
// Every read decides what it takes only once it has all it needs, after its
// last wait. A read cancelled while it waits therefore consumes nothing: the
// bytes already buffered stay for the next read, as in CPython (whose
// readexactly also removes nothing until it returns).

import (
	"errors"
	"fmt"
	"io"
	"syscall"
)

// DefaultStreamLimit is the buffer limit of a [StreamReader] made with a limit
// of zero or less: asyncio's _DEFAULT_LIMIT, 64 KiB.
const DefaultStreamLimit = 64 << 10

// IncompleteReadError is the error of a [StreamReader.ReadExactly] or
// ReadUntil that met the end of the stream before it could complete:
// asyncio.IncompleteReadError.
//
// It matches io.ErrUnexpectedEOF under errors.Is, and also io.EOF when
// nothing at all was read (Partial is empty), as io.ReadFull's errors do.
//
// The zero IncompleteReadError reports an empty read of an unknown size: a
// valid error, matching io.EOF.
type IncompleteReadError struct {
	// Partial holds the bytes read before the end of the stream; they are
	// consumed from the reader.
	Partial []byte
	// Expected is the number of bytes ReadExactly asked for, or -1 for a
	// ReadUntil, which had no fixed size (asyncio's None).
	Expected int
}

func (e *IncompleteReadError) Error() string {
	if e.Expected < 0 {
		return fmt.Sprintf("asyncio: %d bytes read on a total of undefined expected bytes", len(e.Partial))
	}
	return fmt.Sprintf("asyncio: %d bytes read on a total of %d expected bytes", len(e.Partial), e.Expected)
}

// Is reports whether target is io.ErrUnexpectedEOF.
func (e *IncompleteReadError) Is(target error) bool { return target == io.ErrUnexpectedEOF }

// Unwrap returns io.EOF when nothing was read, so that errors.Is(err, io.EOF)
// tells a stream that ended cleanly before the read from one cut short; it
// returns nil otherwise.
func (e *IncompleteReadError) Unwrap() error {
	if len(e.Partial) == 0 {
		return io.EOF
	}
	return nil
}

// LimitOverrunError is the error of a [StreamReader.ReadUntil] or ReadLine
// that reached the reader's limit while looking for a separator:
// asyncio.LimitOverrunError.
//
// The zero LimitOverrunError reports a separator not found with nothing to
// consume: a valid error.
type LimitOverrunError struct {
	// Consumed is the number of bytes to consume to get past the bytes
	// examined: the offset of the separator when one was found beyond the
	// limit, or the number of bytes known to hold no separator.
	Consumed int
	found    bool
}

func (e *LimitOverrunError) Error() string {
	if e.found {
		return "asyncio: separator is found, but chunk is longer than limit"
	}
	return "asyncio: separator is not found, and chunk exceed the limit"
}

// ErrConnectionLost is what [StreamWriter.Drain] returns once the connection
// is gone without an error of its own (closed, or ended by the peer): the
// bytes not yet sent will never be. It matches syscall.ECONNRESET under
// errors.Is, as asyncio's ConnectionResetError("Connection lost") does.
var ErrConnectionLost error = connectionLostError{}

type connectionLostError struct{}

func (connectionLostError) Error() string { return "asyncio: connection lost" }

// Is reports whether target is syscall.ECONNRESET.
func (connectionLostError) Is(target error) bool { return target == syscall.ECONNRESET }

// errNegativeSize is a read asked for a negative count where none is allowed.
func errNegativeSize(op string, n int) error {
	return fmt.Errorf("asyncio: StreamReader.%s: size cannot be negative: %d", op, n)
}

// errEmptySeparator is asyncio's ValueError for an empty separator.
var errEmptySeparator = errors.New("asyncio: StreamReader.ReadUntil: separator should be at least one byte")
