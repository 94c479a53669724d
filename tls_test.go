//go:build unix

package asyncio_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
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
