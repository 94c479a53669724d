package asyncio

import (
	"errors"
	"fmt"
	"net"
)

// A DatagramProtocol receives a datagram endpoint's events: asyncio's
// DatagramProtocol. The loop calls its methods on the loop's goroutine, one
// at a time. ConnectionMade runs once, in a later loop iteration than the
// call that made the endpoint, before any other method; ConnectionLost runs
// once, last, after Close, Abort or a failure alike. PauseWriting runs
// inline in the SendTo that crosses the high watermark, as for a stream
// [BaseProtocol], and each PauseWriting is followed by ResumeWriting or
// ConnectionLost.
//
// Embed [BaseDatagramProtocol] to implement only the methods you need.
type DatagramProtocol interface {
	// ConnectionMade is called once, when the endpoint is ready, with its
	// transport.
	ConnectionMade(t DatagramTransport)
	// DatagramReceived is called with each datagram received and the
	// address it came from (nil for an unnamed Unix datagram socket).
	// data is valid only during the call: the transport reuses its
	// buffer, so a protocol that keeps the bytes copies them.
	//
	// A datagram longer than the endpoint's receive size is delivered cut
	// to that size, as the platform delivers it, and ErrorReceived follows
	// at once with a *[DatagramTruncatedError].
	DatagramReceived(data []byte, addr net.Addr)
	// ErrorReceived is called when a send or receive fails without
	// closing the endpoint: on a connected UDP socket, a datagram the peer
	// refused (an ICMP port unreachable) is reported here as an error
	// matching syscall.ECONNREFUSED, by the next send or receive. The
	// endpoint stays open.
	ErrorReceived(err error)
	// ConnectionLost is called once, when the endpoint is closed: err is
	// nil after Close or Abort, and the error otherwise.
	ConnectionLost(err error)
	// PauseWriting is called when the transport's write buffer goes over
	// its high watermark, and ResumeWriting when it drains to its low
	// watermark: the protocol should stop sending meanwhile.
	PauseWriting()
	ResumeWriting()
}

// BaseDatagramProtocol implements every [DatagramProtocol] method as doing
// nothing, for embedding in a protocol that needs only some of them. Its zero
// value is ready to use.
type BaseDatagramProtocol struct{}

// ConnectionMade does nothing.
func (BaseDatagramProtocol) ConnectionMade(DatagramTransport) {}

// DatagramReceived does nothing: the datagram is dropped.
func (BaseDatagramProtocol) DatagramReceived([]byte, net.Addr) {}

// ErrorReceived does nothing.
func (BaseDatagramProtocol) ErrorReceived(error) {}

// ConnectionLost does nothing.
func (BaseDatagramProtocol) ConnectionLost(error) {}

// PauseWriting does nothing.
func (BaseDatagramProtocol) PauseWriting() {}

// ResumeWriting does nothing.
func (BaseDatagramProtocol) ResumeWriting() {}

// A DatagramTransport is a datagram endpoint: asyncio's DatagramTransport.
// Its methods must be called on its loop's goroutine, except Loop: called
// from elsewhere, those with an error result return ErrWrongGoroutine and
// change nothing, and the others panic, naming the method.
type DatagramTransport interface {
	// SendTo sends data as one datagram to addr and returns without
	// waiting: a datagram the socket cannot take at once is copied to the
	// write buffer and sent, in order, when the socket is writable again.
	// On a connected endpoint addr must be nil or the remote address;
	// another address returns ErrDatagramAddress. An unconnected endpoint
	// needs an addr (ErrDatagramAddress otherwise). Once the transport is
	// closing, SendTo returns ErrTransportClosing and sends nothing. An
	// error of the send itself is passed to the protocol's ErrorReceived,
	// not returned, as asyncio does.
	SendTo(data []byte, addr net.Addr) error
	// Close closes the endpoint once the write buffer is flushed; no more
	// datagrams are delivered, and the protocol's ConnectionLost(nil)
	// follows in a later iteration. Closing a closing transport does
	// nothing.
	Close() error
	// Abort closes the endpoint at once, dropping the write buffer.
	Abort()
	// IsClosing reports whether Close or Abort was called, or the
	// endpoint was lost.
	IsClosing() bool
	// PauseReading stops DatagramReceived until ResumeReading: datagrams
	// wait in the socket's receive buffer meanwhile, and those that do
	// not fit are dropped by the kernel, as when a program is slow to
	// read. asyncio's datagram transports lack it; [DatagramEndpoint]
	// uses it to bound its queue.
	PauseReading()
	ResumeReading()
	// IsReading reports whether the transport delivers datagrams.
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
	// "peername" (the remote address of a connected endpoint, else nil)
	// and "sockname" (net.Addr), "socket" (the file descriptor, an int,
	// still owned by the transport), and whatever the transport offers;
	// nil when it has none or is closed.
	GetExtraInfo(name string) any
	// Loop returns the loop the transport runs on.
	Loop() *EventLoop
}

// dgramHeader is what each buffered datagram adds to a buffer's size beyond
// its bytes, as in asyncio (3.12 on): so that empty datagrams, which UDP
// allows, count toward the limits too.
const dgramHeader = 8

// ErrDatagramAddress reports a SendTo whose address does not suit the
// endpoint: an address other than the remote one on a connected endpoint
// (asyncio's ValueError), or no address on an unconnected one. The error
// returned wraps it with the address.
var ErrDatagramAddress = errors.New("asyncio: invalid datagram address")

// A DatagramTruncatedError reports a datagram longer than the endpoint's
// receive size: its first Kept bytes were delivered and the rest dropped by
// the kernel. Size is the datagram's whole length where the platform reports
// it (Linux does), and 0 where it only says that bytes were cut.
type DatagramTruncatedError struct {
	Addr net.Addr // the sender, as DatagramReceived had it
	Kept int      // the bytes delivered
	Size int      // the datagram's length, or 0 if unknown
}

func (e *DatagramTruncatedError) Error() string {
	if e.Size > 0 {
		return fmt.Sprintf("asyncio: datagram from %v truncated: %d of %d bytes kept", e.Addr, e.Kept, e.Size)
	}
	return fmt.Sprintf("asyncio: datagram from %v truncated to %d bytes", e.Addr, e.Kept)
}
