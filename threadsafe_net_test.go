//go:build unix

package asyncio_test

import (
	"context"
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
		calls := append(transportCalls("Transport", tr, "peername"), []foreignCall{
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
		}...)
		return callFromAPlainGoroutine(ctx, t, calls)
	})
}
