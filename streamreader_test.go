package asyncio_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

// feedLater feeds each chunk to r in a task of its own, one loop iteration
// apart, and then EOF if eof is set.
func feedLater(t *testing.T, ctx context.Context, r *asyncio.StreamReader, eof bool, chunks ...string) *asyncio.Task[struct{}] {
	t.Helper()
	return asyncio.Go(ctx, func(ctx context.Context) error {
		for _, c := range chunks {
			if err := asyncio.Sleep(ctx, 0); err != nil {
				return err
			}
			if err := r.FeedData([]byte(c)); err != nil {
				return err
			}
		}
		if eof {
			return r.FeedEOF()
		}
		return nil
	})
}

func mustFeed(t *testing.T, r *asyncio.StreamReader, s string) {
	t.Helper()
	if err := r.FeedData([]byte(s)); err != nil {
		t.Errorf("FeedData(%q): %v", s, err)
	}
}

func TestStreamReaderReadReturnsAtMostNBufferedBytes(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		r := asyncio.NewStreamReader(0)
		mustFeed(t, r, "hello world")
		got, err := r.Read(ctx, 5)
		if err != nil || string(got) != "hello" {
			t.Errorf("Read(5) = %q, %v; want hello", got, err)
		}
		got, err = r.Read(ctx, 100)
		if err != nil || string(got) != " world" {
			t.Errorf("Read(100) = %q, %v; want \" world\"", got, err)
		}
		return nil
	})
}

func TestStreamReaderReadWaitsForData(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		r := asyncio.NewStreamReader(0)
		feedLater(t, ctx, r, false, "abc")
		got, err := r.Read(ctx, 10)
		if err != nil || string(got) != "abc" {
			t.Errorf("Read = %q, %v; want abc", got, err)
		}
		return nil
	})
}

func TestStreamReaderReadZeroReturnsEmptyAtOnce(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		r := asyncio.NewStreamReader(0)
		got, err := r.Read(ctx, 0)
		if err != nil || got == nil || len(got) != 0 {
			t.Errorf("Read(0) = %#v, %v; want an empty slice", got, err)
		}
		return nil
	})
}

func TestStreamReaderReadAllReadsToEOF(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		r := asyncio.NewStreamReader(4)
		feedLater(t, ctx, r, true, "one ", "two ", "three")
		got, err := r.Read(ctx, -1)
		if err != nil || string(got) != "one two three" {
			t.Errorf("Read(-1) = %q, %v", got, err)
		}
		if !r.AtEOF() {
			t.Error("AtEOF() = false after Read(-1)")
		}
		return nil
	})
}

func TestStreamReaderReadAtEOFReturnsEmpty(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		r := asyncio.NewStreamReader(0)
		mustFeed(t, r, "x")
		_ = r.FeedEOF()
		if r.AtEOF() {
			t.Error("AtEOF() = true with a byte buffered")
		}
		if got, err := r.Read(ctx, 5); err != nil || string(got) != "x" {
			t.Errorf("Read = %q, %v; want x", got, err)
		}
		if got, err := r.Read(ctx, 5); err != nil || len(got) != 0 {
			t.Errorf("Read at EOF = %q, %v; want empty, nil", got, err)
		}
		if !r.AtEOF() {
			t.Error("AtEOF() = false at the end")
		}
		return nil
	})
}

func TestStreamReaderReadExactlyWaitsForAllBytes(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		r := asyncio.NewStreamReader(0)
		feedLater(t, ctx, r, false, "ab", "cd", "efgh")
		got, err := r.ReadExactly(ctx, 5)
		if err != nil || string(got) != "abcde" {
			t.Errorf("ReadExactly(5) = %q, %v", got, err)
		}
		if got, err := r.Read(ctx, 10); err != nil || string(got) != "fgh" {
			t.Errorf("then Read = %q, %v; want fgh", got, err)
		}
		return nil
	})
}

func TestStreamReaderReadExactlyAtEOFReturnsIncompleteReadError(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		r := asyncio.NewStreamReader(0)
		feedLater(t, ctx, r, true, "abc")
		got, err := r.ReadExactly(ctx, 10)
		var ie *asyncio.IncompleteReadError
		if got != nil || !errors.As(err, &ie) {
			t.Fatalf("ReadExactly(10) = %q, %v; want an IncompleteReadError", got, err)
		}
		if string(ie.Partial) != "abc" || ie.Expected != 10 {
			t.Errorf("Partial, Expected = %q, %d; want abc, 10", ie.Partial, ie.Expected)
		}
		if !errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			t.Errorf("%v: Is(ErrUnexpectedEOF), Is(EOF) = %v, %v; want true, false",
				err, errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF))
		}
		if n := asyncio.StreamReaderBuffered(r); n != 0 {
			t.Errorf("%d bytes left buffered; the partial read consumes them", n)
		}
		return nil
	})
}

func TestStreamReaderReadExactlyOnEndedStreamMatchesEOF(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		r := asyncio.NewStreamReader(0)
		_ = r.FeedEOF()
		_, err := r.ReadExactly(ctx, 1)
		if !errors.Is(err, io.EOF) || !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("ReadExactly on an ended stream: %v; want it to match io.EOF and io.ErrUnexpectedEOF", err)
		}
		return nil
	})
}

func TestStreamReaderReadExactlyNegativeIsAnError(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		r := asyncio.NewStreamReader(0)
		if _, err := r.ReadExactly(ctx, -1); err == nil {
			t.Error("ReadExactly(-1) returned no error")
		}
		if got, err := r.ReadExactly(ctx, 0); err != nil || len(got) != 0 {
			t.Errorf("ReadExactly(0) = %q, %v", got, err)
		}
		return nil
	})
}

func TestStreamReaderReadExactlyCancelledKeepsBufferedBytes(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		r := asyncio.NewStreamReader(0)
		mustFeed(t, r, "abc")
		task := asyncio.CreateTask(ctx, func(ctx context.Context) ([]byte, error) { return r.ReadExactly(ctx, 6) })
		if err := yieldN(ctx, 2); err != nil {
			return err
		}
		mustFeed(t, r, "de") // still one short
		if err := yieldN(ctx, 2); err != nil {
			return err
		}
		task.Cancel()
		if _, err := task.Await(ctx); !errors.Is(err, asyncio.ErrCancelled) {
			t.Errorf("cancelled ReadExactly: %v; want a cancellation", err)
		}
		mustFeed(t, r, "f")
		got, err := r.ReadExactly(ctx, 6)
		if err != nil || string(got) != "abcdef" {
			t.Errorf("next ReadExactly(6) = %q, %v; want abcdef", got, err)
		}
		return nil
	})
}

func TestStreamReaderReadAllCancelledKeepsBufferedBytes(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		r := asyncio.NewStreamReader(2)
		task := asyncio.CreateTask(ctx, func(ctx context.Context) ([]byte, error) { return r.Read(ctx, -1) })
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		mustFeed(t, r, "hello")
		if err := yieldN(ctx, 2); err != nil {
			return err
		}
		task.Cancel()
		if _, err := task.Await(ctx); !errors.Is(err, asyncio.ErrCancelled) {
			t.Errorf("cancelled Read(-1): %v; want a cancellation", err)
		}
		if got, err := r.Read(ctx, 10); err != nil || string(got) != "hello" {
			t.Errorf("next Read = %q, %v; want hello", got, err)
		}
		return nil
	})
}

func TestStreamReaderReadLineReadsThroughNewline(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		r := asyncio.NewStreamReader(0)
		feedLater(t, ctx, r, true, "first\nsec", "ond\nlast")
		for _, want := range []string{"first\n", "second\n", "last", "", ""} {
			got, err := r.ReadLine(ctx)
			if err != nil || string(got) != want {
				t.Errorf("ReadLine = %q, %v; want %q", got, err, want)
			}
		}
		return nil
	})
}

func TestStreamReaderReadLineLongerThanLimitIsDiscarded(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		r := asyncio.NewStreamReader(4)
		mustFeed(t, r, "0123456789\nok\n")
		_, err := r.ReadLine(ctx)
		var le *asyncio.LimitOverrunError
		if !errors.As(err, &le) || le.Consumed != 10 {
			t.Fatalf("ReadLine of an 11-byte line with limit 4: %v; want LimitOverrunError{Consumed: 10}", err)
		}
		if got, err := r.ReadLine(ctx); err != nil || string(got) != "ok\n" {
			t.Errorf("next ReadLine = %q, %v; want ok (the long line is gone with its newline)", got, err)
		}
		return nil
	})
}

func TestStreamReaderReadLineWithoutNewlineOverLimitClearsBuffer(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		r := asyncio.NewStreamReader(4)
		feedLater(t, ctx, r, false, "abc", "defgh", "ij\nnext\n")
		_, err := r.ReadLine(ctx)
		var le *asyncio.LimitOverrunError
		if !errors.As(err, &le) || le.Consumed != 8 {
			t.Fatalf("ReadLine: %v; want LimitOverrunError{Consumed: 8}", err)
		}
		if n := asyncio.StreamReaderBuffered(r); n != 0 {
			t.Errorf("%d bytes left; asyncio clears the buffer when no newline is found", n)
		}
		// The rest of the long line arrives later and reads as a line, as
		// in asyncio.
		for _, want := range []string{"ij\n", "next\n"} {
			if got, err := r.ReadLine(ctx); err != nil || string(got) != want {
				t.Errorf("ReadLine = %q, %v; want %q", got, err, want)
			}
		}
		return nil
	})
}

func TestStreamReaderSecondConcurrentReaderGetsError(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		r := asyncio.NewStreamReader(0)
		first := asyncio.CreateTask(ctx, func(ctx context.Context) ([]byte, error) { return r.Read(ctx, 10) })
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		if _, err := r.ReadLine(ctx); !errors.Is(err, asyncio.ErrInvalidState) {
			t.Errorf("second reader: %v; want ErrInvalidState", err)
		}
		mustFeed(t, r, "data")
		if got, err := first.Await(ctx); err != nil || string(got) != "data" {
			t.Errorf("first reader = %q, %v", got, err)
		}
		return nil
	})
}

func TestStreamReaderSetExceptionFailsWaitingAndLaterReads(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		r := asyncio.NewStreamReader(0)
		boom := errors.New("boom")
		task := asyncio.CreateTask(ctx, func(ctx context.Context) ([]byte, error) { return r.ReadExactly(ctx, 3) })
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		mustFeed(t, r, "a")
		_ = r.SetException(boom)
		if _, err := task.Await(ctx); err != boom {
			t.Errorf("waiting read: %v; want boom", err)
		}
		if _, err := r.Read(ctx, 1); err != boom {
			t.Errorf("later read, with a byte buffered: %v; want boom", err)
		}
		if r.Exception() != boom {
			t.Errorf("Exception() = %v", r.Exception())
		}
		return nil
	})
}

func TestStreamReaderFeedDataAfterEOFIsAnError(t *testing.T) {
	r := asyncio.NewStreamReader(0)
	_ = r.FeedEOF()
	if err := r.FeedData([]byte("x")); !errors.Is(err, asyncio.ErrInvalidState) {
		t.Errorf("FeedData after FeedEOF: %v; want ErrInvalidState", err)
	}
}

func TestStreamReaderZeroValueIsUsable(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var r asyncio.StreamReader
		mustFeed(t, &r, "ok\n")
		if got, err := r.ReadLine(ctx); err != nil || string(got) != "ok\n" {
			t.Errorf("ReadLine = %q, %v", got, err)
		}
		return nil
	})
}

// A read that would never complete reports a deadlock that names it.
func TestStreamReaderWaitingReadIsNamedInDeadlock(t *testing.T) {
	r := asyncio.NewStreamReader(0)
	err := asyncio.Run(func(ctx context.Context) error {
		_, err := r.ReadExactly(ctx, 1)
		return err
	}, asyncio.WithVirtualClock())
	if !errors.Is(err, asyncio.ErrDeadlock) || !strings.Contains(err.Error(), "StreamReader.ReadExactly") {
		t.Errorf("Run: %v; want a deadlock naming StreamReader.ReadExactly", err)
	}
}

// flowTransport is a Transport that records PauseReading and ResumeReading.
type flowTransport struct {
	asyncio.Transport // the methods the reader does not call
	reading           bool
	pauses, resumes   int
}

func (f *flowTransport) PauseReading()  { f.reading = false; f.pauses++ }
func (f *flowTransport) ResumeReading() { f.reading = true; f.resumes++ }

func TestStreamReaderPausesReadingOverTwiceTheLimit(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		r := asyncio.NewStreamReader(4)
		ft := &flowTransport{reading: true}
		if err := r.SetTransport(ft); err != nil {
			return err
		}
		mustFeed(t, r, "12345678") // exactly 2*limit: still reading
		if !ft.reading {
			t.Fatal("paused at 2*limit; asyncio pauses only above it")
		}
		mustFeed(t, r, "9")
		if ft.reading || ft.pauses != 1 {
			t.Fatalf("reading=%v pauses=%d over 2*limit; want paused once", ft.reading, ft.pauses)
		}
		mustFeed(t, r, "ab") // already paused: no second pause
		if _, err := r.Read(ctx, 6); err != nil {
			return err
		}
		if ft.reading {
			t.Fatal("resumed with 5 bytes buffered, over the limit of 4")
		}
		if _, err := r.Read(ctx, 1); err != nil {
			return err
		}
		if !ft.reading || ft.pauses != 1 || ft.resumes != 1 {
			t.Errorf("at the limit: reading=%v pauses=%d resumes=%d; want resumed once", ft.reading, ft.pauses, ft.resumes)
		}
		if err := r.SetTransport(ft); !errors.Is(err, asyncio.ErrInvalidState) {
			t.Errorf("second SetTransport: %v; want ErrInvalidState", err)
		}
		return nil
	})
}

// A read that needs more than twice the limit resumes a paused transport
// and keeps it reading until it has what it needs, instead of waiting for
// ever.
func TestStreamReaderReadExactlyOverLimitKeepsTransportReading(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		r := asyncio.NewStreamReader(2)
		ft := &flowTransport{reading: true}
		_ = r.SetTransport(ft)
		mustFeed(t, r, "12345") // paused
		feedLater(t, ctx, r, false, "678", "90")
		got, err := r.ReadExactly(ctx, 10)
		if err != nil || string(got) != "1234567890" {
			t.Fatalf("ReadExactly(10) = %q, %v", got, err)
		}
		if !ft.reading || ft.pauses != 1 {
			t.Errorf("reading=%v pauses=%d; want one pause, then reading to the end", ft.reading, ft.pauses)
		}
		return nil
	})
}

// A read cancelled while waiting leaves no waiter behind: a later
// SetException or FeedData finds nobody to wake, and the next read may wait.
func TestStreamReaderCancelledReadLeavesNoWaiter(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		r := asyncio.NewStreamReader(0)
		task := asyncio.CreateTask(ctx, func(ctx context.Context) ([]byte, error) { return r.ReadLine(ctx) })
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		task.Cancel()
		if _, err := task.Await(ctx); !errors.Is(err, asyncio.ErrCancelled) {
			t.Errorf("cancelled ReadLine: %v", err)
		}
		feedLater(t, ctx, r, false, "line\n")
		if got, err := r.ReadLine(ctx); err != nil || string(got) != "line\n" {
			t.Errorf("next ReadLine = %q, %v", got, err)
		}
		return nil
	})
}

func TestStreamReaderFromAnotherGoroutineIsRefused(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		r := asyncio.NewStreamReader(0)
		mustFeed(t, r, "bound") // binds r to this loop
		_, err := asyncio.ToThread(ctx, func(context.Context) (struct{}, error) { return struct{}{}, r.FeedData([]byte("x")) })
		if err != asyncio.ErrWrongGoroutine {
			t.Errorf("FeedData from a plain goroutine: %v; want ErrWrongGoroutine", err)
		}
		return nil
	})
}
