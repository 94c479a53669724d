//go:build unix

package asyncio_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/asyncio-go/asyncio"
)

// BenchmarkEchoLoopback sends a 1 KiB request from a client to an echo
// server on loopback and reads the 1 KiB response, one round trip per op:
// both ends in the process, on one loop, through the streams API
// (StartServer, OpenConnection, Write, Drain, ReadExactly) over real
// sockets. allocs/op is the allocations per request, both ends together.
func BenchmarkEchoLoopback(b *testing.B) {
	const size = 1 << 10
	b.ReportAllocs()
	b.SetBytes(size)
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
		}, "tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer srv.Close()
		r, w, err := asyncio.OpenConnection(ctx, "tcp", srv.Sockets()[0].String())
		if err != nil {
			return err
		}
		defer w.Close()
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
