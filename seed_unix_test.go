//go:build unix

package asyncio_test

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
	"golang.org/x/sys/unix"
)

// readyOrder makes six pipes readable, then lets the loop find them all in
// one poll, and returns the order of their reader callbacks.
func readyOrder(t *testing.T, opts ...asyncio.Option) string {
	var order []string
	err := asyncio.Run(func(ctx context.Context) error {
		loop, _ := asyncio.GetRunningLoop(ctx)
		for i := range 6 {
			var p [2]int
			if err := unix.Pipe(p[:]); err != nil {
				return err
			}
			defer unix.Close(p[0])
			defer unix.Close(p[1])
			if err := unix.SetNonblock(p[0], true); err != nil {
				return err
			}
			if _, err := unix.Write(p[1], []byte{1}); err != nil {
				return err
			}
			fd := p[0]
			if err := loop.AddReader(fd, func() {
				order = append(order, string(rune('a'+i)))
				loop.RemoveReader(fd)
			}); err != nil {
				return err
			}
		}
		return asyncio.Sleep(ctx, 10*time.Millisecond)
	}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	if len(order) != 6 {
		t.Fatalf("%d of 6 reader callbacks ran: %v", len(order), order)
	}
	return strings.Join(order, "")
}

func TestSeedShufflesTheReadinessOfOnePoll(t *testing.T) {
	seen := map[string]bool{}
	for seed := uint64(1); seed <= 10; seed++ {
		seen[readyOrder(t, asyncio.WithSeed(seed))] = true
	}
	if len(seen) < 2 {
		t.Errorf("ten seeds ran six ready readers in one order only: %v", slices.Collect(maps.Keys(seen)))
	}
	if a, b := readyOrder(t, asyncio.WithSeed(3)), readyOrder(t, asyncio.WithSeed(3)); a != b {
		t.Errorf("seed 3 ran the readers as %s, then as %s", a, b)
	}
}
