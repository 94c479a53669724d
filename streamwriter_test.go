package asyncio_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"syscall"
	"testing"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

// streamEnd is one end of an in-memory stream connection.
type streamEnd struct {
	r *asyncio.StreamReader
	w *asyncio.StreamWriter
	t asyncio.Transport
}

// openStreamPipe connects two StreamReaderProtocols over the in-memory
// transport pair, with the given reader limits and delivery chunk, and
// returns once both ends have their writers.
func openStreamPipe(t *testing.T, ctx context.Context, limitA, limitB, chunk int) (a, b *streamEnd) {
	t.Helper()
	a = &streamEnd{r: asyncio.NewStreamReader(limitA)}
	b = &streamEnd{r: asyncio.NewStreamReader(limitB)}
	pa := asyncio.NewStreamReaderProtocol(a.r, func(_ *asyncio.StreamReader, w *asyncio.StreamWriter) { a.w = w })
	pb := asyncio.NewStreamReaderProtocol(b.r, func(_ *asyncio.StreamReader, w *asyncio.StreamWriter) { b.w = w })
	a.t, b.t = asyncio.NewMemoryPipe(runningLoop(t, ctx), pa, pb, chunk)
	for a.w == nil || b.w == nil {
		if err := asyncio.Sleep(ctx, 0); err != nil {
			t.Errorf("waiting for ConnectionMade: %v", err)
			return a, b
		}
	}
	return a, b
}

func TestStreamWriterWriteReachesPeerReader(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		a, b := openStreamPipe(t, ctx, 0, 0, 0)
		if err := a.w.Write([]byte("ping\n")); err != nil {
			return err
		}
		if err := a.w.WriteLines([][]byte{[]byte("po"), []byte("ng\n")}); err != nil {
			return err
		}
		for _, want := range []string{"ping\n", "pong\n"} {
			if got, err := b.r.ReadLine(ctx); err != nil || string(got) != want {
				t.Errorf("peer ReadLine = %q, %v; want %q", got, err, want)
			}
		}
		return nil
	})
}

func TestStreamWriterTransportAndExtraInfo(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		a, _ := openStreamPipe(t, ctx, 0, 0, 0)
		if a.w.Transport() != a.t {
			t.Error("Transport() is not the connection's transport")
		}
		if got := a.w.GetExtraInfo("peername"); fmt.Sprint(got) != "mem:b" {
			t.Errorf(`GetExtraInfo("peername") = %v`, got)
		}
		if got := a.w.GetExtraInfo("nonesuch"); got != nil {
			t.Errorf(`GetExtraInfo("nonesuch") = %v; want nil`, got)
		}
		return nil
	})
}

func TestStreamWriterDrainReturnsAtOnceUnderHighWatermark(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		a, _ := openStreamPipe(t, ctx, 0, 0, 0)
		loop := runningLoop(t, ctx)
		_ = a.w.Write([]byte("small"))
		before := loop.Time()
		if err := a.w.Drain(ctx); err != nil {
			t.Errorf("Drain: %v", err)
		}
		if loop.Time() != before {
			t.Error("Drain waited under the high watermark")
		}
		return nil
	})
}

// A peer that does not read fills the writer's buffer: PauseWriting comes
// and Drain suspends; once the peer reads, ResumeWriting releases it.
func TestStreamWriterDrainSuspendsUntilPeerReads(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		a, b := openStreamPipe(t, ctx, 0, 8, 16) // b pauses reading above 16 bytes
		a.t.SetWriteBufferLimits(32, 8)
		msg := bytes.Repeat([]byte("0123456789"), 10)
		drain := asyncio.Go(ctx, func(ctx context.Context) error {
			if err := a.w.Write(msg); err != nil {
				return err
			}
			return a.w.Drain(ctx)
		})
		if err := yieldN(ctx, 20); err != nil {
			return err
		}
		if drain.Done() {
			t.Fatal("Drain returned while the peer was not reading")
		}
		if b.t.IsReading() {
			t.Error("the peer's transport is still reading over twice its reader's limit")
		}
		if n := a.t.GetWriteBufferSize(); n <= 32 {
			t.Errorf("writer's buffer holds %d bytes; want it over the high watermark", n)
		}
		got, err := b.r.ReadExactly(ctx, len(msg))
		if err != nil || !bytes.Equal(got, msg) {
			t.Fatalf("peer ReadExactly = %q, %v", got, err)
		}
		if _, err := drain.Await(ctx); err != nil {
			t.Errorf("Drain: %v", err)
		}
		return nil
	})
}

func TestStreamWriterConcurrentDrainsAllResume(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		a, b := openStreamPipe(t, ctx, 0, 4, 8)
		a.t.SetWriteBufferLimits(16, 4)
		_ = a.w.Write(bytes.Repeat([]byte("x"), 64))
		var drains []*asyncio.Task[struct{}]
		for range 3 {
			drains = append(drains, asyncio.Go(ctx, a.w.Drain))
		}
		if err := yieldN(ctx, 20); err != nil {
			return err
		}
		for i, d := range drains {
			if d.Done() {
				t.Errorf("drain %d returned while the buffer was full", i)
			}
		}
		if _, err := b.r.ReadExactly(ctx, 64); err != nil {
			return err
		}
		for i, d := range drains {
			if _, err := d.Await(ctx); err != nil {
				t.Errorf("drain %d: %v", i, err)
			}
		}
		return nil
	})
}

func TestStreamWriterDrainAfterConnectionResetReturnsError(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		a, b := openStreamPipe(t, ctx, 0, 4, 8)
		a.t.SetWriteBufferLimits(16, 4)
		_ = a.w.Write(bytes.Repeat([]byte("x"), 64))
		drain := asyncio.Go(ctx, a.w.Drain)
		if err := yieldN(ctx, 10); err != nil {
			return err
		}
		b.t.Abort()
		if _, err := drain.Await(ctx); !errors.Is(err, syscall.ECONNRESET) {
			t.Errorf("waiting Drain after a reset: %v; want ECONNRESET", err)
		}
		if err := a.w.Drain(ctx); !errors.Is(err, syscall.ECONNRESET) {
			t.Errorf("later Drain: %v; want ECONNRESET", err)
		}
		if _, err := a.r.Read(ctx, 1); !errors.Is(err, syscall.ECONNRESET) {
			t.Errorf("Read after a reset: %v; want ECONNRESET", err)
		}
		if err := a.w.WaitClosed(ctx); !errors.Is(err, syscall.ECONNRESET) {
			t.Errorf("WaitClosed after a reset: %v; want ECONNRESET", err)
		}
		return nil
	})
}

func TestStreamWriterDrainAfterCloseReturnsErrConnectionLost(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		a, _ := openStreamPipe(t, ctx, 0, 0, 0)
		_ = a.w.Close()
		if !a.w.IsClosing() {
			t.Error("IsClosing() = false after Close")
		}
		if err := a.w.WaitClosed(ctx); err != nil {
			t.Errorf("WaitClosed: %v", err)
		}
		err := a.w.Drain(ctx)
		if err != asyncio.ErrConnectionLost || !errors.Is(err, syscall.ECONNRESET) {
			t.Errorf("Drain after close: %v; want ErrConnectionLost, matching ECONNRESET", err)
		}
		if err := a.w.Write([]byte("late")); err == nil {
			t.Error("Write after Close returned no error")
		}
		return nil
	})
}

func TestStreamWriterDrainCancelledLeavesBytesQueued(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		a, b := openStreamPipe(t, ctx, 0, 4, 8)
		a.t.SetWriteBufferLimits(16, 4)
		_ = a.w.Write(bytes.Repeat([]byte("y"), 40))
		drain := asyncio.Go(ctx, a.w.Drain)
		if err := yieldN(ctx, 10); err != nil {
			return err
		}
		drain.Cancel()
		if _, err := drain.Await(ctx); !errors.Is(err, asyncio.ErrCancelled) {
			t.Errorf("cancelled Drain: %v", err)
		}
		if got, err := b.r.ReadExactly(ctx, 40); err != nil || len(got) != 40 {
			t.Errorf("peer read %d bytes, %v; want all 40", len(got), err)
		}
		return nil
	})
}

func TestStreamWriterCloseDeliversEOFAndWaitClosedReturns(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		a, b := openStreamPipe(t, ctx, 0, 0, 0)
		_ = a.w.Write([]byte("bye"))
		_ = a.w.Close()
		if err := a.w.WaitClosed(ctx); err != nil {
			t.Errorf("WaitClosed: %v", err)
		}
		if got, err := b.r.Read(ctx, -1); err != nil || string(got) != "bye" {
			t.Errorf("peer Read(-1) = %q, %v; want bye, then EOF", got, err)
		}
		if !b.r.AtEOF() {
			t.Error("peer not at EOF")
		}
		return nil
	})
}

// After the peer's EOF the protocol keeps the transport open for writing
// (EOFReceived returns true): a half-closed connection still carries the
// answer.
func TestStreamWriterHalfCloseStillCarriesTheAnswer(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		a, b := openStreamPipe(t, ctx, 0, 0, 0)
		if !a.w.CanWriteEOF() {
			t.Fatal("CanWriteEOF() = false")
		}
		_ = a.w.Write([]byte("question"))
		if err := a.w.WriteEOF(); err != nil {
			return err
		}
		q, err := b.r.Read(ctx, -1)
		if err != nil || string(q) != "question" {
			t.Fatalf("peer Read(-1) = %q, %v", q, err)
		}
		if b.w.IsClosing() {
			t.Fatal("the peer's writer closed at EOF")
		}
		_ = b.w.Write([]byte("answer"))
		_ = b.w.Close()
		got, err := a.r.Read(ctx, -1)
		if err != nil || string(got) != "answer" {
			t.Errorf("Read(-1) = %q, %v; want answer", got, err)
		}
		return nil
	})
}

func TestStreamWriterWaitClosedCancelled(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		a, _ := openStreamPipe(t, ctx, 0, 0, 0)
		wait := asyncio.Go(ctx, a.w.WaitClosed)
		if err := yieldN(ctx, 2); err != nil {
			return err
		}
		wait.Cancel()
		if _, err := wait.Await(ctx); !errors.Is(err, asyncio.ErrCancelled) {
			t.Errorf("cancelled WaitClosed: %v", err)
		}
		_ = a.w.Close()
		return a.w.WaitClosed(ctx)
	})
}

func TestStreamWriterDrainOutsideCoroutineIsRefused(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		a, _ := openStreamPipe(t, ctx, 0, 0, 0)
		if err := a.w.Drain(context.Background()); !errors.Is(err, asyncio.ErrNotInCoroutine) {
			t.Errorf("Drain(context.Background()): %v; want ErrNotInCoroutine", err)
		}
		return nil
	})
}

// Many messages through a small pipe, each written and drained, arrive
// whole and in order: backpressure holds the writer back without losing
// anything. The pipe, as the Transport contract says, tells its protocol to
// pause in a later iteration than the Write that crossed the high
// watermark; Drain must wait for that, not return at once.
func TestStreamWriterWriteDrainLoopDeliversEverything(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		a, b := openStreamPipe(t, ctx, 0, 64, 32)
		a.t.SetWriteBufferLimits(128, 32)
		var want bytes.Buffer
		waited := 0
		writer := asyncio.Go(ctx, func(ctx context.Context) error {
			for i := range 200 {
				msg := bytes.Repeat([]byte{byte('a' + i%26)}, 1+i%50)
				want.Write(msg)
				if err := a.w.Write(msg); err != nil {
					return err
				}
				if n := a.t.GetWriteBufferSize(); n > 128+50 {
					t.Errorf("write buffer holds %d bytes; Drain should keep it near the high watermark", n)
				}
				if a.t.GetWriteBufferSize() > 128 {
					waited++
				}
				if err := a.w.Drain(ctx); err != nil {
					return err
				}
				if n := a.t.GetWriteBufferSize(); n > 128 {
					t.Errorf("Drain returned with %d bytes buffered, over the high watermark", n)
				}
			}
			return a.w.Close()
		})
		got, err := b.r.Read(ctx, -1)
		if err != nil || !bytes.Equal(got, want.Bytes()) {
			t.Errorf("peer got %d bytes, %v; want the %d written", len(got), err, want.Len())
		}
		if waited == 0 {
			t.Error("the buffer never went over the high watermark: backpressure untested")
		}
		_, err = writer.Await(ctx)
		return err
	})
}
