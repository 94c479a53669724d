//go:build unix

package asyncio_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"testing"

	"github.com/asyncio-go/asyncio"
)

// BenchmarkTLSEchoLoopback is BenchmarkEchoLoopback over TLS 1.3: a 1 KiB
// request and its 1 KiB echo per op, client and server in the process, on
// one loop, through the streams API over real sockets. The handshake is
// done before the timer starts; what is measured is the record layer on
// the loop (one seal and one open per message at each end) and the sockets.
func BenchmarkTLSEchoLoopback(b *testing.B) {
	const size = 1 << 10
	b.ReportAllocs()
	b.SetBytes(size)
	pki := newTestPKI(b)
	msg := bytes.Repeat([]byte("x"), size)
	err := asyncio.Run(func(ctx context.Context) error {
		srv, err := asyncio.StartServer(ctx, func(ctx context.Context, r *asyncio.StreamReader, w *asyncio.StreamWriter) error {
			for {
				req, err := r.ReadExactly(ctx, size)
				if err != nil {
					if r.AtEOF() {
						return nil
					}
					return err
				}
				if err := w.Write(req); err != nil {
					return err
				}
				if err := w.Drain(ctx); err != nil {
					return err
				}
			}
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
		if _, ok := w.GetExtraInfo("tls").(tls.ConnectionState); !ok {
			b.Fatal("not a TLS connection")
		}
		for b.Loop() {
			if err := w.Write(msg); err != nil {
				return err
			}
			if err := w.Drain(ctx); err != nil {
				return err
			}
			if _, err := r.ReadExactly(ctx, size); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}
