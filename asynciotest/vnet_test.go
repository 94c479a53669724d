package asynciotest_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"syscall"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

// echoLines serves each line back until EOF.
func echoLines(ctx context.Context, r *asyncio.StreamReader, w *asyncio.StreamWriter) error {
	for {
		line, err := r.ReadLine(ctx)
		if len(line) == 0 || err != nil {
			return nil
		}
		if err := w.Write(line); err != nil {
			return err
		}
	}
}

func now(ctx context.Context) time.Duration {
	l, _ := asyncio.GetRunningLoop(ctx)
	return l.Time()
}

func TestNetworkLatencyIsExact(t *testing.T) {
	n := asynciotest.NewNetwork()
	n.SetLink("localhost", "server", asynciotest.LinkConfig{Latency: 10 * time.Millisecond})
	asynciotest.Run(t, func(ctx context.Context) error {
		srv, err := asyncio.StartServer(ctx, echoLines, "tcp", "server:80")
		if err != nil {
			return err
		}
		defer srv.Close()
		r, w, err := asyncio.OpenConnection(ctx, "tcp", "server:80")
		if err != nil {
			return err
		}
		defer w.Close()
		if got := now(ctx); got != 20*time.Millisecond {
			t.Errorf("connected at %v, want one round trip, 20ms", got)
		}
		if err := w.Write([]byte("ping\n")); err != nil {
			return err
		}
		line, err := r.ReadLine(ctx)
		if err != nil || string(line) != "ping\n" {
			t.Fatalf("ReadLine = %q, %v", line, err)
		}
		if got := now(ctx); got != 40*time.Millisecond {
			t.Errorf("echo back at %v, want 40ms", got)
		}
		return nil
	}, asyncio.WithNetwork(n))
}

func TestNetworkBandwidthIsExact(t *testing.T) {
	n := asynciotest.NewNetwork()
	n.SetLink("localhost", "server", asynciotest.LinkConfig{Latency: time.Millisecond, Bandwidth: 1_000_000})
	asynciotest.Run(t, func(ctx context.Context) error {
		var got time.Duration
		srv, err := asyncio.StartServer(ctx, func(ctx context.Context, r *asyncio.StreamReader, w *asyncio.StreamWriter) error {
			if _, err := r.ReadExactly(ctx, 100_000); err != nil {
				return err
			}
			got = now(ctx)
			return nil
		}, "tcp", "server:80")
		if err != nil {
			return err
		}
		defer srv.Close()
		_, w, err := asyncio.OpenConnection(ctx, "tcp", "server:80")
		if err != nil {
			return err
		}
		start := now(ctx)
		if err := w.Write(make([]byte, 100_000)); err != nil {
			return err
		}
		if err := w.Close(); err != nil {
			return err
		}
		for got == 0 {
			if err := asyncio.Sleep(ctx, time.Millisecond); err != nil {
				return err
			}
		}
		// 100,000 bytes at 1 MB/s take 100 ms to send, then 1 ms to arrive.
		if d := got - start; d != 101*time.Millisecond {
			t.Errorf("100 kB arrived after %v, want 101ms", d)
		}
		return nil
	}, asyncio.WithNetwork(n))
}

func TestNetworkPartitionHoldsBytesUntilHeal(t *testing.T) {
	n := asynciotest.NewNetwork()
	n.SetLink("localhost", "server", asynciotest.LinkConfig{Latency: 5 * time.Millisecond})
	asynciotest.Run(t, func(ctx context.Context) error {
		srv, err := asyncio.StartServer(ctx, echoLines, "tcp", "server:80")
		if err != nil {
			return err
		}
		defer srv.Close()
		r, w, err := asyncio.OpenConnection(ctx, "tcp", "server:80")
		if err != nil {
			return err
		}
		defer w.Close()
		n.Partition("localhost", "server")
		if err := w.Write([]byte("held\n")); err != nil {
			return err
		}
		err = asyncio.Timeout(ctx, 5*time.Second, func(ctx context.Context) error {
			_, err := r.ReadLine(ctx)
			return err
		})
		if !errors.Is(err, asyncio.ErrTimeout) {
			t.Fatalf("ReadLine across a partition = %v, want a timeout", err)
		}
		// A new connection waits for the partition too.
		err = asyncio.Timeout(ctx, 5*time.Second, func(ctx context.Context) error {
			_, _, err := asyncio.OpenConnection(ctx, "tcp", "server:80")
			return err
		})
		if !errors.Is(err, asyncio.ErrTimeout) {
			t.Fatalf("OpenConnection across a partition = %v, want a timeout", err)
		}
		healed := now(ctx)
		n.Heal("localhost", "server")
		line, err := r.ReadLine(ctx)
		if err != nil || string(line) != "held\n" {
			t.Fatalf("ReadLine after the heal = %q, %v", line, err)
		}
		if got := now(ctx) - healed; got != 10*time.Millisecond {
			t.Errorf("the held line came back %v after the heal, want one round trip, 10ms", got)
		}
		return nil
	}, asyncio.WithNetwork(n))
}

func TestNetworkHalfClose(t *testing.T) {
	n := asynciotest.NewNetwork()
	n.SetDefaultLink(asynciotest.LinkConfig{Latency: time.Millisecond})
	asynciotest.Run(t, func(ctx context.Context) error {
		srv, err := asyncio.StartServer(ctx, func(ctx context.Context, r *asyncio.StreamReader, w *asyncio.StreamWriter) error {
			all, err := r.Read(ctx, -1) // until the client's EOF
			if err != nil {
				return err
			}
			return w.Write(bytes.ToUpper(all)) // the server's side is still open
		}, "tcp", "server:80")
		if err != nil {
			return err
		}
		defer srv.Close()
		r, w, err := asyncio.OpenConnection(ctx, "tcp", "server:80")
		if err != nil {
			return err
		}
		if err := w.Write([]byte("half")); err != nil {
			return err
		}
		if err := w.WriteEOF(); err != nil {
			return err
		}
		all, err := r.Read(ctx, -1)
		if err != nil || string(all) != "HALF" {
			t.Errorf("after a half-close the client read %q, %v; want HALF then EOF", all, err)
		}
		return w.Close()
	}, asyncio.WithNetwork(n))
}

func TestNetworkAbortResetsThePeer(t *testing.T) {
	n := asynciotest.NewNetwork()
	n.SetDefaultLink(asynciotest.LinkConfig{Latency: time.Millisecond})
	asynciotest.Run(t, func(ctx context.Context) error {
		srv, err := asyncio.StartServer(ctx, func(ctx context.Context, r *asyncio.StreamReader, w *asyncio.StreamWriter) error {
			if _, err := r.ReadLine(ctx); err != nil {
				return err
			}
			w.Transport().Abort()
			return nil
		}, "tcp", "server:80")
		if err != nil {
			return err
		}
		defer srv.Close()
		r, w, err := asyncio.OpenConnection(ctx, "tcp", "server:80")
		if err != nil {
			return err
		}
		if err := w.Write([]byte("hello\n")); err != nil {
			return err
		}
		_, err = r.ReadLine(ctx)
		if !errors.Is(err, syscall.ECONNRESET) {
			t.Errorf("ReadLine after the server's Abort = %v, want ECONNRESET", err)
		}
		return nil
	}, asyncio.WithNetwork(n))
}

func TestNetworkConnectionRefused(t *testing.T) {
	n := asynciotest.NewNetwork()
	n.SetLink("localhost", "nobody", asynciotest.LinkConfig{Latency: 3 * time.Millisecond})
	asynciotest.Run(t, func(ctx context.Context) error {
		_, _, err := asyncio.OpenConnection(ctx, "tcp", "nobody:80")
		if !errors.Is(err, syscall.ECONNREFUSED) {
			t.Errorf("OpenConnection to nothing = %v, want ECONNREFUSED", err)
		}
		if got := now(ctx); got != 6*time.Millisecond {
			t.Errorf("refused at %v, want one round trip, 6ms", got)
		}
		return nil
	}, asyncio.WithNetwork(n))
}

func TestNetworkDrainWaitsForAReaderThatDoesNotRead(t *testing.T) {
	n := asynciotest.NewNetwork()
	asynciotest.Run(t, func(ctx context.Context) error {
		var release asyncio.Event
		var read int
		srv, err := asyncio.StartServer(ctx, func(ctx context.Context, r *asyncio.StreamReader, w *asyncio.StreamWriter) error {
			if err := release.Wait(ctx); err != nil {
				return err
			}
			all, err := io.ReadAll(r.Reader(ctx))
			read = len(all)
			return err
		}, "tcp", "server:80")
		if err != nil {
			return err
		}
		defer srv.Close()
		_, w, err := asyncio.OpenConnection(ctx, "tcp", "server:80")
		if err != nil {
			return err
		}
		chunk := make([]byte, 64<<10)
		written := 0
		for written < 4<<20 {
			if err := w.Write(chunk); err != nil {
				return err
			}
			written += len(chunk)
			err := asyncio.Timeout(ctx, time.Second, w.Drain)
			if errors.Is(err, asyncio.ErrTimeout) {
				break // the reader's window and the writer's buffer are full
			} else if err != nil {
				return err
			}
		}
		if written >= 4<<20 {
			t.Fatalf("Drain never waited: %d bytes written to a reader that does not read", written)
		}
		if size := w.Transport().GetWriteBufferSize(); size <= 64<<10 {
			t.Errorf("Drain waited with %d bytes buffered, at most the high watermark", size)
		}
		_ = release.Set()
		if err := w.Drain(ctx); err != nil {
			return err
		}
		if err := w.Close(); err != nil {
			return err
		}
		for read == 0 {
			if err := asyncio.Sleep(ctx, time.Millisecond); err != nil {
				return err
			}
		}
		if read != written {
			t.Errorf("the reader read %d bytes of %d", read, written)
		}
		return nil
	}, asyncio.WithNetwork(n))
}

func TestNetworkDataToAClosedEndResetsTheSender(t *testing.T) {
	n := asynciotest.NewNetwork()
	n.SetDefaultLink(asynciotest.LinkConfig{Latency: time.Millisecond})
	asynciotest.Run(t, func(ctx context.Context) error {
		srv, err := asyncio.StartServer(ctx, func(ctx context.Context, r *asyncio.StreamReader, w *asyncio.StreamWriter) error {
			return nil // closes at once
		}, "tcp", "server:80")
		if err != nil {
			return err
		}
		defer srv.Close()
		r, w, err := asyncio.OpenConnection(ctx, "tcp", "server:80")
		if err != nil {
			return err
		}
		if _, err := r.Read(ctx, -1); err != nil { // the server's FIN
			return err
		}
		if err := w.Write([]byte("anyone?\n")); err != nil { // a half-open peer may still write
			return err
		}
		if err := w.WaitClosed(ctx); !errors.Is(err, syscall.ECONNRESET) {
			t.Errorf("WaitClosed after writing to a closed peer = %v, want ECONNRESET", err)
		}
		return nil
	}, asyncio.WithNetwork(n))
}
