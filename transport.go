package asyncio

import (
	"errors"
	"fmt"
)

// Default write-buffer watermarks, asyncio's: above high the protocol is
// asked to pause writing, and at low or below to resume.
const (
	defaultHighWater = 64 << 10
	defaultLowWater  = defaultHighWater / 4
)

// ErrTransportClosing reports a write to a transport that is closing or
// closed.
var ErrTransportClosing = errors.New("asyncio: transport is closing")

// A BaseProtocol receives a transport's events: asyncio's BaseProtocol. The
// loop calls its methods on the loop's goroutine, one at a time.
// ConnectionMade, DataReceived, EOFReceived and ConnectionLost run from the
// loop, never inline in a call the protocol makes on the transport;
// PauseWriting runs inline in the Write that crosses the high watermark, as
// asyncio's does, so that a writer checking for it right after a Write sees
// it, and each PauseWriting is followed by ResumeWriting or ConnectionLost.
// ConnectionLost is called exactly once, after Close, Abort or a failure
// alike.
//
// A nil BaseProtocol is not a protocol: where a factory returns nil,
// [CreateConnection] returns an error matching [ErrInvalidState] and a
// server closes the connection it was for.
type BaseProtocol interface {
	// ConnectionMade is called once, when the connection is made, with its
	// transport.
	ConnectionMade(t Transport)
	// ConnectionLost is called once, when the connection is closed: err is
	// nil after a normal close or EOF, and the error otherwise.
	ConnectionLost(err error)
	// PauseWriting is called when the transport's write buffer goes over
	// its high watermark, and ResumeWriting when it drains to its low
	// watermark: the protocol should stop writing meanwhile.
	PauseWriting()
	ResumeWriting()
}

// A Protocol is a stream protocol: asyncio's Protocol.
//
// A nil Protocol is not a protocol, as for [BaseProtocol].
type Protocol interface {
	BaseProtocol
	// DataReceived is called with bytes read from the connection. data is
	// valid only during the call: the transport reuses its buffer, so a
	// protocol that keeps the bytes copies them.
	DataReceived(data []byte)
	// EOFReceived is called when the peer closes its sending side. It
	// returns true to keep the transport open for writing (a half-close);
	// false closes it.
	EOFReceived() bool
}

// A Transport is one end of a stream connection: asyncio's Transport. Its
// methods must be called on its loop's goroutine, except CanWriteEOF and
// Loop: called from elsewhere, those with an error result return
// ErrWrongGoroutine and change nothing, and the others panic, naming the
// method.
//
// A nil Transport is not a transport: transports come from
// [CreateConnection], [CreateServer] and the streams calls, never from user
// code.
type Transport interface {
	// Write queues data to be sent and returns without waiting: data that
	// cannot be sent at once is copied to the write buffer. Once the
	// transport is closing, Write returns an error and sends nothing.
	Write(data []byte) error
	// Writelines writes each slice in turn, as Write does.
	Writelines(data [][]byte) error
	// WriteEOF closes the sending side once the write buffer is flushed.
	WriteEOF() error
	// CanWriteEOF reports whether WriteEOF is supported.
	CanWriteEOF() bool
	// Close flushes the write buffer, then closes the connection; the
	// protocol's ConnectionLost(nil) follows in a later iteration. Closing
	// a closing transport does nothing.
	Close() error
	// Abort closes the connection at once, dropping the write buffer.
	Abort()
	// IsClosing reports whether Close or Abort was called, or the
	// connection was lost.
	IsClosing() bool
	// PauseReading stops DataReceived until ResumeReading.
	PauseReading()
	ResumeReading()
	// IsReading reports whether the transport delivers data.
	IsReading() bool
	// GetWriteBufferSize returns the number of bytes waiting to be sent.
	GetWriteBufferSize() int
	// SetWriteBufferLimits sets the watermarks for PauseWriting and
	// ResumeWriting; high <= 0 chooses the defaults (64 KiB high, a
	// quarter of it low), and low <= 0 a quarter of high. It panics if low
	// is above high.
	SetWriteBufferLimits(high, low int)
	// GetWriteBufferLimits returns the low and high watermarks.
	GetWriteBufferLimits() (low, high int)
	// GetExtraInfo returns optional information about the transport:
	// "peername" and "sockname" (net.Addr), "socket" (the file
	// descriptor, an int, still owned by the transport), and whatever the
	// transport offers; nil when it has none or is closed.
	GetExtraInfo(name string) any
	// Loop returns the loop the transport runs on.
	Loop() *EventLoop
}

// writeLimits is SetWriteBufferLimits' rule for every transport: high <= 0
// chooses the default, low <= 0 a quarter of high, and low above high is a
// mistake that panics, naming it.
func writeLimits(high, low int) (int, int) {
	if high <= 0 {
		high = defaultHighWater
	}
	if low <= 0 {
		low = high / 4
	}
	if low > high {
		panic(fmt.Sprintf("asyncio: SetWriteBufferLimits: low %d above high %d", low, high))
	}
	return high, low
}

// A callbackOwner is a transport whose protocol callbacks [protectCallback]
// runs: String names it in the report, and failCallback tears it down with a
// callback's panic as its error.
type callbackOwner interface {
	String() string
	failCallback(err error)
}

// protectCallback runs a protocol callback of o; a panic in it is reported to
// l's exception handler and fails o, so the loop goes on. It reports whether
// fn returned normally.
func protectCallback(l *EventLoop, o callbackOwner, fn func()) (ok bool) {
	defer func() {
		if r := recover(); r != nil {
			ok = false
			err := newPanicError(r)
			l.handle(ExceptionContext{Message: "Fatal error: protocol callback panicked on " + o.String(), Err: err})
			o.failCallback(err)
		}
	}()
	fn()
	return true
}
