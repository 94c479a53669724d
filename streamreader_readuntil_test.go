package asyncio_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

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

// The match is the one that ends first, even when it is the longer one.
func TestStreamReaderReadUntilEarliestEndWinsOverShorterSeparator(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		r := asyncio.NewStreamReader(0)
		mustFeed(t, r, "ABCDEFG")
		got, err := r.ReadUntil(ctx, []byte("DEF"), []byte("BCDE"))
		if err != nil || string(got) != "ABCDE" {
			t.Errorf("ReadUntil(DEF, BCDE) = %q, %v; want ABCDE", got, err)
		}
		if rest, err := r.Read(ctx, 10); err != nil || string(rest) != "FG" {
			t.Errorf("left %q, %v; want FG", rest, err)
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
