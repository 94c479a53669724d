//go:build unix

package asyncio

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
)

// newTLS returns the TLS transport that will carry app over a connection
// made with the options in c, on the server's side or the client's; address
// is the one connected to, whose host a client checks the server's
// certificate against when neither the Config nor WithServerHostname names
// one (crypto/tls's Dial does the same).
func (c netConfig) newTLS(l *EventLoop, server bool, app Protocol, address string) *tlsTransport {
	cfg := c.tls.Clone()
	if !server {
		switch {
		case c.hasServerName:
			cfg.ServerName = c.serverName
		case cfg.ServerName == "":
			if host, _, err := net.SplitHostPort(address); err == nil {
				cfg.ServerName = host
			}
		}
	}
	t := newTLSTransport(l, cfg, server, app)
	t.hsTimeout = c.tlsTimeout
	l.own(t)
	return t
}

// awaitHandshake suspends the caller until t's handshake ends, and returns
// its error. A cancelled or expired ctx aborts the connection and returns
// ctx's error.
func awaitHandshake(ctx context.Context, l *EventLoop, t *tlsTransport) error {
	done := &futureCore{loop: l}
	t.onHandshake = func(err error) {
		if done.state == statePending {
			done.complete(stateFinished, err)
		}
	}
	if err := await(ctx, done); err != nil {
		t.onHandshake = nil
		t.Abort()
		return err
	}
	done.markRetrieved()
	return done.err()
}

// reportHandshake is a server connection's onHandshake: a failed handshake
// is reported only in debug mode, as asyncio logs the OSError of a failed
// SSL handshake only then; a client speaking plain TCP to a TLS port is
// everyday noise.
func (t *tlsTransport) reportHandshake(err error) {
	if err != nil && t.l.GetDebug() {
		t.l.handle(ExceptionContext{Message: "SSL handshake failed on " + t.String(), Err: err})
	}
}

// StartTLS upgrades the connection of transport t, whose protocol is p, to
// TLS configured by cfg, and returns the new transport once the handshake
// has succeeded: asyncio's loop.start_tls, for STARTTLS protocols. From then
// on p receives the decrypted data through the new transport, and t must not
// be used. p's ConnectionMade is not called again (it has its transport:
// the returned one replaces it). The client's side is the default;
// WithServerSide(true) takes the server's. [WithServerHostname] and
// [WithTLSHandshakeTimeout] apply, as for [WithTLS]; a client's cfg must name
// the server (ServerName) unless one of them does.
//
// It returns the handshake's error (a certificate that does not match
// matches x509.HostnameError through errors.As), one matching ErrTimeout
// when the handshake timeout passes, ctx's error when ctx ends first, and
// ErrTransportClosing when t is closing; in each case the connection is
// closed. It returns an error matching errors.ErrUnsupported for a transport
// that the loop did not make, ErrNotInCoroutine where ctx's coroutine is not
// the caller, and an error matching ErrWrongLoop when it runs on another
// loop than t's. It panics if cfg is nil.
//
// Bytes t received before the call were delivered to p; the peer must not
// send TLS records before it is told to (a STARTTLS exchange waits for the
// reply). [StreamWriter.StartTLS] also passes on the bytes its reader holds.
func (l *EventLoop) StartTLS(ctx context.Context, t Transport, p Protocol, cfg *tls.Config, opts ...NetOption) (Transport, error) {
	return l.startTLS(ctx, t, p, cfg, opts, nil)
}

func (l *EventLoop) startTLS(ctx context.Context, t Transport, p Protocol, cfg *tls.Config, opts []NetOption, early []byte) (Transport, error) {
	if cfg == nil {
		panic("asyncio: StartTLS: nil *tls.Config")
	}
	task, err := runningTask(ctx)
	if err != nil {
		return nil, err
	}
	if task.fut.loop != l || t.Loop() != l {
		return nil, wrongLoop("StartTLS on a transport that")
	}
	st, ok := t.(*sockTransport)
	if !ok {
		return nil, fmt.Errorf("asyncio: StartTLS: %T is not a transport of the loop's: %w", t, errors.ErrUnsupported)
	}
	if st.closing {
		return nil, ErrTransportClosing
	}
	c := newNetConfig(append([]NetOption{WithTLS(cfg)}, opts...))
	address := ""
	if a, ok := st.GetExtraInfo("peername").(net.Addr); ok {
		address = a.String()
	}
	tt := c.newTLS(l, c.serverSide, p, address)
	tt.callMade = false
	tt.made = true // p has had its ConnectionMade: it is owed ConnectionLost
	st.proto = tt.side
	if len(early) > 0 {
		tt.pipe.feed(early)
	}
	tt.side.ConnectionMade(st)
	if !st.reading && st.started {
		st.ResumeReading() // the old protocol may have paused it; the handshake needs it
	}
	if err := awaitHandshake(ctx, l, tt); err != nil {
		return nil, err
	}
	return tt, nil
}

// StartTLS upgrades w's connection to TLS, as [EventLoop.StartTLS] does, and
// makes w and its reader use the TLS transport: asyncio's
// StreamWriter.start_tls. It drains w first. Bytes the reader holds unread
// at the call are the peer's first TLS bytes (a client that sent its hello
// right after the STARTTLS command): they go to the handshake, not lost. The
// options and errors are those of [EventLoop.StartTLS], with those of Drain.
func (w *StreamWriter) StartTLS(ctx context.Context, cfg *tls.Config, opts ...NetOption) error {
	if cfg == nil {
		panic("asyncio: StreamWriter.StartTLS: nil *tls.Config")
	}
	if err := w.enter(ctx); err != nil {
		return err
	}
	if err := w.Drain(ctx); err != nil {
		return err
	}
	var early []byte
	if r := w.r; r != nil {
		early = append(early, r.buf[r.off:]...)
		r.buf, r.off = r.buf[:0], 0
		r.paused = false
	}
	tt, err := w.t.Loop().startTLS(ctx, w.t, w.p, cfg, opts, early)
	if err != nil {
		return err
	}
	w.t, w.p.transport = tt, tt
	if w.r != nil {
		w.r.transport = tt
	}
	return nil
}
