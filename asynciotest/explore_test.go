package asynciotest_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

// jitteryClients is a network of three client hosts, c1 to c3, each 10 ms
// from the server give or take 5 ms.
func jitteryClients() *asynciotest.Network {
	n := asynciotest.NewNetwork()
	for _, c := range []string{"c1", "c2", "c3"} {
		n.SetLink(c, "server", asynciotest.LinkConfig{Latency: 10 * time.Millisecond, Jitter: 5 * time.Millisecond})
	}
	return n
}

// sendLines has each client send three numbered lines to the server, which
// records them as they arrive; it returns the arrivals.
func sendLines(ctx context.Context) ([]string, error) {
	var got []string
	srv, err := asyncio.StartServer(ctx, func(ctx context.Context, r *asyncio.StreamReader, w *asyncio.StreamWriter) error {
		for {
			line, err := r.ReadLine(ctx)
			if len(line) == 0 || err != nil {
				return err
			}
			got = append(got, strings.TrimSpace(string(line)))
		}
	}, "tcp", "server:80")
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	err = asyncio.WithTaskGroup(ctx, func(ctx context.Context, tg *asyncio.TaskGroup) error {
		for _, c := range []string{"c1", "c2", "c3"} {
			tg.Go(func(ctx context.Context) error {
				_, w, err := asyncio.OpenConnection(ctx, "tcp", "server:80", asyncio.WithLocalAddr(c+":0"))
				if err != nil {
					return err
				}
				for i := 1; i <= 3; i++ {
					if err := w.Write(fmt.Appendf(nil, "%s.%d\n", c, i)); err != nil {
						return err
					}
					if err := asyncio.Sleep(ctx, time.Millisecond); err != nil {
						return err
					}
				}
				if err := w.Close(); err != nil {
					return err
				}
				return w.WaitClosed(ctx)
			})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return got, asyncio.Sleep(ctx, time.Second) // the last lines arrive
}

// inOrder reports whether the items of each source (the part before the
// dot) appear in increasing order.
func inOrder(items []string) bool {
	last := map[string]string{}
	for _, it := range items {
		src, n, _ := strings.Cut(it, ".")
		if n <= last[src] {
			return false
		}
		last[src] = n
	}
	return true
}

func TestSeedChangesArrivalOrderKeepingGuarantees(t *testing.T) {
	posts, arrivals := map[string]bool{}, map[string]bool{}
	n := jitteryClients()
	for seed := uint64(1); seed <= 20; seed++ {
		loop := asyncio.NewEventLoop(asyncio.WithVirtualClock(), asyncio.WithSeed(seed), asyncio.WithNetwork(n))
		var got []string
		var wg sync.WaitGroup
		for g := range 4 { // posts from four goroutines, all taken in by the first iteration
			wg.Go(func() {
				for i := range 3 {
					_, _ = loop.CallSoonThreadsafe(func() { got = append(got, fmt.Sprintf("g%d.%d", g, i)) })
				}
			})
		}
		wg.Wait()
		main := loop.Go(func(ctx context.Context) error {
			var fifo, done, timers []int
			f := asyncio.NewFuture[int](loop)
			for i := range 5 {
				_, _ = loop.CallSoon(func() { fifo = append(fifo, i) })
				f.AddDoneCallback(func(*asyncio.Future[int]) { done = append(done, i) })
				_, _ = loop.CallLater(time.Second, func() { timers = append(timers, i) })
			}
			_ = f.SetResult(1)
			if err := asyncio.Sleep(ctx, 2*time.Second); err != nil {
				return err
			}
			want := []int{0, 1, 2, 3, 4}
			if !slices.Equal(fifo, want) || !slices.Equal(done, want) || !slices.Equal(timers, want) {
				t.Errorf("seed %d: ready callbacks ran %v, done-callbacks %v, equal timers %v; want each in order", seed, fifo, done, timers)
			}
			lines, err := sendLines(ctx)
			if err != nil {
				return err
			}
			if len(lines) != 9 || !inOrder(lines) {
				t.Errorf("seed %d: the server read %v: a connection's lines out of order, or lost", seed, lines)
			}
			arrivals[strings.Join(lines, " ")] = true
			return nil
		})
		if err := loop.RunUntilComplete(main); err != nil {
			t.Fatal(err)
		}
		if err := loop.Close(); err != nil {
			t.Fatal(err)
		}
		if !inOrder(got) {
			t.Errorf("seed %d: posts ran %v: one goroutine's posts out of order", seed, got)
		}
		posts[strings.Join(got, " ")] = true
	}
	if len(posts) < 2 {
		t.Errorf("20 seeds interleaved the posts of four goroutines one way only: %v", posts)
	}
	if len(arrivals) < 2 {
		t.Errorf("20 seeds gave one arrival order on jittery links only: %v", arrivals)
	}
}

func TestUnseededLoopKeepsPostingOrder(t *testing.T) {
	loop := asynciotest.NewLoop(t)
	var got []int
	for i := range 10 {
		done := make(chan struct{})
		go func() { // ten goroutines, one after another
			_, _ = loop.CallSoonThreadsafe(func() { got = append(got, i) })
			close(done)
		}()
		<-done
	}
	if err := loop.RunUntilComplete(loop.Go(func(ctx context.Context) error { return asyncio.Sleep(ctx, 0) })); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}) {
		t.Errorf("posts ran %v without a seed; want the posting order", got)
	}
}

// record runs sendLines under seed and returns the loop's task steps.
func record(t *testing.T, n *asynciotest.Network, seed uint64) []string {
	var steps []string
	var loop *asyncio.EventLoop
	hook := asyncio.WithStepHook(func(task asyncio.AnyTask) {
		var now time.Duration
		if loop != nil {
			now = loop.Time()
		}
		steps = append(steps, fmt.Sprintf("%s@%v", task.Name(), now))
	})
	err := asynciotest.RunSeed(seed, func(ctx context.Context) error {
		loop, _ = asyncio.GetRunningLoop(ctx)
		_, err := sendLines(ctx)
		return err
	}, asyncio.WithNetwork(n), hook)
	if err != nil {
		t.Fatal(err)
	}
	return steps
}

func TestReplayIsExact(t *testing.T) {
	n := jitteryClients()
	first := record(t, n, 7)
	again := record(t, n, 7)
	if len(first) < 20 {
		t.Fatalf("recorded %d steps: %v", len(first), first)
	}
	if !slices.Equal(first, again) {
		t.Fatalf("seed 7 twice gave two schedules:\n%v\n%v", first, again)
	}
	differs := false
	for seed := uint64(8); seed < 16 && !differs; seed++ {
		differs = !slices.Equal(first, record(t, n, seed))
	}
	if !differs {
		t.Error("seeds 7 to 15 all gave one schedule: the seed changes nothing")
	}
}
