//go:build unix

package asyncio_test

import (
	"context"
	"sync"
	"testing"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

// The Transport and Server rows of the cross-goroutine table
// (TestEveryMethodFromAPlainGoroutineWorksOrRefuses), on a live loopback
// connection.
func TestEveryNetworkMethodFromAPlainGoroutineWorksOrRefuses(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		srv, err := asyncio.CreateServer(ctx, func() asyncio.Protocol { return &echoProtocol{} }, "tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer srv.Close()
		tr, _, err := asyncio.CreateConnection(ctx, func() asyncio.Protocol { return &echoProtocol{} }, "tcp", srv.Sockets()[0].String())
		if err != nil {
			return err
		}
		defer tr.Close()
		ok := func(fn func()) func() error { return func() error { fn(); return nil } }
		calls := []foreignCall{
			{"Transport.Write", refuses, func() error { return tr.Write([]byte("x")) }},
			{"Transport.Writelines", refuses, func() error { return tr.Writelines([][]byte{[]byte("x")}) }},
			{"Transport.WriteEOF", refuses, tr.WriteEOF},
			{"Transport.Close", refuses, tr.Close},
			{"Transport.CanWriteEOF", works, ok(func() { tr.CanWriteEOF() })},
			{"Transport.Loop", works, ok(func() { tr.Loop() })},
			{"Transport.Abort", panics, ok(tr.Abort)},
			{"Transport.IsClosing", panics, ok(func() { tr.IsClosing() })},
			{"Transport.PauseReading", panics, ok(tr.PauseReading)},
			{"Transport.ResumeReading", panics, ok(tr.ResumeReading)},
			{"Transport.IsReading", panics, ok(func() { tr.IsReading() })},
			{"Transport.GetWriteBufferSize", panics, ok(func() { tr.GetWriteBufferSize() })},
			{"Transport.SetWriteBufferLimits", panics, ok(func() { tr.SetWriteBufferLimits(0, 0) })},
			{"Transport.GetWriteBufferLimits", panics, ok(func() { tr.GetWriteBufferLimits() })},
			{"Transport.GetExtraInfo", panics, ok(func() { tr.GetExtraInfo("peername") })},
			{"Server.StartServing", refuses, srv.StartServing},
			{"Server.ServeForever", refuses, func() error { return srv.ServeForever(ctx) }},
			{"Server.Close", refuses, srv.Close},
			{"Server.CloseClients", refuses, srv.CloseClients},
			{"Server.AbortClients", refuses, srv.AbortClients},
			{"Server.WaitClosed", refuses, func() error { return srv.WaitClosed(ctx) }},
			{"Server.IsServing", panics, ok(func() { srv.IsServing() })},
			{"Server.Sockets", works, ok(func() { srv.Sockets() })},
			{"Server.Loop", works, ok(func() { srv.Loop() })},
			{"Server.String", panics, ok(func() { _ = srv.String() })},
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
