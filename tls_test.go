//go:build unix

package asyncio_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

func TestTLSEchoOverLoopback(t *testing.T) {
	pki := newTestPKI(t)
	asynciotest.Run(t, func(ctx context.Context) error {
		srv, err := asyncio.StartServer(ctx, echoLines, "tcp", "127.0.0.1:0", asyncio.WithTLS(pki.server()))
		if err != nil {
			return err
		}
		defer srv.Close()
		r, w, err := asyncio.OpenConnection(ctx, "tcp", srv.Sockets()[0].String(), asyncio.WithTLS(pki.client()))
		if err != nil {
			return err
		}
		for _, msg := range []string{"Hello\n", "World!\n"} {
			if err := w.Write([]byte(msg)); err != nil {
				return err
			}
			got, err := r.ReadLine(ctx)
			if err != nil || string(got) != msg {
				t.Errorf("echo of %q = %q, %v", msg, got, err)
			}
		}
		cs, ok := w.GetExtraInfo("tls").(tls.ConnectionState)
		if !ok || !cs.HandshakeComplete || cs.Version != tls.VersionTLS13 {
			t.Errorf(`GetExtraInfo("tls") = %#v`, w.GetExtraInfo("tls"))
		}
		if c, ok := w.GetExtraInfo("peercert").(*x509.Certificate); !ok || c.Subject.CommonName != "localhost" {
			t.Errorf(`GetExtraInfo("peercert") = %v`, w.GetExtraInfo("peercert"))
		}
		if w.CanWriteEOF() {
			t.Error("CanWriteEOF() = true over TLS")
		}
		if err := w.Close(); err != nil {
			return err
		}
		return w.WaitClosed(ctx)
	})
}

func TestTLSExtraInfoNamesTheProtocolCipherAndPeer(t *testing.T) {
	pki := newTestPKI(t)
	scfg := pki.server()
	scfg.NextProtos = []string{"echo/1"}
	scfg.ClientAuth = tls.RequireAndVerifyClientCert
	scfg.ClientCAs = pki.roots
	ccfg := pki.client()
	ccfg.NextProtos = []string{"echo/2", "echo/1"}
	ccfg.Certificates = []tls.Certificate{pki.cert}
	asynciotest.Run(t, func(ctx context.Context) error {
		var serverSaw any
		srv, err := asyncio.StartServer(ctx, func(ctx context.Context, r *asyncio.StreamReader, w *asyncio.StreamWriter) error {
			serverSaw = w.GetExtraInfo("peercert")
			return echoLines(ctx, r, w)
		}, "tcp", "127.0.0.1:0", asyncio.WithTLS(scfg))
		if err != nil {
			return err
		}
		defer srv.Close()
		r, w, err := asyncio.OpenConnection(ctx, "tcp", srv.Sockets()[0].String(), asyncio.WithTLS(ccfg))
		if err != nil {
			return err
		}
		defer w.Close()
		if err := w.Write([]byte("hi\n")); err != nil {
			return err
		}
		if _, err := r.ReadLine(ctx); err != nil {
			return err
		}
		if got := w.GetExtraInfo("alpn"); got != "echo/1" {
			t.Errorf(`GetExtraInfo("alpn") = %v, want echo/1`, got)
		}
		if got, _ := w.GetExtraInfo("cipher").(string); !strings.HasPrefix(got, "TLS_") {
			t.Errorf(`GetExtraInfo("cipher") = %v, want a cipher suite name`, got)
		}
		if got := w.GetExtraInfo("tlsversion"); got != "TLS 1.3" {
			t.Errorf(`GetExtraInfo("tlsversion") = %v, want TLS 1.3`, got)
		}
		if got, _ := w.GetExtraInfo("peercerts").([]*x509.Certificate); len(got) != 1 {
			t.Errorf(`GetExtraInfo("peercerts") = %v, want the server's one certificate`, got)
		}
		if got, ok := w.GetExtraInfo("sslcontext").(*tls.Config); !ok || got.ServerName != "127.0.0.1" {
			t.Errorf(`GetExtraInfo("sslcontext") = %v, want the client's Config naming 127.0.0.1`, got)
		}
		if _, ok := w.GetExtraInfo("peername").(net.Addr); !ok {
			t.Errorf(`GetExtraInfo("peername") = %v, want the socket's`, w.GetExtraInfo("peername"))
		}
		if c, ok := serverSaw.(*x509.Certificate); !ok || c.Subject.CommonName != "localhost" {
			t.Errorf(`the server's GetExtraInfo("peercert") = %v, want the client's certificate`, serverSaw)
		}
		return nil
	})
}

func TestTLSPeercertWithoutAClientCertificateIsNil(t *testing.T) {
	pki := newTestPKI(t)
	asynciotest.Run(t, func(ctx context.Context) error {
		saw := any("unset")
		srv, err := asyncio.StartServer(ctx, func(ctx context.Context, r *asyncio.StreamReader, w *asyncio.StreamWriter) error {
			saw = w.GetExtraInfo("peercert")
			return nil
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
		if _, err := r.Read(ctx, -1); err != nil {
			return err
		}
		if saw != nil {
			t.Errorf(`GetExtraInfo("peercert") of a client with no certificate = %v, want nil`, saw)
		}
		return nil
	})
}

// prefixConn sends prefix before its first write: a STARTTLS client that
// sends its ClientHello in the same segment as the command.
type prefixConn struct {
	net.Conn
	prefix []byte
}

func (c *prefixConn) Write(b []byte) (int, error) {
	if c.prefix != nil {
		b = append(c.prefix, b...)
		c.prefix = nil
		n, err := c.Conn.Write(b)
		return max(0, n-len(b)), err
	}
	return c.Conn.Write(b)
}

// startTLSServer serves one STARTTLS exchange: a line "STARTTLS\n", an
// "OK\n" reply when reply is set, then TLS and an echo of lines.
func startTLSServer(pki testPKI, reply bool) asyncio.StreamHandler {
	return func(ctx context.Context, r *asyncio.StreamReader, w *asyncio.StreamWriter) error {
		line, err := r.ReadLine(ctx)
		if err != nil || string(line) != "STARTTLS\n" {
			return fmt.Errorf("want STARTTLS, got %q, %v", line, err)
		}
		if reply {
			if err := w.Write([]byte("OK\n")); err != nil {
				return err
			}
		}
		if err := w.StartTLS(ctx, pki.server(), asyncio.WithServerSide(true)); err != nil {
			return err
		}
		if _, ok := w.GetExtraInfo("tls").(tls.ConnectionState); !ok {
			return errors.New("no TLS state after StartTLS")
		}
		return echoLines(ctx, r, w)
	}
}

func TestTLSStartTLSUpgradesBothEndsOfAStream(t *testing.T) {
	pki := newTestPKI(t)
	asynciotest.Run(t, func(ctx context.Context) error {
		srv, err := asyncio.StartServer(ctx, startTLSServer(pki, true), "tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer srv.Close()
		r, w, err := asyncio.OpenConnection(ctx, "tcp", srv.Sockets()[0].String())
		if err != nil {
			return err
		}
		defer w.Close()
		if err := w.Write([]byte("STARTTLS\n")); err != nil {
			return err
		}
		if line, err := r.ReadLine(ctx); err != nil || string(line) != "OK\n" {
			return fmt.Errorf("STARTTLS reply %q, %v", line, err)
		}
		if err := w.StartTLS(ctx, pki.client()); err != nil {
			return err
		}
		if err := w.Write([]byte("secret\n")); err != nil {
			return err
		}
		if line, err := r.ReadLine(ctx); err != nil || string(line) != "secret\n" {
			t.Errorf("echo over the upgraded stream = %q, %v", line, err)
		}
		if w.CanWriteEOF() {
			t.Error("the upgraded writer says it can write EOF")
		}
		return nil
	})
}

func TestTLSStartTLSHandsTheBytesAlreadyReadToTheHandshake(t *testing.T) {
	pki := newTestPKI(t)
	asynciotest.Run(t, func(ctx context.Context) error {
		srv, err := asyncio.StartServer(ctx, startTLSServer(pki, false), "tcp", "127.0.0.1:0")
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
		peer := tls.Client(&prefixConn{Conn: raw, prefix: []byte("STARTTLS\n")}, ccfg)
		got, err := asyncio.ToThread(ctx, func(context.Context) (string, error) {
			if _, err := peer.Write([]byte("secret\n")); err != nil {
				return "", err
			}
			b := make([]byte, len("secret\n"))
			_, err := io.ReadFull(peer, b)
			return string(b), err
		})
		if err != nil || got != "secret\n" {
			t.Errorf("echo after a ClientHello sent with the command = %q, %v", got, err)
		}
		return nil
	})
}

func TestTLSStartTLSMisuse(t *testing.T) {
	pki := newTestPKI(t)
	asynciotest.Run(t, func(ctx context.Context) error {
		srv, err := asyncio.StartServer(ctx, echoLines, "tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer srv.Close()
		_, w, err := asyncio.OpenConnection(ctx, "tcp", srv.Sockets()[0].String())
		if err != nil {
			return err
		}
		_ = w.Close()
		l := runningLoop(t, ctx)
		if _, err := l.StartTLS(ctx, w.Transport(), nil, pki.client()); !errors.Is(err, asyncio.ErrTransportClosing) {
			t.Errorf("StartTLS on a closing transport = %v, want ErrTransportClosing", err)
		}
		if _, err := l.StartTLS(context.Background(), w.Transport(), nil, pki.client()); !errors.Is(err, asyncio.ErrNotInCoroutine) {
			t.Errorf("StartTLS outside a coroutine = %v, want ErrNotInCoroutine", err)
		}
		defer func() {
			if recover() == nil {
				t.Error("StartTLS with a nil Config did not panic")
			}
		}()
		return w.StartTLS(ctx, nil)
	})
}

func TestTLSOverAUnixSocket(t *testing.T) {
	pki := newTestPKI(t)
	path := t.TempDir() + "/tls.sock"
	asynciotest.Run(t, func(ctx context.Context) error {
		srv, err := asyncio.StartUnixServer(ctx, echoLines, path, asyncio.WithTLS(pki.server()))
		if err != nil {
			return err
		}
		defer srv.Close()
		// A Unix path has no host to check the certificate against: the
		// client names the server.
		r, w, err := asyncio.OpenUnixConnection(ctx, path, asyncio.WithTLS(pki.client()), asyncio.WithServerHostname("localhost"))
		if err != nil {
			return err
		}
		defer w.Close()
		if err := w.Write([]byte("over unix\n")); err != nil {
			return err
		}
		if line, err := r.ReadLine(ctx); err != nil || string(line) != "over unix\n" {
			t.Errorf("echo over a Unix socket = %q, %v", line, err)
		}
		return nil
	})
}
