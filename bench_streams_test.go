package asyncio_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/asyncio-go/asyncio"
)

// BenchmarkStreamReaderFeedRead feeds 1 KiB to a reader and reads it back
// through its io.Reader adapter, one feed per op: the cost of the reader's
// buffering alone, which should allocate nothing.
func BenchmarkStreamReaderFeedRead(b *testing.B) {
	b.ReportAllocs()
	chunk := bytes.Repeat([]byte("x"), 1<<10)
	err := asyncio.Run(func(ctx context.Context) error {
		r := asyncio.NewStreamReader(0)
		rd := r.Reader(ctx)
		p := make([]byte, 4<<10)
		b.SetBytes(int64(len(chunk)))
		for b.Loop() {
			if err := r.FeedData(chunk); err != nil {
				return err
			}
			if _, err := rd.Read(p); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkStreamPingPong sends 1 KiB from a client task to a server task
// and back over the in-memory transport pair, one round trip per op, with
// Write, Drain and ReadExactly on both sides: the streams layer's cost per
// request without sockets.
func BenchmarkStreamPingPong(b *testing.B) {
	b.ReportAllocs()
	msg := bytes.Repeat([]byte("x"), 1<<10)
	n := b.N
	err := asyncio.Run(func(ctx context.Context) error {
		loop, _ := asyncio.GetRunningLoop(ctx)
		var server *asyncio.Task[struct{}]
		sp := asyncio.NewStreamReaderProtocol(asyncio.NewStreamReader(0), func(r *asyncio.StreamReader, w *asyncio.StreamWriter) {
			server = loop.Go(func(ctx context.Context) error {
				for range n {
					req, err := r.ReadExactly(ctx, len(msg))
					if err != nil {
						return err
					}
					if err := w.Write(req); err != nil {
						return err
					}
					if err := w.Drain(ctx); err != nil {
						return err
					}
				}
				return nil
			})
		})
		cr := asyncio.NewStreamReader(0)
		cp := asyncio.NewStreamReaderProtocol(cr, nil)
		ct, _ := asyncio.NewMemoryPipe(loop, cp, sp, 0)
		if err := asyncio.Sleep(ctx, 0); err != nil {
			return err
		}
		cw := asyncio.NewStreamWriter(ct, cp, cr)
		b.SetBytes(int64(len(msg)))
		b.ResetTimer()
		for range n {
			if err := cw.Write(msg); err != nil {
				return err
			}
			if err := cw.Drain(ctx); err != nil {
				return err
			}
			if _, err := cr.ReadExactly(ctx, len(msg)); err != nil {
				return err
			}
		}
		b.StopTimer()
		_, err := server.Await(ctx)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
}
