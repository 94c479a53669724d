//go:build unix

package asyncio_test

import (
	"context"
	"sync"
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
		ok := func(fn func()) func() error { return func() error { fn(); return nil } }
		calls := []foreignCall{
			{"TLSTransport.Write", refuses, func() error { return tr.Write([]byte("x")) }},
			{"TLSTransport.Writelines", refuses, func() error { return tr.Writelines([][]byte{[]byte("x")}) }},
			{"TLSTransport.WriteEOF", refuses, tr.WriteEOF},
			{"TLSTransport.Close", refuses, tr.Close},
			{"TLSTransport.CanWriteEOF", works, ok(func() { tr.CanWriteEOF() })},
			{"TLSTransport.Loop", works, ok(func() { tr.Loop() })},
			{"TLSTransport.Abort", panics, ok(tr.Abort)},
			{"TLSTransport.IsClosing", panics, ok(func() { tr.IsClosing() })},
			{"TLSTransport.PauseReading", panics, ok(tr.PauseReading)},
			{"TLSTransport.ResumeReading", panics, ok(tr.ResumeReading)},
			{"TLSTransport.IsReading", panics, ok(func() { tr.IsReading() })},
			{"TLSTransport.GetWriteBufferSize", panics, ok(func() { tr.GetWriteBufferSize() })},
			{"TLSTransport.SetWriteBufferLimits", panics, ok(func() { tr.SetWriteBufferLimits(0, 0) })},
			{"TLSTransport.GetWriteBufferLimits", panics, ok(func() { tr.GetWriteBufferLimits() })},
			{"TLSTransport.GetExtraInfo", panics, ok(func() { tr.GetExtraInfo("tls") })},
			{"EventLoop.StartTLS", refuses, func() error { _, err := l.StartTLS(ctx, tr, nil, pki.client()); return err }},
			{"StreamWriter.StartTLS", refuses, func() error { return w.StartTLS(ctx, pki.client()) }},
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			var wg sync.WaitGroup
			wg.Go(func() {
				for _, c := range calls {
					got, err := callForeign(c)
					if err != nil || got != c.want {
						t.Errorf("%s from a plain goroutine: %s (%v), want %s", c.name, got, err, c.want)
					}
				}
			})
			wg.Wait()
		}()
		_, _, err = asyncio.Recv(ctx, done)
		return err
	})
}
