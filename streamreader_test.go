package asyncio_test

import (
	"bufio"
	"bytes"
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

func TestStreamReaderReadUntilIncludesSeparator(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		r := asyncio.NewStreamReader(0)
		feedLater(t, ctx, r, false, "key=val", "ue;rest\n")
		got, err := r.ReadUntil(ctx, []byte(";"))
		if err != nil || string(got) != "key=value;" {
			t.Errorf("ReadUntil(;) = %q, %v", got, err)
		}
		got, err = r.ReadUntil(ctx) // "\n" by default
		if err != nil || string(got) != "rest\n" {
			t.Errorf("ReadUntil() = %q, %v; want rest\\n", got, err)
		}
		return nil
	})
}

func TestStreamReaderReadUntilSeparatorSplitAcrossFeeds(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		r := asyncio.NewStreamReader(0)
		feedLater(t, ctx, r, false, "ab\r", "\ncd")
		got, err := r.ReadUntil(ctx, []byte("\r\n"))
		if err != nil || string(got) != "ab\r\n" {
			t.Errorf("ReadUntil = %q, %v; want ab\\r\\n", got, err)
		}
		return nil
	})
}

func TestStreamReaderReadUntilSeveralSeparatorsShortestChunkWins(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		r := asyncio.NewStreamReader(0)
		mustFeed(t, r, "xx--yy|zz|")
		seps := [][]byte{[]byte("|"), []byte("--")}
		for _, want := range []string{"xx--", "yy|", "zz|"} {
			if got, err := r.ReadUntil(ctx, seps...); err != nil || string(got) != want {
				t.Errorf("ReadUntil(|, --) = %q, %v; want %q", got, err, want)
			}
		}
		if string(seps[0]) != "|" {
			t.Error("ReadUntil reordered the caller's separators")
		}
		return nil
	})
}

// Of separators ending at the same place, the shortest counts as the match,
// so its start is what the limit is checked against (3.13).
func TestStreamReaderReadUntilTieCountsShorterSeparator(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		r := asyncio.NewStreamReader(2)
		mustFeed(t, r, "ab\r\n")
		_, err := r.ReadUntil(ctx, []byte("\r\n"), []byte("\n"))
		var le *asyncio.LimitOverrunError
		if !errors.As(err, &le) || le.Consumed != 3 {
			t.Errorf("ReadUntil(\\r\\n, \\n) with limit 2: %v; want LimitOverrunError{Consumed: 3}", err)
		}
		// With only "\r\n" the chunk before it is 2 bytes: within the limit.
		got, err := r.ReadUntil(ctx, []byte("\r\n"))
		if err != nil || string(got) != "ab\r\n" {
			t.Errorf("ReadUntil(\\r\\n) = %q, %v", got, err)
		}
		return nil
	})
}

func TestStreamReaderReadUntilEmptySeparatorIsAnError(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		r := asyncio.NewStreamReader(0)
		if _, err := r.ReadUntil(ctx, []byte("x"), []byte{}); err == nil {
			t.Error("ReadUntil with an empty separator returned no error")
		}
		return nil
	})
}

func TestStreamReaderReadUntilAtEOFReturnsIncompleteReadError(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		r := asyncio.NewStreamReader(0)
		feedLater(t, ctx, r, true, "abc-")
		_, err := r.ReadUntil(ctx, []byte("--"))
		var ie *asyncio.IncompleteReadError
		if !errors.As(err, &ie) || string(ie.Partial) != "abc-" || ie.Expected != -1 {
			t.Fatalf("ReadUntil at EOF: %v; want IncompleteReadError{abc-, -1}", err)
		}
		if !r.AtEOF() {
			t.Error("the partial chunk was not consumed")
		}
		return nil
	})
}

func TestStreamReaderReadUntilLimitOverrunNotFoundConsumesNothing(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		r := asyncio.NewStreamReader(4)
		feedLater(t, ctx, r, false, "aaa", "aaa")
		_, err := r.ReadUntil(ctx, []byte("--"))
		var le *asyncio.LimitOverrunError
		// 6 bytes, of which the last may start a "--": 5 hold none.
		if !errors.As(err, &le) || le.Consumed != 5 {
			t.Fatalf("ReadUntil: %v; want LimitOverrunError{Consumed: 5}", err)
		}
		if n := asyncio.StreamReaderBuffered(r); n != 6 {
			t.Errorf("%d bytes buffered after the overrun; want all 6 left", n)
		}
		return nil
	})
}

func TestStreamReaderReadUntilLimitOverrunFoundConsumesNothing(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		r := asyncio.NewStreamReader(3)
		mustFeed(t, r, "aaaaa\nb")
		_, err := r.ReadUntil(ctx, newlineSep)
		var le *asyncio.LimitOverrunError
		if !errors.As(err, &le) || le.Consumed != 5 {
			t.Fatalf("ReadUntil: %v; want LimitOverrunError{Consumed: 5}", err)
		}
		got, err := r.ReadExactly(ctx, le.Consumed+1)
		if err != nil || string(got) != "aaaaa\n" {
			t.Errorf("reading the chunk again = %q, %v", got, err)
		}
		return nil
	})
}

var newlineSep = []byte("\n")

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

func TestStreamReaderFromAnotherGoroutineIsRefused(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		r := asyncio.NewStreamReader(0)
		mustFeed(t, r, "bound") // binds r to this loop
		_, err := asyncio.AwaitBlocking(ctx, func(context.Context) (struct{}, error) { return struct{}{}, r.FeedData([]byte("x")) })
		if err != asyncio.ErrWrongGoroutine {
			t.Errorf("FeedData from a plain goroutine: %v; want ErrWrongGoroutine", err)
		}
		return nil
	})
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

func TestStreamReaderLinesIteratesToEOF(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		r := asyncio.NewStreamReader(0)
		feedLater(t, ctx, r, true, "a\nb", "\nc")
		var got []string
		for line, err := range r.Lines(ctx) {
			if err != nil {
				return err
			}
			got = append(got, string(line))
		}
		if strings.Join(got, "|") != "a\n|b\n|c" {
			t.Errorf("lines = %q", got)
		}
		return nil
	})
}

func TestStreamReaderLinesYieldsErrorAndStops(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		r := asyncio.NewStreamReader(0)
		boom := errors.New("boom")
		mustFeed(t, r, "a\n")
		n, errs := 0, 0
		for line, err := range r.Lines(ctx) {
			if err != nil {
				errs++
				if err != boom {
					t.Errorf("error %v; want boom", err)
				}
				continue
			}
			n++
			if string(line) == "a\n" {
				_ = r.SetException(boom)
			}
		}
		if n != 1 || errs != 1 {
			t.Errorf("%d lines and %d errors; want 1 and 1", n, errs)
		}
		return nil
	})
}

func TestStreamReaderReaderWorksWithIOReadAll(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		r := asyncio.NewStreamReader(3)
		feedLater(t, ctx, r, true, "lorem ", "ipsum ", "dolor")
		got, err := io.ReadAll(r.Reader(ctx))
		if err != nil || string(got) != "lorem ipsum dolor" {
			t.Errorf("io.ReadAll = %q, %v", got, err)
		}
		return nil
	})
}

func TestStreamReaderReaderWorksWithBufio(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		r := asyncio.NewStreamReader(0)
		feedLater(t, ctx, r, true, "alpha be", "ta\ngamma")
		sc := bufio.NewScanner(r.Reader(ctx))
		sc.Split(bufio.ScanWords)
		var words []string
		for sc.Scan() {
			words = append(words, sc.Text())
		}
		if err := sc.Err(); err != nil {
			return err
		}
		if strings.Join(words, ",") != "alpha,beta,gamma" {
			t.Errorf("words = %q", words)
		}
		return nil
	})
}

func TestStreamReaderReaderReturnsException(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		r := asyncio.NewStreamReader(0)
		boom := errors.New("boom")
		_ = r.SetException(boom)
		if _, err := r.Reader(ctx).Read(make([]byte, 4)); err != boom {
			t.Errorf("Read: %v; want boom", err)
		}
		return nil
	})
}

func TestStreamReaderReaderFromAnotherTaskIsRefused(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		r := asyncio.NewStreamReader(0)
		rd := r.Reader(ctx)
		task := asyncio.CreateTask(ctx, func(context.Context) (int, error) { return rd.Read(make([]byte, 1)) })
		if _, err := task.Await(ctx); !errors.Is(err, asyncio.ErrNotInCoroutine) {
			t.Errorf("adapter used in another task: %v; want ErrNotInCoroutine", err)
		}
		return nil
	})
}

// Feeding and reading reuse the reader's one buffer: once warm, neither
// allocates, and the buffer does not grow.
func TestStreamReaderReusesItsBuffer(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		r := asyncio.NewStreamReader(1 << 10)
		rd := r.Reader(ctx)
		chunk := bytes.Repeat([]byte("x"), 700)
		p := make([]byte, 500)
		step := func() {
			if err := r.FeedData(chunk); err != nil {
				t.Error(err)
			}
			for asyncio.StreamReaderBuffered(r) > 300 {
				if _, err := rd.Read(p); err != nil {
					t.Error(err)
				}
			}
		}
		for range 10 {
			step()
		}
		c := asyncio.StreamReaderCap(r)
		if allocs := testing.AllocsPerRun(100, step); allocs != 0 {
			t.Errorf("%v allocations per feed and read; want 0", allocs)
		}
		if got := asyncio.StreamReaderCap(r); got != c {
			t.Errorf("buffer capacity went from %d to %d", c, got)
		}
		return nil
	})
}

// The match is the one that ends first, even when it is the longer one.
func TestStreamReaderReadUntilEarliestEndWinsOverShorterSeparator(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		r := asyncio.NewStreamReader(0)
		mustFeed(t, r, "ABCDEFG")
		got, err := r.ReadUntil(ctx, []byte("DEF"), []byte("BCDE"))
		if err != nil || string(got) != "ABCDE" {
			t.Errorf("ReadUntil(DEF, BCDE) = %q, %v; want ABCDE", got, err)
		}
		if rest, _ := r.Read(ctx, 10); string(rest) != "FG" {
			t.Errorf("left %q; want FG", rest)
		}
		return nil
	})
}

// With several separators, the limit is checked against the start of the
// shortest of those that end first.
func TestStreamReaderReadUntilSeveralSeparatorsOverLimit(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		r := asyncio.NewStreamReader(3)
		mustFeed(t, r, "some dataA")
		_, err := r.ReadUntil(ctx, []byte("A"), []byte("ome dataA"))
		var le *asyncio.LimitOverrunError
		if !errors.As(err, &le) || le.Consumed != 9 || !strings.Contains(err.Error(), "is found") {
			t.Errorf("ReadUntil: %v; want the found-but-too-long LimitOverrunError at 9", err)
		}
		if n := asyncio.StreamReaderBuffered(r); n != 10 {
			t.Errorf("%d bytes buffered; want all 10 left", n)
		}
		return nil
	})
}

// A buffer long enough for the shortest separator but not the longest must
// not make the search start before the buffer.
func TestStreamReaderReadUntilSeparatorLongerThanBuffer(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		r := asyncio.NewStreamReader(0)
		mustFeed(t, r, "data")
		feedLater(t, ctx, r, false, "Z", "Aaaa")
		got, err := r.ReadUntil(ctx, []byte("A"), []byte("long sep"))
		if err != nil || string(got) != "dataZA" {
			t.Errorf("ReadUntil = %q, %v; want dataZA", got, err)
		}
		if n := asyncio.StreamReaderBuffered(r); n != 3 {
			t.Errorf("%d bytes left; want 3", n)
		}
		return nil
	})
}

// The overrun is "not found" while the separator may still be arriving and
// "found" once it has come beyond the limit; neither consumes anything.
func TestStreamReaderReadUntilOverrunNotFoundThenFound(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		r := asyncio.NewStreamReader(3)
		mustFeed(t, r, "some dataAA")
		_, err := r.ReadUntil(ctx, []byte("AAA"))
		var le *asyncio.LimitOverrunError
		if !errors.As(err, &le) || le.Consumed != 9 || !strings.Contains(err.Error(), "not found") {
			t.Errorf("ReadUntil: %v; want the not-found LimitOverrunError at 9", err)
		}
		mustFeed(t, r, "A")
		_, err = r.ReadUntil(ctx, []byte("AAA"))
		if !errors.As(err, &le) || le.Consumed != 9 || !strings.Contains(err.Error(), "is found") {
			t.Errorf("ReadUntil: %v; want the found LimitOverrunError at 9", err)
		}
		if n := asyncio.StreamReaderBuffered(r); n != 12 {
			t.Errorf("%d bytes buffered; want all 12 left", n)
		}
		return nil
	})
}

func TestStreamReaderReadUntilSeparatorFedByteByByte(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		r := asyncio.NewStreamReader(0)
		feedLater(t, ctx, r, false, "QWEaa", "XYa", "a", "a")
		got, err := r.ReadUntil(ctx, []byte("aaa"))
		if err != nil || string(got) != "QWEaaXYaaa" {
			t.Errorf("ReadUntil(aaa) = %q, %v; want QWEaaXYaaa", got, err)
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
