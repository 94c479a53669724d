//go:build unix

package asyncio_test

import (
	"bytes"
	"context"
	"net"
	"testing"

	"github.com/asyncio-go/asyncio"
)

// udpPingPong is a client protocol that sends its message again each time
// the echo comes back, until left reaches 0, then resolves done.
type udpPingPong struct {
	asyncio.BaseDatagramProtocol
	tr   asyncio.DatagramTransport
	msg  []byte
	left int
	done *asyncio.Future[bool]
}

func (p *udpPingPong) ConnectionMade(t asyncio.DatagramTransport) {
	p.tr = t
	_ = t.SendTo(p.msg, nil)
}

func (p *udpPingPong) DatagramReceived(data []byte, addr net.Addr) {
	if p.left--; p.left <= 0 {
		_ = p.done.SetResult(true)
		return
	}
	_ = p.tr.SendTo(p.msg, nil)
}

// BenchmarkUDPEchoLoopback sends a 1 KiB datagram from a client protocol
// to an echo server protocol on loopback and receives the echo, one round
// trip per op: both ends in the process, on one loop, through
// CreateDatagramEndpoint over real sockets. allocs/op counts both ends.
func BenchmarkUDPEchoLoopback(b *testing.B) {
	const size = 1 << 10
	b.ReportAllocs()
	b.SetBytes(size)
	err := asyncio.Run(func(ctx context.Context) error {
		srv, _, err := asyncio.CreateDatagramEndpoint(ctx, func() asyncio.DatagramProtocol { return &udpEchoQuiet{} }, "udp", "127.0.0.1:0", "")
		if err != nil {
			return err
		}
		defer srv.Close()
		loop, err := asyncio.GetRunningLoop(ctx)
		if err != nil {
			return err
		}
		p := &udpPingPong{msg: bytes.Repeat([]byte("x"), size), left: b.N, done: asyncio.NewFuture[bool](loop)}
		b.ResetTimer()
		cli, _, err := asyncio.CreateDatagramEndpoint(ctx, func() asyncio.DatagramProtocol { return p }, "udp", "", srv.GetExtraInfo("sockname").(net.Addr).String())
		if err != nil {
			return err
		}
		defer cli.Close()
		_, err = p.done.Await(ctx)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
}

// udpEchoQuiet sends every datagram back, silently.
type udpEchoQuiet struct {
	asyncio.BaseDatagramProtocol
	tr asyncio.DatagramTransport
}

func (p *udpEchoQuiet) ConnectionMade(t asyncio.DatagramTransport) { p.tr = t }

func (p *udpEchoQuiet) DatagramReceived(data []byte, addr net.Addr) {
	_ = p.tr.SendTo(data, addr)
}

// BenchmarkUDPEchoEndpoint is BenchmarkUDPEchoLoopback with the client in
// the coroutine form: DatagramEndpoint.SendTo, then RecvFrom.
func BenchmarkUDPEchoEndpoint(b *testing.B) {
	const size = 1 << 10
	b.ReportAllocs()
	b.SetBytes(size)
	msg := bytes.Repeat([]byte("x"), size)
	err := asyncio.Run(func(ctx context.Context) error {
		srv, _, err := asyncio.CreateDatagramEndpoint(ctx, func() asyncio.DatagramProtocol { return &udpEchoQuiet{} }, "udp", "127.0.0.1:0", "")
		if err != nil {
			return err
		}
		defer srv.Close()
		cli, err := asyncio.OpenDatagramEndpoint(ctx, "udp", "", srv.GetExtraInfo("sockname").(net.Addr).String())
		if err != nil {
			return err
		}
		defer cli.Close()
		for b.Loop() {
			if err := cli.SendTo(ctx, msg, nil); err != nil {
				return err
			}
			if _, _, err := cli.RecvFrom(ctx); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}
