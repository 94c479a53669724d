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
	"github.com/asyncio-go/asyncio/internal/goid"
)

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
		// The portable goroutine-identity fallback allocates on every
		// check of the caller's goroutine, which is not the buffer's doing.
		if allocs := testing.AllocsPerRun(100, step); allocs != 0 && !goid.Fallback {
			t.Errorf("%v allocations per feed and read; want 0", allocs)
		}
		if got := asyncio.StreamReaderCap(r); got != c {
			t.Errorf("buffer capacity went from %d to %d", c, got)
		}
		return nil
	})
}
