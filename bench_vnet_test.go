//go:build unix

package asyncio_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

// echoConns runs an echo server and conns clients on the loop of ctx, each
// client sending 1 KiB requests and reading the 1 KiB echo, n requests in
// all, through the streams API. addr is where the server listens.
func echoConns(ctx context.Context, addr string, conns, n int) error {
	const size = 1 << 10
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
	}, "tcp", addr)
	if err != nil {
		return err
	}
	defer srv.Close()
	target := srv.Sockets()[0].String()
	msg := bytes.Repeat([]byte("x"), size)
	return asyncio.WithTaskGroup(ctx, func(ctx context.Context, tg *asyncio.TaskGroup) error {
		for c := range conns {
			share := n / conns
			if c < n%conns {
				share++
			}
			tg.Go(func(ctx context.Context) error {
				r, w, err := asyncio.OpenConnection(ctx, "tcp", target)
				if err != nil {
					return err
				}
				defer w.Close()
				for range share {
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
		}
		return nil
	})
}

// benchEcho32 runs b.N requests over 32 connections and reports requests
// per second of the process's CPU time: both ends, and for loopback the
// kernel's work on the loop's behalf (cpuTime is netfaults_test.go's).
func benchEcho32(b *testing.B, addr string, opts ...asyncio.Option) {
	b.ReportAllocs()
	b.SetBytes(1 << 10)
	cpu0 := cpuTime(b)
	b.ResetTimer()
	err := asyncio.Run(func(ctx context.Context) error { return echoConns(ctx, addr, 32, b.N) }, opts...)
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
	if cpu := cpuTime(b) - cpu0; cpu > 0 {
		b.ReportMetric(float64(b.N)/cpu.Seconds(), "req/CPU-s")
	}
}

// BenchmarkEcho32Loopback is 1 KiB echo over 32 loopback connections on one
// loop: the baseline of BenchmarkEcho32VirtualNetwork.
func BenchmarkEcho32Loopback(b *testing.B) { benchEcho32(b, "127.0.0.1:0") }

// BenchmarkEcho32VirtualNetwork is the same echo on an asynciotest.Network,
// on the virtual clock: no kernel in the path.
func BenchmarkEcho32VirtualNetwork(b *testing.B) {
	benchEcho32(b, "server:7", asyncio.WithVirtualClock(), asyncio.WithNetwork(asynciotest.NewNetwork()))
}
