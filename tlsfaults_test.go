//go:build unix

package asyncio_test

// The TLS fault tests: bad peers, bad certificates, stalled handshakes,
// resets and truncations, a reader that never reads, large messages.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

func TestTLSPlainTCPClientFailsItsHandshakeAndTheServerGoesOn(t *testing.T) {
	pki := newTestPKI(t)
	asynciotest.Run(t, func(ctx context.Context) error {
		l := runningLoop(t, ctx)
		l.SetDebug(true) // failed server handshakes are reported in debug mode only
		got := asynciotest.Exceptions(l)
		calls := 0
		srv, err := asyncio.StartServer(ctx, func(ctx context.Context, r *asyncio.StreamReader, w *asyncio.StreamWriter) error {
			calls++
			return echoLines(ctx, r, w)
		}, "tcp", "127.0.0.1:0", asyncio.WithTLS(pki.server()))
		if err != nil {
			return err
		}
		defer srv.Close()
		addr := srv.Sockets()[0].String()
		before := openFDs(t)
		peer, err := dialRaw(ctx, addr)
		if err != nil {
			return err
		}
		defer peer.Close()
		if err := writeRaw(ctx, peer, []byte("GET / HTTP/1.0\r\n\r\n")); err != nil {
			return err
		}
		// The server answers with an alert, or nothing, and closes.
		if _, err := asyncio.ToThread(ctx, func(context.Context) ([]byte, error) { return io.ReadAll(peer) }); err != nil && !errors.Is(err, syscall.ECONNRESET) {
			return err
		}
		peer.Close()
		awaitNoFDLeak(ctx, t, before)
		if calls != 0 {
			t.Errorf("the handler ran %d times for a connection whose handshake failed", calls)
		}
		if ex := got(); len(ex) != 1 || ex[0].Message == "" || !strings.Contains(ex[0].Err.Error(), "TLS handshake") {
			t.Errorf("exceptions reported = %+v, want one failed handshake", ex)
		}
		// The server goes on: a TLS client is served.
		r, w, err := asyncio.OpenConnection(ctx, "tcp", addr, asyncio.WithTLS(pki.client()))
		if err != nil {
			return err
		}
		defer w.Close()
		if err := w.Write([]byte("ping\n")); err != nil {
			return err
		}
		if line, err := r.ReadLine(ctx); err != nil || string(line) != "ping\n" {
			t.Errorf("echo after a failed handshake = %q, %v", line, err)
		}
		return nil
	})
}

func TestTLSCertificateForAnotherHostIsAHostnameError(t *testing.T) {
	pki := newTestPKI(t)
	asynciotest.Run(t, func(ctx context.Context) error {
		srv, err := asyncio.StartServer(ctx, echoLines, "tcp", "127.0.0.1:0", asyncio.WithTLS(pki.server()))
		if err != nil {
			return err
		}
		defer srv.Close()
		before := openFDs(t)
		_, _, err = asyncio.OpenConnection(ctx, "tcp", srv.Sockets()[0].String(),
			asyncio.WithTLS(pki.client()), asyncio.WithServerHostname("example.com"))
		var he x509.HostnameError
		if !errors.As(err, &he) || he.Host != "example.com" {
			t.Errorf("OpenConnection to a certificate for localhost as example.com: %v, want an x509.HostnameError", err)
		}
		awaitNoFDLeak(ctx, t, before)
		return nil
	})
}

func TestTLSHandshakeThatNeverCompletesTimesOut(t *testing.T) {
	pki := newTestPKI(t)
	asynciotest.Run(t, func(ctx context.Context) error {
		ln := listenRaw(t)
		// A server opened and closed gives the loop its poller's fds first.
		srv, err := asyncio.StartServer(ctx, echoLines, "tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		_ = srv.Close()
		before := openFDs(t)
		// The peer accepts and says nothing.
		acc := acceptLater(ctx, ln)
		_, _, err = asyncio.OpenConnection(ctx, "tcp", ln.Addr().String(),
			asyncio.WithTLS(pki.client()), asyncio.WithTLSHandshakeTimeout(100*time.Millisecond))
		if !errors.Is(err, asyncio.ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("a handshake nobody answers: %v, want a timeout", err)
		}
		peer, aerr := acc.Await(ctx)
		if aerr != nil {
			return aerr
		}
		peer.Close()
		// The ctx's deadline bounds the handshake too.
		acc = acceptLater(ctx, ln)
		err = asyncio.Timeout(ctx, 100*time.Millisecond, func(ctx context.Context) error {
			_, _, err := asyncio.OpenConnection(ctx, "tcp", ln.Addr().String(), asyncio.WithTLS(pki.client()))
			return err
		})
		if !errors.Is(err, asyncio.ErrTimeout) {
			t.Errorf("a handshake past the ctx's deadline: %v, want a timeout", err)
		}
		peer, aerr = acc.Await(ctx)
		if aerr != nil {
			return aerr
		}
		peer.Close()
		awaitNoFDLeak(ctx, t, before)
		return nil
	})
}

func TestTLSServerHandshakeTimeoutClosesASilentClient(t *testing.T) {
	pki := newTestPKI(t)
	asynciotest.Run(t, func(ctx context.Context) error {
		srv, err := asyncio.StartServer(ctx, echoLines, "tcp", "127.0.0.1:0",
			asyncio.WithTLS(pki.server()), asyncio.WithTLSHandshakeTimeout(50*time.Millisecond))
		if err != nil {
			return err
		}
		defer srv.Close()
		peer, err := dialRaw(ctx, srv.Sockets()[0].String())
		if err != nil {
			return err
		}
		defer peer.Close()
		start := time.Now()
		if _, err := asyncio.ToThread(ctx, func(context.Context) ([]byte, error) { return io.ReadAll(peer) }); err != nil && !errors.Is(err, syscall.ECONNRESET) {
			return err
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("the server closed a silent client after %v", d)
		}
		return nil
	})
}

func TestTLSLoopClosingMidHandshakeLeavesNoGoroutine(t *testing.T) {
	pki := newTestPKI(t)
	asynciotest.Run(t, func(ctx context.Context) error {
		srv, err := asyncio.StartServer(ctx, echoLines, "tcp", "127.0.0.1:0", asyncio.WithTLS(pki.server()))
		if err != nil {
			return err
		}
		peer, err := dialRaw(ctx, srv.Sockets()[0].String())
		if err != nil {
			return err
		}
		defer peer.Close()
		// Let the server accept and start the handshake, then return: the
		// loop closes with it waiting for the ClientHello (goleak checks
		// that its goroutine went).
		return asyncio.Sleep(ctx, 20*time.Millisecond)
	})
}

// blockingTask runs fn off the loop in a task of its own, so that the test
// can connect while a raw peer waits to accept.
func blockingTask[T any](ctx context.Context, fn func() (T, error)) *asyncio.Task[T] {
	return asyncio.CreateTask(ctx, func(ctx context.Context) (T, error) {
		return asyncio.ToThread(ctx, func(context.Context) (T, error) { return fn() })
	})
}

// acceptLater accepts one connection on ln in a task of its own.
func acceptLater(ctx context.Context, ln *net.TCPListener) *asyncio.Task[*net.TCPConn] {
	return blockingTask(ctx, ln.AcceptTCP)
}

// cutConn is a raw peer's net.Conn that, once armed, sends only the first
// keep bytes of the next write and then resets (or closes) the connection:
// a TLS record cut in the middle.
type cutConn struct {
	*net.TCPConn
	armed bool
	keep  int
	reset bool
}

func (c *cutConn) Write(b []byte) (int, error) {
	if !c.armed {
		return c.TCPConn.Write(b)
	}
	if _, err := c.TCPConn.Write(b[:c.keep]); err != nil {
		return 0, err
	}
	if c.reset {
		return 0, resetRaw(c.TCPConn)
	}
	return 0, c.TCPConn.Close()
}

// tlsRawPeer accepts one connection on ln and completes a TLS server
// handshake on it, off the loop.
func tlsRawPeer(ctx context.Context, ln *net.TCPListener, cfg *tls.Config) *asyncio.Task[*tlsPeer] {
	return blockingTask(ctx, func() (*tlsPeer, error) {
		c, err := ln.AcceptTCP()
		if err != nil {
			return nil, err
		}
		cc := &cutConn{TCPConn: c}
		tc := tls.Server(cc, cfg)
		if err := tc.Handshake(); err != nil {
			c.Close()
			return nil, err
		}
		return &tlsPeer{cut: cc, tc: tc}, nil
	})
}

type tlsPeer struct {
	cut *cutConn
	tc  *tls.Conn
}

func TestTLSPeerEndingMidRecordFailsTheRead(t *testing.T) {
	pki := newTestPKI(t)
	for _, reset := range []bool{true, false} {
		asynciotest.Run(t, func(ctx context.Context) error {
			ln := listenRaw(t)
			acc := tlsRawPeer(ctx, ln, pki.server())
			r, w, err := asyncio.OpenConnection(ctx, "tcp", ln.Addr().String(), asyncio.WithTLS(pki.client()))
			if err != nil {
				return err
			}
			defer w.Close()
			peer, err := acc.Await(ctx)
			if err != nil {
				return err
			}
			defer peer.cut.Close()
			peer.cut.armed, peer.cut.keep, peer.cut.reset = true, 100, reset
			if _, err := asyncio.ToThread(ctx, func(context.Context) (int, error) { return peer.tc.Write(make([]byte, 1000)) }); err != nil && !errors.Is(err, net.ErrClosed) {
				return err
			}
			_, err = r.ReadExactly(ctx, 1000)
			switch {
			case reset && !errors.Is(err, syscall.ECONNRESET):
				t.Errorf("a reset in the middle of a record: %v, want ECONNRESET", err)
			case !reset && !errors.Is(err, io.ErrUnexpectedEOF):
				t.Errorf("an EOF in the middle of a record: %v, want io.ErrUnexpectedEOF", err)
			}
			return nil
		})
	}
}

func TestTLSPeerClosingWithoutCloseNotifyIsAnEOF(t *testing.T) {
	pki := newTestPKI(t)
	asynciotest.Run(t, func(ctx context.Context) error {
		ln := listenRaw(t)
		acc := tlsRawPeer(ctx, ln, pki.server())
		r, w, err := asyncio.OpenConnection(ctx, "tcp", ln.Addr().String(), asyncio.WithTLS(pki.client()))
		if err != nil {
			return err
		}
		peer, err := acc.Await(ctx)
		if err != nil {
			return err
		}
		if _, err := asyncio.ToThread(ctx, func(context.Context) (int, error) { return peer.tc.Write([]byte("last words")) }); err != nil {
			return err
		}
		peer.cut.Close() // the TCP connection, at a record boundary, with no close_notify
		got, err := r.Read(ctx, -1)
		if err != nil || string(got) != "last words" {
			t.Errorf("Read to EOF = %q, %v; want the data and a clean EOF, as asyncio reports it", got, err)
		}
		_ = w.Close()
		if err := w.WaitClosed(ctx); err != nil {
			t.Errorf("WaitClosed = %v, want nil", err)
		}
		return nil
	})
}

func TestTLSCloseSendsCloseNotify(t *testing.T) {
	pki := newTestPKI(t)
	cfg := pki.server()
	cfg.MaxVersion = tls.VersionTLS12 // alerts travel in the clear: the test can see the close_notify
	asynciotest.Run(t, func(ctx context.Context) error {
		ln := listenRaw(t)
		acc := tlsRawPeer(ctx, ln, cfg)
		_, w, err := asyncio.OpenConnection(ctx, "tcp", ln.Addr().String(), asyncio.WithTLS(pki.client()))
		if err != nil {
			return err
		}
		peer, err := acc.Await(ctx)
		if err != nil {
			return err
		}
		defer peer.cut.Close()
		if err := w.Close(); err != nil {
			return err
		}
		rest, err := asyncio.ToThread(ctx, func(context.Context) ([]byte, error) { return io.ReadAll(peer.cut.TCPConn) })
		if err != nil {
			return err
		}
		// One record: alert (21), TLS 1.2, 26 bytes (an encrypted two-byte alert).
		if len(rest) < 5 || rest[0] != 21 {
			t.Errorf("the bytes sent on Close = % x, want a close_notify alert record", rest)
		}
		return w.WaitClosed(ctx)
	})
}

func TestTLSClientThatNeverReadsSuspendsDrainWithTheBufferBounded(t *testing.T) {
	const total, chunkSize = 16 << 20, 16 << 10
	pki := newTestPKI(t)
	chunk := make([]byte, chunkSize)
	for i := range chunk {
		chunk[i] = byte(i)
	}
	var written, maxBuf, high int
	done := false
	asynciotest.Run(t, func(ctx context.Context) error {
		srv, err := asyncio.StartServer(ctx, func(ctx context.Context, r *asyncio.StreamReader, w *asyncio.StreamWriter) error {
			_, high = w.Transport().GetWriteBufferLimits()
			for written < total {
				if err := w.Write(chunk); err != nil {
					return err
				}
				written += len(chunk)
				maxBuf = max(maxBuf, w.Transport().GetWriteBufferSize())
				if err := w.Drain(ctx); err != nil {
					return err
				}
			}
			done = true
			return nil
		}, "tcp", "127.0.0.1:0", asyncio.WithTLS(pki.server()))
		if err != nil {
			return err
		}
		defer srv.Close()
		raw, err := dialRaw(ctx, srv.Sockets()[0].String())
		if err != nil {
			return err
		}
		defer raw.Close()
		ccfg := pki.client()
		ccfg.ServerName = "localhost"
		peer := tls.Client(raw, ccfg)
		if _, err := asyncio.ToThread(ctx, func(context.Context) (struct{}, error) { return struct{}{}, peer.Handshake() }); err != nil {
			return err
		}
		if err := asyncio.Sleep(ctx, 100*time.Millisecond); err != nil {
			return err
		}
		stalled := written
		if err := asyncio.Sleep(ctx, 100*time.Millisecond); err != nil {
			return err
		}
		switch {
		case done || written >= total:
			t.Fatalf("the server wrote all %d bytes to a client that never reads", total)
		case written != stalled:
			t.Errorf("the server went on writing (%d then %d bytes) while the client read nothing", stalled, written)
		case maxBuf > high+chunkSize+1024:
			t.Errorf("the write buffer reached %d bytes, want at most the high watermark %d plus a write's records", maxBuf, high)
		}
		got, err := asyncio.ToThread(ctx, func(context.Context) ([]byte, error) {
			b := make([]byte, total)
			_, err := io.ReadFull(peer, b)
			return b, err
		})
		if err != nil {
			return err
		}
		for off := 0; off < total; off += chunkSize {
			if !bytes.Equal(got[off:off+chunkSize], chunk) {
				t.Fatalf("the bytes from %d on are not the ones written", off)
			}
		}
		for !done {
			if err := asyncio.Sleep(ctx, time.Millisecond); err != nil {
				return err
			}
		}
		return nil
	})
}

func TestTLSLargeMessagesArriveWhole(t *testing.T) {
	pki := newTestPKI(t)
	for _, size := range []int{64 << 10, 1 << 20} {
		asynciotest.Run(t, func(ctx context.Context) error {
			srv, err := asyncio.StartServer(ctx, func(ctx context.Context, r *asyncio.StreamReader, w *asyncio.StreamWriter) error {
				msg, err := r.ReadExactly(ctx, size)
				if err != nil {
					return err
				}
				if err := w.Write(msg); err != nil {
					return err
				}
				return w.Drain(ctx)
			}, "tcp", "127.0.0.1:0", asyncio.WithTLS(pki.server()))
			if err != nil {
				return err
			}
			defer srv.Close()
			r, w, err := asyncio.OpenConnection(ctx, "tcp", srv.Sockets()[0].String(), asyncio.WithTLS(pki.client()))
			if err != nil {
				return err
			}
			defer w.Close()
			msg := make([]byte, size)
			for i := range msg {
				msg[i] = byte(i * 7 / 3)
			}
			sum := sha256.Sum256(msg)
			if err := w.Write(msg); err != nil {
				return err
			}
			if err := w.Drain(ctx); err != nil {
				return err
			}
			got, err := r.ReadExactly(ctx, size)
			if err != nil {
				return err
			}
			if sha256.Sum256(got) != sum {
				t.Errorf("the %d-byte echo differs from the message sent", size)
			}
			return nil
		})
	}
}
