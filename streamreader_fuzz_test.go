package asyncio_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/asyncio-go/asyncio"
)

// splitEarliest is the reference for ReadUntil with a limit that is never
// reached: the shortest prefix of data that ends in one of seps, or -1.
func splitEarliest(data []byte, seps [][]byte) int {
	end := -1
	for _, sep := range seps {
		if i := bytes.Index(data, sep); i >= 0 && (end < 0 || i+len(sep) < end) {
			end = i + len(sep)
		}
	}
	return end
}

// FuzzStreamReaderReadUntil checks that however the bytes are cut into
// feeds, ReadUntil with two separators returns the chunks the reference
// finds in the whole input, then the rest as an IncompleteReadError.
func FuzzStreamReaderReadUntil(f *testing.F) {
	f.Add([]byte("a\r\nb\nc"), []byte("\r\n"), []byte("\n"), uint8(1))
	f.Add([]byte("ABCDEFG"), []byte("DEF"), []byte("BCDE"), uint8(3))
	f.Add([]byte("QWEaaXYaaaXaaa"), []byte("aaa"), []byte("Y"), uint8(2))
	f.Add([]byte("dataZAaaa"), []byte("A"), []byte("long sep"), uint8(5))
	f.Fuzz(func(t *testing.T, data, sep1, sep2 []byte, cut uint8) {
		if len(sep1) == 0 || len(sep2) == 0 {
			return
		}
		seps := [][]byte{sep1, sep2}
		step := int(cut%7) + 1
		r := asyncio.NewStreamReader(len(data) + len(sep1) + len(sep2) + 1)
		err := asyncio.Run(func(ctx context.Context) error {
			asyncio.Go(ctx, func(ctx context.Context) error {
				for i := 0; i < len(data); i += step {
					if err := asyncio.Sleep(ctx, 0); err != nil {
						return err
					}
					_ = r.FeedData(data[i:min(i+step, len(data))])
				}
				return r.FeedEOF()
			})
			rest := data
			for {
				got, err := r.ReadUntil(ctx, seps...)
				end := splitEarliest(rest, seps)
				var ie *asyncio.IncompleteReadError
				if errors.As(err, &ie) {
					if end >= 0 || !bytes.Equal(ie.Partial, rest) {
						t.Errorf("IncompleteReadError(%q) with %q left; reference end %d", ie.Partial, rest, end)
					}
					return nil
				}
				if err != nil {
					return err
				}
				if end < 0 || !bytes.Equal(got, rest[:end]) {
					t.Errorf("ReadUntil = %q with %q left; reference end %d", got, rest, end)
					return nil
				}
				rest = rest[end:]
			}
		}, asyncio.WithVirtualClock())
		if err != nil {
			t.Fatal(err)
		}
	})
}
