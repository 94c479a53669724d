//go:build unix

package asyncio

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"
)

// A tlsTransport is a TLS connection over a stream transport: asyncio's
// SSLProtocol with its _SSLProtocolTransport. The socket ("plain") transport
// delivers ciphertext to the TLS transport's plainSide, a Protocol; the TLS
// transport decrypts it with a tls.Conn over a tlsPipe and delivers the
// plaintext to the application's protocol, and encrypts what the
// application writes into the plain transport, whose write buffer and
// watermarks it shares (the plaintext is encrypted at once, so nothing else
// is buffered). The handshake runs on a goroutine (tlshandshake_unix.go);
// everything after it runs on the loop.
//
// All fields are used on the loop's goroutine only, but for conn and pipe
// during the handshake, which its goroutine owns until it posts its outcome.
type tlsTransport struct {
	l      *EventLoop
	plain  Transport
	app    Protocol
	side   *tlsPlainSide
	conn   *tls.Conn
	pipe   *tlsPipe
	cfg    *tls.Config
	server bool

	hs          *tlsHandshake // the running handshake; nil once its outcome is known
	onHandshake func(error)   // told the handshake's outcome, once
	callMade    bool          // call app.ConnectionMade after the handshake (not for StartTLS)
	hsTimeout   time.Duration // the handshake's timeout; <= 0 for the default

	open    bool  // the handshake succeeded and the connection is not lost
	made    bool  // the application's protocol has the transport: ConnectionLost is owed
	closing bool  // Close or Abort was called, or the connection failed
	reading bool  // the application takes data (PauseReading clears it)
	eof     bool  // the end of the TLS stream was delivered
	lost    bool  // the plain transport's ConnectionLost came
	failErr error // why the connection failed, for the application's ConnectionLost
	queued  bool  // a read pass is queued
}

// newTLSTransport returns a TLS transport for app, whose plain transport is
// attached when plainSide's ConnectionMade runs.
func newTLSTransport(l *EventLoop, cfg *tls.Config, server bool, app Protocol) *tlsTransport {
	t := &tlsTransport{l: l, app: app, cfg: cfg, server: server, pipe: newTLSPipe(), reading: true, callMade: true}
	t.side = &tlsPlainSide{t: t}
	if server {
		t.conn = tls.Server(t.pipe, cfg)
	} else {
		t.conn = tls.Client(t.pipe, cfg)
	}
	return t
}

// tlsReadBufs lends the read pass its plaintext buffer: room for a few
// records, taken only for the pass, so idle connections hold none.
var tlsReadBufs = sync.Pool{New: func() any { b := make([]byte, 64<<10); return &b }}

// read decrypts what the pipe holds and delivers it, until the pipe runs
// dry, the application pauses reading or the stream ends.
func (t *tlsTransport) read() {
	if !t.open || !t.reading || t.closing || t.eof {
		return
	}
	bp := tlsReadBufs.Get().(*[]byte)
	buf, n := *bp, 0
	for t.open && t.reading && !t.closing {
		k, err := t.conn.Read(buf[n:])
		n += k
		if err == nil && t.pipe.drained() {
			// tls.Conn holds no ciphertext of its own (see
			// tlsPipe.recordBytes), so nothing is left to decrypt.
			err = errWouldBlock
		}
		if err == nil && len(buf)-n >= 16<<10 {
			continue // room for another record: deliver them together
		}
		if n > 0 {
			t.protect(func() { t.app.DataReceived(buf[:n]) })
			n = 0
		}
		if err == nil {
			continue
		}
		if err == errWouldBlock {
			break
		}
		t.flush() // the alert crypto/tls sends about the error, if any
		if err == io.EOF {
			t.readEOF()
		} else {
			t.fail(err)
		}
		break
	}
	t.flush() // what post-handshake messages (a key update) made tls.Conn write
	tlsReadBufs.Put(bp)
}

// queueRead runs read in a later iteration, at most one queued at a time.
func (t *tlsTransport) queueRead() {
	if t.queued {
		return
	}
	t.queued = true
	t.l.soon(&Handle{loop: t.l, fn: func() { t.queued = false; t.read() }}, nil)
}

// readEOF delivers the end of the TLS stream: the peer's close_notify, or
// the socket's EOF at a record boundary without one. asyncio reports both as
// eof_received, with no error, and so does this. The protocol keeps the
// transport open for writing by returning true, as over plain TCP.
func (t *tlsTransport) readEOF() {
	t.eof, t.reading = true, false
	keepOpen := false
	if !t.protect(func() { keepOpen = t.app.EOFReceived() }) {
		return
	}
	if !keepOpen {
		_ = t.Close()
	}
}

// fail ends the connection with err, reported to the application's
// ConnectionLost: what is queued (an alert) is sent, then the socket closed.
func (t *tlsTransport) fail(err error) {
	if t.failErr == nil {
		t.failErr = err
	}
	t.closing, t.reading = true, false
	if t.plain != nil {
		t.flush()
		_ = t.plain.Close()
	}
}

// flush hands the ciphertext tls.Conn wrote to the plain transport.
func (t *tlsTransport) flush() error {
	out := t.pipe.take()
	if len(out) == 0 || t.plain == nil {
		return nil
	}
	return t.plain.Write(out)
}

// protect runs a protocol callback of t (see [protectCallback]).
func (t *tlsTransport) protect(fn func()) bool { return protectCallback(t.l, t, fn) }

// failCallback tears t down after a protocol callback panicked.
func (t *tlsTransport) failCallback(err error) {
	if t.failErr == nil {
		t.failErr = err
	}
	t.Abort()
}

// Write encrypts data into TLS records and writes them to the socket's
// transport, which buffers what the kernel does not take.
func (t *tlsTransport) Write(data []byte) error {
	if err := t.l.check(); err != nil {
		return err
	}
	if !t.open || t.closing {
		return ErrTransportClosing
	}
	if len(data) == 0 {
		return nil
	}
	_, err := t.conn.Write(data)
	if ferr := t.flush(); err == nil {
		err = ferr
	}
	return err
}

func (t *tlsTransport) Writelines(data [][]byte) error {
	for _, d := range data {
		if err := t.Write(d); err != nil {
			return err
		}
	}
	return nil
}

// errTLSHalfClose is WriteEOF's error: TLS has no half-close asyncio
// supports.
var errTLSHalfClose = fmt.Errorf("asyncio: TLS transports do not support WriteEOF: %w", errors.ErrUnsupported)

// WriteEOF returns an error matching errors.ErrUnsupported, as asyncio's SSL
// transport raises NotImplementedError: a close_notify ends the stream, and
// Close sends it.
func (t *tlsTransport) WriteEOF() error {
	if err := t.l.check(); err != nil {
		return err
	}
	return errTLSHalfClose
}

func (t *tlsTransport) CanWriteEOF() bool { return false }

// Close sends close_notify after the data written so far, then closes the
// socket once its buffer is flushed. It does not wait for the peer's
// close_notify (crypto/tls's Conn.Close does not either; asyncio waits up to
// ssl_shutdown_timeout).
func (t *tlsTransport) Close() error {
	if err := t.l.check(); err != nil {
		return err
	}
	if t.closing {
		return nil
	}
	t.closing, t.reading = true, false
	if t.open {
		_ = t.conn.CloseWrite()
		_ = t.flush()
	}
	if t.plain != nil {
		return t.plain.Close()
	}
	return nil
}

func (t *tlsTransport) Abort() {
	mustOnLoop(t.l, "Transport.Abort")
	if t.l.check() != nil {
		return
	}
	t.closing, t.reading = true, false
	if t.plain != nil {
		t.plain.Abort()
	}
}

func (t *tlsTransport) IsClosing() bool {
	mustOnLoop(t.l, "Transport.IsClosing")
	return t.closing || t.lost
}

func (t *tlsTransport) PauseReading() {
	mustOnLoop(t.l, "Transport.PauseReading")
	if t.l.check() != nil || t.closing {
		return
	}
	t.reading = false
	t.plain.PauseReading()
}

func (t *tlsTransport) ResumeReading() {
	mustOnLoop(t.l, "Transport.ResumeReading")
	if t.l.check() != nil || t.closing || t.eof || t.reading {
		return
	}
	t.reading = true
	t.plain.ResumeReading()
	t.queueRead() // records already in the pipe get no further DataReceived
}

func (t *tlsTransport) IsReading() bool {
	mustOnLoop(t.l, "Transport.IsReading")
	return t.reading && !t.closing
}

func (t *tlsTransport) GetWriteBufferSize() int { return t.plain.GetWriteBufferSize() }

func (t *tlsTransport) SetWriteBufferLimits(high, low int) { t.plain.SetWriteBufferLimits(high, low) }

func (t *tlsTransport) GetWriteBufferLimits() (low, high int) { return t.plain.GetWriteBufferLimits() }

// GetExtraInfo adds the TLS keys (see [WithTLS]) to the socket transport's.
func (t *tlsTransport) GetExtraInfo(name string) any {
	mustOnLoop(t.l, "Transport.GetExtraInfo")
	switch name {
	case "sslcontext":
		return t.cfg
	case "tls", "peercert", "peercerts", "cipher", "alpn", "tlsversion":
	default:
		return t.plain.GetExtraInfo(name)
	}
	if !t.open {
		return nil
	}
	cs := t.conn.ConnectionState()
	switch name {
	case "tls":
		return cs
	case "peercert":
		if len(cs.PeerCertificates) > 0 {
			return cs.PeerCertificates[0]
		}
		return nil
	case "peercerts":
		return cs.PeerCertificates
	case "cipher":
		return tls.CipherSuiteName(cs.CipherSuite)
	case "alpn":
		return cs.NegotiatedProtocol
	default: // "tlsversion"
		return tls.VersionName(cs.Version)
	}
}

func (t *tlsTransport) Loop() *EventLoop { return t.l }

func (t *tlsTransport) String() string {
	state := "handshaking"
	switch {
	case t.lost:
		state = "closed"
	case t.closing:
		state = "closing"
	case t.open:
		state = "open"
	}
	var peer net.Addr
	if t.pipe.remote != nil {
		peer = t.pipe.remote
	}
	return fmt.Sprintf("<TLSTransport %s peer=%v>", state, peer)
}

// closeWithLoop ends a handshake still running when the loop closes, so that
// its goroutine exits; the socket transport closes itself.
func (t *tlsTransport) closeWithLoop() {
	t.pipe.closeInput(ErrLoopClosed)
}

// tlsPlainSide is the protocol the plain transport reports to.
type tlsPlainSide struct{ t *tlsTransport }

func (s *tlsPlainSide) ConnectionMade(plain Transport) {
	t := s.t
	t.plain = plain
	if a, ok := plain.GetExtraInfo("sockname").(net.Addr); ok {
		t.pipe.local = a
	}
	if a, ok := plain.GetExtraInfo("peername").(net.Addr); ok {
		t.pipe.remote = a
	}
	t.startHandshake()
}

func (s *tlsPlainSide) DataReceived(data []byte) {
	t := s.t
	switch {
	case t.hs != nil:
		t.pipe.feed(data)
		t.hs.fed()
	case t.open && !t.closing:
		t.pipe.borrow(data)
		t.read()
		t.pipe.keep()
	}
}

func (s *tlsPlainSide) EOFReceived() bool {
	t := s.t
	t.pipe.closeInput(io.EOF)
	if t.hs != nil {
		t.hs.fed()
	} else {
		t.read() // what is left, then the end of the stream
	}
	return true // the TLS transport closes the plain one itself
}

func (s *tlsPlainSide) ConnectionLost(err error) {
	t := s.t
	t.lost, t.open, t.closing, t.reading = true, false, true, false
	t.l.disown(t)
	closed := err
	if closed == nil {
		closed = net.ErrClosed
	}
	t.pipe.closeInput(closed)
	if t.hs != nil {
		t.hs.fed()
		if err == nil {
			err = errTLSLostInHandshake
		}
		t.handshakeOutcome(err)
	}
	if t.made {
		if t.failErr != nil {
			err = t.failErr
		}
		t.protect(func() { t.app.ConnectionLost(err) })
	}
}

func (s *tlsPlainSide) PauseWriting() {
	if s.t.made {
		s.t.protect(s.t.app.PauseWriting)
	}
}

func (s *tlsPlainSide) ResumeWriting() {
	if s.t.made {
		s.t.protect(s.t.app.ResumeWriting)
	}
}

// unreadBytes reports the plaintext nobody read, for a socket transport that
// its loop closes: the application protocol's, when it counts them.
func (s *tlsPlainSide) unreadBytes() int {
	n := s.t.pipe.buffered()
	if b, ok := s.t.app.(interface{ unreadBytes() int }); ok {
		n += b.unreadBytes()
	}
	return n
}
