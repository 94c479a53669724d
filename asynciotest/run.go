package asynciotest

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"testing"

	"github.com/asyncio-go/asyncio"
	"go.uber.org/goleak"
)

// The flags of a test binary that imports asynciotest.
var (
	seedFlag  = flag.String("asyncio.seed", "", "run Run and Explore under this seed only (see asyncio.WithSeed)")
	seedsFlag = flag.Int("asyncio.seeds", 0, "run Explore under this many seeds instead of the number the test gives")
)

// flagSeed returns the seed of -asyncio.seed, if one was given.
func flagSeed(t testing.TB) (uint64, bool) {
	if *seedFlag == "" {
		return 0, false
	}
	s, err := strconv.ParseUint(*seedFlag, 0, 64)
	if err != nil {
		t.Fatalf("asynciotest: -asyncio.seed=%s: %v", *seedFlag, err)
	}
	return s, true
}

// Run runs main as a test: with asyncio.Run on the virtual clock, under the
// seed of -asyncio.seed if one is given, with opts after those (pass
// asyncio.WithNetwork to run it on a [Network]). It fails t with main's
// error, if any: a deadlock, where nothing can ever happen again, fails it
// with the report naming each stuck task and what it awaits. The loop and
// everything it owns (tasks, transports, servers) are closed before Run
// returns, even when main ends the test with t.Fatal; then Run fails t if
// a goroutine started during the run is still alive, as goleak does (so a
// test using Run should not run in parallel with others).
func Run(t testing.TB, main func(ctx context.Context) error, opts ...asyncio.Option) {
	t.Helper()
	before := goleak.IgnoreCurrent()
	all := []asyncio.Option{asyncio.WithVirtualClock()}
	if s, ok := flagSeed(t); ok {
		all = append(all, asyncio.WithSeed(s))
	}
	err := asyncio.Run(main, append(all, opts...)...)
	if err != nil {
		t.Fatalf("asynciotest.Run: %v", err)
	}
	if err := goleak.Find(before); err != nil {
		t.Errorf("asynciotest.Run: a goroutine outlived the loop: %v", err)
	}
}

// NewLoop returns a new event loop on the virtual clock, closed when the test
// ends.
func NewLoop(t testing.TB, opts ...asyncio.Option) *asyncio.EventLoop {
	t.Helper()
	l := asyncio.NewEventLoop(append([]asyncio.Option{asyncio.WithVirtualClock()}, opts...)...)
	t.Cleanup(func() {
		if err := l.Close(); err != nil {
			t.Errorf("asynciotest: closing the loop: %v", err)
		}
	})
	return l
}

// Explore runs body as the main coroutine of a new loop once per seed, for
// seeds 1 to n (-asyncio.seeds overrides n), each as a subtest "seed=N" on
// the virtual clock with asyncio.WithSeed(N) and opts after it. A seed
// changes only what asyncio leaves unspecified (see asyncio.WithSeed), so
// a body that passes under every seed does not depend on those orders.
//
// Explore stops at the first seed that fails and fails t with a one-line
// command that replays it exactly, event for event:
//
//	go test -run '^TestX$' -asyncio.seed=17
//
// With -asyncio.seed, Explore runs that seed only. body's error fails the
// seed, as t.Error does; a deadlock fails it naming the stuck tasks. A
// Network passed in opts serves each run in turn (see [Network]).
func Explore(t *testing.T, n int, body func(t *testing.T, ctx context.Context) error, opts ...asyncio.Option) {
	t.Helper()
	var seeds []uint64
	if s, ok := flagSeed(t); ok {
		seeds = []uint64{s}
	} else {
		if *seedsFlag > 0 {
			n = *seedsFlag
		}
		for s := range n {
			seeds = append(seeds, uint64(s+1))
		}
	}
	before := goleak.IgnoreCurrent()
	for _, seed := range seeds {
		passed := t.Run("seed="+strconv.FormatUint(seed, 10), func(t *testing.T) {
			if err := RunSeed(seed, func(ctx context.Context) error { return body(t, ctx) }, opts...); err != nil {
				t.Error(err)
			}
		})
		if !passed {
			t.Fatalf("asynciotest.Explore: seed %d fails; replay it with: %s", seed, ReplayCommand(t, seed))
		}
	}
	if err := goleak.Find(before); err != nil {
		t.Errorf("asynciotest.Explore: a goroutine outlived the loops: %v", err)
	}
}

// Search runs body as the main coroutine of a new loop once per seed, for
// seeds 1 to n, as Explore does, until one returns an error (a deadlock
// included), and returns that seed and its error; it returns 0 and nil if
// every seed passes. It is Explore for code that decides for itself what to
// do with a failing seed: RunSeed replays it.
func Search(n int, body func(ctx context.Context) error, opts ...asyncio.Option) (seed uint64, err error) {
	for s := range n {
		if err := RunSeed(uint64(s+1), body, opts...); err != nil {
			return uint64(s + 1), err
		}
	}
	return 0, nil
}

// RunSeed runs body as the main coroutine of a new loop on the virtual clock
// under seed, with opts after those, and returns its error: one run of
// Search or Explore, replayed.
func RunSeed(seed uint64, body func(ctx context.Context) error, opts ...asyncio.Option) error {
	return asyncio.Run(body, append([]asyncio.Option{asyncio.WithVirtualClock(), asyncio.WithSeed(seed)}, opts...)...)
}

// ReplayCommand returns the command that runs test t again under seed
// alone: go test -run '^TestX$' -asyncio.seed=N.
func ReplayCommand(t testing.TB, seed uint64) string {
	return fmt.Sprintf("go test -run '^%s$' -asyncio.seed=%d", t.Name(), seed)
}
