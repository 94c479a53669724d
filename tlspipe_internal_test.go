//go:build unix

package asyncio

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"testing"
)

// TestTLSPipeReadStopsAtRecordBoundaries feeds records of many sizes,
// split at random points, and checks that no Read hands over bytes of two
// records, and that every byte comes out in order.
func TestTLSPipeReadStopsAtRecordBoundaries(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var stream []byte
	var ends []int // offset in stream where each record ends
	for _, n := range []int{0, 1, 2, 255, 256, 1041, 16401, 3, 70000 % 65536} {
		stream = append(stream, 23, 3, 3, byte(n>>8), byte(n))
		for range n {
			stream = append(stream, byte(rng.Uint32()))
		}
		ends = append(ends, len(stream))
	}
	p := newTLSPipe()
	p.loopMode()
	var got []byte
	buf := make([]byte, 20000)
	for rest := stream; len(rest) > 0 || !p.drained(); {
		if len(rest) > 0 {
			k := min(len(rest), 1+rng.IntN(3000))
			if rng.IntN(2) == 0 {
				p.feed(rest[:k])
			} else {
				p.borrow(rest[:k])
			}
			rest = rest[k:]
		}
		for {
			n, err := p.Read(buf[:1+rng.IntN(len(buf)-1)])
			if err != nil {
				if !errors.Is(err, errWouldBlock) {
					t.Fatal(err)
				}
				break
			}
			start := len(got)
			got = append(got, buf[:n]...)
			for _, e := range ends {
				if start < e && len(got) > e {
					t.Fatalf("a Read of bytes %d to %d crosses the record boundary at %d", start, len(got), e)
				}
			}
		}
		p.keep()
	}
	if !bytes.Equal(got, stream) {
		t.Fatal("the bytes read are not the bytes fed")
	}
	p.closeInput(io.EOF)
	if _, err := p.Read(buf); err != io.EOF {
		t.Errorf("Read after closeInput(io.EOF) = %v, want io.EOF", err)
	}
}
