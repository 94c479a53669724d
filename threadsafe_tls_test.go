//go:build unix

package asyncio_test

import (
	"context"
	"testing"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

// The TLS rows of the cross-goroutine table: a TLS transport answers as a
// socket transport does, and the StartTLS calls refuse.
func TestEveryTLSMethodFromAPlainGoroutineWorksOrRefuses(t *testing.T) {
	pki := newTestPKI(t)
	asynciotest.Run(t, func(ctx context.Context) error {
		srv, err := asyncio.StartServer(ctx, echoLines, "tcp", "127.0.0.1:0", asyncio.WithTLS(pki.server()))
		if err != nil {
			return err
		}
		defer srv.Close()
		_, w, err := asyncio.OpenConnection(ctx, "tcp", srv.Sockets()[0].String(), asyncio.WithTLS(pki.client()))
		if err != nil {
			return err
		}
		defer w.Close()
		tr, l := w.Transport(), runningLoop(t, ctx)
		calls := append(transportCalls("TLSTransport", tr, "tls"), []foreignCall{
			{"EventLoop.StartTLS", refuses, func() error { _, err := l.StartTLS(ctx, tr, nil, pki.client()); return err }},
			{"StreamWriter.StartTLS", refuses, func() error { return w.StartTLS(ctx, pki.client()) }},
		}...)
		return callFromAPlainGoroutine(ctx, t, calls)
	})
}
