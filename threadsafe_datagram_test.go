//go:build unix

package asyncio_test

import (
	"context"
	"net"
	"testing"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

// The DatagramTransport and DatagramEndpoint rows of the cross-goroutine
// table (TestEveryMethodFromAPlainGoroutineWorksOrRefuses), on live
// loopback endpoints.
func TestEveryDatagramMethodFromAPlainGoroutineWorksOrRefuses(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		tr, _, err := asyncio.CreateDatagramEndpoint(ctx, func() asyncio.DatagramProtocol { return asyncio.BaseDatagramProtocol{} }, "udp", "127.0.0.1:0", "")
		if err != nil {
			return err
		}
		defer tr.Close()
		e, err := asyncio.OpenDatagramEndpoint(ctx, "udp", "", tr.GetExtraInfo("sockname").(net.Addr).String())
		if err != nil {
			return err
		}
		defer e.Close()
		ok := func(fn func()) func() error { return func() error { fn(); return nil } }
		calls := []foreignCall{
			{"DatagramTransport.SendTo", refuses, func() error { return tr.SendTo([]byte("x"), e.LocalAddr()) }},
			{"DatagramTransport.Close", refuses, tr.Close},
			{"DatagramTransport.Loop", works, ok(func() { tr.Loop() })},
			{"DatagramTransport.Abort", panics, ok(tr.Abort)},
			{"DatagramTransport.IsClosing", panics, ok(func() { tr.IsClosing() })},
			{"DatagramTransport.PauseReading", panics, ok(tr.PauseReading)},
			{"DatagramTransport.ResumeReading", panics, ok(tr.ResumeReading)},
			{"DatagramTransport.IsReading", panics, ok(func() { tr.IsReading() })},
			{"DatagramTransport.GetWriteBufferSize", panics, ok(func() { tr.GetWriteBufferSize() })},
			{"DatagramTransport.SetWriteBufferLimits", panics, ok(func() { tr.SetWriteBufferLimits(0, 0) })},
			{"DatagramTransport.GetWriteBufferLimits", panics, ok(func() { tr.GetWriteBufferLimits() })},
			{"DatagramTransport.GetExtraInfo", panics, ok(func() { tr.GetExtraInfo("sockname") })},
			{"DatagramEndpoint.RecvFrom", refuses, func() error { _, _, err := e.RecvFrom(ctx); return err }},
			{"DatagramEndpoint.SendTo", refuses, func() error { return e.SendTo(ctx, []byte("x"), nil) }},
			{"DatagramEndpoint.Close", refuses, e.Close},
			{"DatagramEndpoint.Abort", panics, ok(e.Abort)},
			{"DatagramEndpoint.LocalAddr", works, ok(func() { e.LocalAddr() })},
			{"DatagramEndpoint.RemoteAddr", works, ok(func() { e.RemoteAddr() })},
			{"DatagramEndpoint.Transport", works, ok(func() { e.Transport() })},
		}
		return callFromAPlainGoroutine(ctx, t, calls)
	})
}
