package asyncio_test

import (
	"context"
	"testing"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

// nopProtocol is a stream protocol that ignores what it is told.
type nopProtocol struct{}

func (nopProtocol) ConnectionMade(asyncio.Transport) {}
func (nopProtocol) ConnectionLost(error)             {}
func (nopProtocol) PauseWriting()                    {}
func (nopProtocol) ResumeWriting()                   {}
func (nopProtocol) DataReceived([]byte)              {}
func (nopProtocol) EOFReceived() bool                { return false }

// The rows of the cross-goroutine table
// (TestEveryMethodFromAPlainGoroutineWorksOrRefuses) for the virtual
// network: its transports, servers and datagram endpoints answer as the
// socket ones do, and asynciotest.Network works from any goroutine.
func TestEveryVirtualNetworkMethodFromAPlainGoroutineWorksOrRefuses(t *testing.T) {
	n := asynciotest.NewNetwork()
	asynciotest.Run(t, func(ctx context.Context) error {
		loop, _ := asyncio.GetRunningLoop(ctx)
		srv, err := asyncio.CreateServer(ctx, func() asyncio.Protocol { return nopProtocol{} }, "tcp", "server:80")
		if err != nil {
			return err
		}
		defer srv.Close()
		tr, _, err := asyncio.CreateConnection(ctx, func() asyncio.Protocol { return nopProtocol{} }, "tcp", "server:80")
		if err != nil {
			return err
		}
		defer tr.Close()
		dg, _, err := asyncio.CreateDatagramEndpoint(ctx, func() asyncio.DatagramProtocol { return asyncio.BaseDatagramProtocol{} }, "udp", "server:53", "")
		if err != nil {
			return err
		}
		defer dg.Close()
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
			{"DatagramTransport.SendTo", refuses, func() error { return dg.SendTo([]byte("x"), nil) }},
			{"DatagramTransport.Close", refuses, dg.Close},
			{"DatagramTransport.Loop", works, ok(func() { dg.Loop() })},
			{"DatagramTransport.Abort", panics, ok(dg.Abort)},
			{"DatagramTransport.IsClosing", panics, ok(func() { dg.IsClosing() })},
			{"DatagramTransport.PauseReading", panics, ok(dg.PauseReading)},
			{"DatagramTransport.ResumeReading", panics, ok(dg.ResumeReading)},
			{"DatagramTransport.IsReading", panics, ok(func() { dg.IsReading() })},
			{"DatagramTransport.GetWriteBufferSize", panics, ok(func() { dg.GetWriteBufferSize() })},
			{"DatagramTransport.SetWriteBufferLimits", panics, ok(func() { dg.SetWriteBufferLimits(0, 0) })},
			{"DatagramTransport.GetWriteBufferLimits", panics, ok(func() { dg.GetWriteBufferLimits() })},
			{"DatagramTransport.GetExtraInfo", panics, ok(func() { dg.GetExtraInfo("sockname") })},
			{"EventLoop.Seed", works, ok(func() { loop.Seed() })},
			{"Network.Attach", works, func() error { return n.Attach(loop) }},
			{"Network.Host", works, ok(func() { n.Host("elsewhere") })},
			{"Network.SetLink", works, ok(func() { n.SetLink("a", "b", asynciotest.LinkConfig{}) })},
			{"Network.SetDefaultLink", works, ok(func() { n.SetDefaultLink(asynciotest.LinkConfig{}) })},
			{"Network.Partition", works, ok(func() { n.Partition("a", "b") })},
			{"Network.Heal", works, ok(func() { n.Heal("a", "b") })},
			{"Network.Route", works, func() error { _, err := n.Route("tcp", "", "server:80"); return err }},
			{"Network.Listen", works, func() error {
				a, err := n.Listen("tcp", "b:0")
				if err == nil {
					n.Unlisten(a)
				}
				return err
			}},
		}...)
		return callFromAPlainGoroutine(ctx, t, calls)
	}, asyncio.WithNetwork(n))
}
