//go:build unix

package asyncio

import (
	"errors"
	"fmt"
	"net"
	"os"

	"github.com/asyncio-go/asyncio/internal/sock"
	"golang.org/x/sys/unix"
)

// errReadPipe reports a write to the read end of a pipe.
var errReadPipe = fmt.Errorf("asyncio: cannot write to the read end of a pipe: %w", errors.ErrUnsupported)

// A osPipeEnd says what a sockTransport's fd is: a socket, or one end of a
// pipe, which reads or writes only (asyncio's _UnixReadPipeTransport and
// _UnixWritePipeTransport share this code instead of copying it: read(2)
// and write(2) work the same on both).
type osPipeEnd uint8

const (
	notPipe   osPipeEnd = iota // a connected socket
	readPipe                   // the read end of a pipe: closes at EOF
	writePipe                  // the write end: WriteEOF closes it
)

// sockTransport is a stream Transport over a non-blocking socket, read and
// written on the loop's goroutine (asyncio's _SelectorSocketTransport), or
// over one end of a pipe (see osPipeEnd and newPipeTransport).
//
// Reads: the fd is registered edge-triggered, so the transport reads when an
// edge says data came, and clears its readable flag on EAGAIN or a short
// read (the receive queue is drained); a full read may leave more, and the
// transport queues itself again rather than loop, so one busy connection
// cannot starve the others. Writes go straight to the socket while nothing
// is buffered; what the kernel does not take is copied to the buffer and
// sent when the socket is writable again.
type sockTransport struct {
	l     *EventLoop
	w     *fdWatch
	fd    int
	proto Protocol
	typ   int // unix.SOCK_STREAM, for the address types
	pipe  osPipeEnd

	buf       []byte // unsent bytes, from off
	off       int
	high, low int

	reading     bool // delivering data once started; false once paused or closing
	started     bool // ConnectionMade has returned: data may be delivered
	closing     bool // Close or Abort was called, or the connection was lost
	eof         bool // the peer's EOF was received
	eofPending  bool // WriteEOF waits for the buffer to drain
	eofWritten  bool
	paused      bool // the protocol was asked to pause writing
	lostPending bool // connectionLost is queued or done
	onClose     func(*sockTransport)
}

// newSockTransport wraps the connected, non-blocking socket fd, which it
// owns from now on, and starts its protocol: ConnectionMade runs in a later
// loop iteration, then reading begins.
func newSockTransport(l *EventLoop, fd int, proto Protocol, onClose func(*sockTransport)) (*sockTransport, error) {
	w, err := l.watch(fd, "transport")
	if err != nil {
		return nil, err
	}
	t := &sockTransport{l: l, w: w, fd: fd, proto: proto, typ: unix.SOCK_STREAM,
		high: defaultHighWater, low: defaultLowWater, onClose: onClose, reading: true}
	w.onRead, w.onWrite = t.readReady, t.writeReady
	w.writable = true // a connected socket is: the first write needs no poll first
	l.own(t)
	l.soon(&Handle{loop: l, fn: t.start}, nil)
	return t, nil
}

// newPipeTransport wraps one end of a pipe, non-blocking, which it owns from
// now on, as newSockTransport wraps a socket. The read end delivers data
// and closes after EOF; the write end is written to, and is lost, with an
// EPIPE error if bytes were still buffered, when the reader closes its end
// (epoll reports that as an error on the write end, which arrives here as
// readability).
func newPipeTransport(l *EventLoop, fd int, proto Protocol, end osPipeEnd) (*sockTransport, error) {
	w, err := l.watch(fd, "pipe transport")
	if err != nil {
		return nil, err
	}
	t := &sockTransport{l: l, w: w, fd: fd, proto: proto, pipe: end,
		high: defaultHighWater, low: defaultLowWater, reading: end == readPipe}
	if end == readPipe {
		w.onRead = t.readReady
	} else {
		w.onRead, w.onWrite = t.readerGone, t.writeReady
		w.writable = true
	}
	l.own(t)
	l.soon(&Handle{loop: l, fn: t.start}, nil)
	return t, nil
}

// readerGone runs when the write end of a pipe polls readable: its reader
// has closed (asyncio's _UnixWritePipeTransport._read_ready).
func (t *sockTransport) readerGone() {
	if t.fd < 0 {
		return
	}
	var err error
	if len(t.buf)-t.off > 0 {
		err = os.NewSyscallError("write", unix.EPIPE)
	}
	t.buf, t.off = nil, 0
	t.lose(err)
}

func (t *sockTransport) start() {
	if t.closing {
		return
	}
	if !t.protect(func() { t.proto.ConnectionMade(t) }) || t.closing {
		return
	}
	// Reading starts unless the protocol (or the caller, before) paused
	// it: a PauseReading in ConnectionMade holds, as in asyncio.
	t.started = true
	if t.reading && t.w.readable {
		t.w.queueRead()
	}
}

// protect runs a protocol callback of t (see [protectCallback]).
func (t *sockTransport) protect(fn func()) bool { return protectCallback(t.l, t, fn) }

// failCallback tears t down after a protocol callback panicked.
func (t *sockTransport) failCallback(err error) {
	t.lose(err)
}

func (t *sockTransport) readReady() {
	if !t.started || !t.reading || t.closing {
		return
	}
	buf := t.l.readBuffer()
	n, err := sock.Read(t.fd, buf)
	switch {
	case err == unix.EAGAIN:
		t.w.readable = false
	case err != nil:
		t.lose(err)
	case n == 0:
		t.w.readable = false
		t.readEOF()
	default:
		if n < len(buf) && !t.w.hup {
			// A short read drained the receive queue. After a hang-up the
			// EOF is still to be read, and no further edge will say so.
			t.w.readable = false
		}
		t.protect(func() { t.proto.DataReceived(buf[:n]) })
		if t.w.readable && t.reading && !t.closing {
			t.w.queueRead() // more may be waiting: read again next iteration
		}
	}
}

func (t *sockTransport) readEOF() {
	t.eof = true
	t.reading = false
	keepOpen := false
	if !t.protect(func() { keepOpen = t.proto.EOFReceived() }) {
		return
	}
	if !keepOpen || t.pipe == readPipe {
		_ = t.Close()
	}
}

func (t *sockTransport) writeReady() {
	if t.fd < 0 || len(t.buf)-t.off == 0 {
		return
	}
	n, err := sock.Write(t.fd, t.buf[t.off:])
	switch {
	case err == unix.EAGAIN:
		t.w.writable = false
		return
	case err != nil:
		t.lose(err)
		return
	}
	t.off += n
	if t.off < len(t.buf) {
		t.w.writable = false // a short write filled the send buffer
		t.maybeResume()      // at the low watermark, not only once empty, as asyncio's _write_ready
		return
	}
	t.buf, t.off = t.buf[:0], 0
	t.flushed()
}

// flushed runs when the buffer has drained: resume the protocol, then finish
// what waited for the drain.
func (t *sockTransport) flushed() {
	t.maybeResume()
	switch {
	case t.closing && !t.lostPending:
		t.lose(nil)
	case t.eofPending:
		t.eofPending = false
		t.shutdownWrite()
	}
}

func (t *sockTransport) shutdownWrite() {
	if t.pipe == writePipe { // a pipe's end of stream is its closing
		t.lose(nil)
		return
	}
	if err := sock.Shutdown(t.fd, unix.SHUT_WR); err != nil {
		t.lose(err)
		return
	}
	t.eofWritten = true
}

// Write sends data, or buffers what the socket does not take.
func (t *sockTransport) Write(data []byte) error {
	if err := t.l.check(); err != nil {
		return err
	}
	switch {
	case t.pipe == readPipe:
		return errReadPipe
	case t.closing || t.eofPending || t.eofWritten:
		return ErrTransportClosing
	case len(data) == 0:
		return nil
	}
	if len(t.buf)-t.off == 0 && t.w.writable {
		n, err := sock.Write(t.fd, data)
		switch {
		case err == unix.EAGAIN:
			t.w.writable = false
		case err != nil:
			t.lose(err)
			return err
		default:
			data = data[n:]
			if len(data) == 0 {
				return nil
			}
			t.w.writable = false
		}
	}
	if t.off > 0 && t.off >= len(t.buf)/2 { // reclaim the sent half before growing
		t.buf = t.buf[:copy(t.buf, t.buf[t.off:])]
		t.off = 0
	}
	t.buf = append(t.buf, data...)
	t.maybePause()
	return nil
}

func (t *sockTransport) Writelines(data [][]byte) error {
	for _, d := range data {
		if err := t.Write(d); err != nil {
			return err
		}
	}
	return nil
}

func (t *sockTransport) WriteEOF() error {
	if err := t.l.check(); err != nil {
		return err
	}
	if t.pipe == readPipe {
		return errReadPipe
	}
	if t.closing || t.eofPending || t.eofWritten {
		return nil
	}
	if len(t.buf)-t.off > 0 {
		t.eofPending = true
		return nil
	}
	t.shutdownWrite()
	return nil
}

func (t *sockTransport) CanWriteEOF() bool { return t.pipe != readPipe }

func (t *sockTransport) Close() error {
	if err := t.l.check(); err != nil {
		return err
	}
	if t.closing {
		return nil
	}
	t.closing, t.reading = true, false
	if len(t.buf)-t.off == 0 {
		t.lose(nil)
	}
	return nil
}

func (t *sockTransport) Abort() {
	mustOnLoop(t.l, "Transport.Abort")
	if t.l.check() != nil {
		return
	}
	t.buf, t.off = nil, 0
	t.lose(nil)
}

// lose ends the connection: the fd is unwatched and closed, and the
// protocol's ConnectionLost(err) runs in a later iteration, once.
func (t *sockTransport) lose(err error) {
	if t.lostPending {
		return
	}
	t.closing, t.reading, t.lostPending = true, false, true
	t.l.unwatch(t.w)
	_ = sock.Close(t.fd)
	t.fd = -1
	t.l.disown(t)
	t.l.soon(&Handle{loop: t.l, fn: func() {
		t.protect(func() { t.proto.ConnectionLost(err) })
		if t.onClose != nil {
			t.onClose(t)
		}
	}}, nil)
}

// closeWithLoop aborts a transport still open when its loop closes,
// reporting the bytes it could not send: nothing is lost silently.
func (t *sockTransport) closeWithLoop() {
	if n := len(t.buf) - t.off; n > 0 {
		t.l.handle(ExceptionContext{Message: fmt.Sprintf("%s closed with its loop, %d bytes unsent", t, n)})
	}
	// Bytes received and never read, in the kernel or in a stream
	// reader's buffer, are lost too: say so.
	unread := 0
	if t.pipe != writePipe { // on a write end the count is the reader's
		unread = sock.Unread(t.fd)
	}
	if b, ok := t.proto.(interface{ unreadBytes() int }); ok {
		unread += b.unreadBytes()
	}
	if unread > 0 {
		t.l.handle(ExceptionContext{Message: fmt.Sprintf("%s closed with its loop, %d bytes received and never read", t, unread)})
	}
	t.buf, t.off = nil, 0
	t.closing, t.reading = true, false
	t.lostPending = true // the loop is closing: no callback will run
	t.l.unwatch(t.w)
	_ = sock.Close(t.fd)
	t.fd = -1
}

func (t *sockTransport) IsClosing() bool {
	mustOnLoop(t.l, "Transport.IsClosing")
	return t.closing
}

func (t *sockTransport) PauseReading() {
	mustOnLoop(t.l, "Transport.PauseReading")
	if t.l.check() == nil && !t.closing {
		t.reading = false
	}
}

func (t *sockTransport) ResumeReading() {
	mustOnLoop(t.l, "Transport.ResumeReading")
	if t.l.check() != nil || t.closing || t.eof || t.reading || t.pipe == writePipe {
		return
	}
	t.reading = true
	if t.started && t.w.readable {
		t.w.queueRead()
	}
}

func (t *sockTransport) IsReading() bool {
	mustOnLoop(t.l, "Transport.IsReading")
	return t.reading
}

func (t *sockTransport) GetWriteBufferSize() int {
	mustOnLoop(t.l, "Transport.GetWriteBufferSize")
	return len(t.buf) - t.off
}

func (t *sockTransport) SetWriteBufferLimits(high, low int) {
	mustOnLoop(t.l, "Transport.SetWriteBufferLimits")
	t.high, t.low = writeLimits(high, low)
	t.maybePause()
}

func (t *sockTransport) GetWriteBufferLimits() (low, high int) {
	mustOnLoop(t.l, "Transport.GetWriteBufferLimits")
	return t.low, t.high
}

func (t *sockTransport) maybePause() {
	if !t.paused && len(t.buf)-t.off > t.high {
		t.paused = true
		t.protect(t.proto.PauseWriting)
	}
}

func (t *sockTransport) maybeResume() {
	if t.paused && len(t.buf)-t.off <= t.low {
		t.paused = false
		t.protect(t.proto.ResumeWriting)
	}
}

func (t *sockTransport) GetExtraInfo(name string) any {
	mustOnLoop(t.l, "Transport.GetExtraInfo")
	if t.fd < 0 {
		return nil
	}
	if t.pipe != notPipe {
		if name == "pipe" {
			return t.fd
		}
		return nil
	}
	switch name {
	case "peername":
		if sa, err := unix.Getpeername(t.fd); err == nil {
			return sock.AddrOf(sa, t.typ)
		}
	case "sockname":
		if sa, err := unix.Getsockname(t.fd); err == nil {
			return sock.AddrOf(sa, t.typ)
		}
	case "socket":
		return t.fd
	}
	return nil
}

func (t *sockTransport) Loop() *EventLoop { return t.l }

func (t *sockTransport) String() string {
	if t.pipe != notPipe {
		state, end := "open", "read"
		if t.closing {
			state = "closing"
		}
		if t.pipe == writePipe {
			end = "write"
		}
		return fmt.Sprintf("<PipeTransport fd=%d %s %s>", t.fd, end, state)
	}
	var peer net.Addr
	if a, ok := t.GetExtraInfo("peername").(net.Addr); ok {
		peer = a
	}
	state := "open"
	if t.closing {
		state = "closing"
	}
	return fmt.Sprintf("<Transport fd=%d %s peer=%v>", t.fd, state, peer)
}
