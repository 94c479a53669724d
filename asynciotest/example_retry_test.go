package asynciotest_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

// flakyServer answers "n" with "n squared" over UDP, on a link that loses
// a fifth of the datagrams each way.
func flakyServer(ctx context.Context) (*asyncio.DatagramEndpoint, error) {
	srv, err := asyncio.OpenDatagramEndpoint(ctx, "udp", "server:7", "")
	if err != nil {
		return nil, err
	}
	asyncio.Go(ctx, func(ctx context.Context) error {
		for {
			req, from, err := srv.RecvFrom(ctx)
			if err != nil {
				return nil // closed, or the test is over
			}
			var id, n int
			if _, err := fmt.Sscan(string(req), &id, &n); err != nil {
				continue
			}
			if err := srv.SendTo(ctx, fmt.Appendf(nil, "%d %d", id, n*n), from); err != nil {
				return err
			}
		}
	})
	return srv, nil
}

// call sends request id and waits for its answer, sending again every 5 s
// until one comes; answers to earlier requests, late or duplicated, are
// skipped.
func call(ctx context.Context, ep *asyncio.DatagramEndpoint, id, n int) (int, error) {
	want := fmt.Appendf(nil, "%d ", id)
	for attempt := 0; attempt < 100; attempt++ {
		if err := ep.SendTo(ctx, fmt.Appendf(nil, "%d %d", id, n), nil); err != nil {
			return 0, err
		}
		var answer int
		err := asyncio.Timeout(ctx, 5*time.Second, func(ctx context.Context) error {
			for {
				data, _, err := ep.RecvFrom(ctx)
				if err != nil {
					return err
				}
				if bytes.HasPrefix(data, want) {
					_, err := fmt.Sscan(string(data[len(want):]), &answer)
					return err
				}
			}
		})
		if !errors.Is(err, asyncio.ErrTimeout) {
			return answer, err
		}
	}
	return 0, fmt.Errorf("request %d: no answer after 100 attempts", id)
}

func TestExampleRetryingClientAgainstAFlakyServer(t *testing.T) {
	n := asynciotest.NewNetwork()
	n.SetLink("client", "server", asynciotest.LinkConfig{Latency: 20 * time.Millisecond, Jitter: 10 * time.Millisecond, Loss: 0.2})
	start := time.Now()
	asynciotest.Explore(t, 1000, func(t *testing.T, ctx context.Context) error {
		srv, err := flakyServer(ctx)
		if err != nil {
			return err
		}
		defer srv.Close()
		ep, err := asyncio.OpenDatagramEndpoint(ctx, "udp", "client:0", "server:7")
		if err != nil {
			return err
		}
		defer ep.Close()
		// A minute's partition, from the 30th second on.
		asyncio.Go(ctx, func(ctx context.Context) error {
			if err := asyncio.Sleep(ctx, 30*time.Second); err != nil {
				return err
			}
			n.Partition("client", "server")
			if err := asyncio.Sleep(ctx, time.Minute); err != nil {
				return err
			}
			n.Heal("client", "server")
			return nil
		})
		loop, _ := asyncio.GetRunningLoop(ctx)
		for i := range 10 {
			got, err := call(ctx, ep, i, i)
			if err != nil {
				return err
			}
			if got != i*i {
				t.Errorf("request %d answered %d, want %d", i, got, i*i)
			}
			if err := asyncio.Sleep(ctx, 6*time.Second); err != nil { // ten requests span the partition
				return err
			}
		}
		if loop.Time() < 90*time.Second {
			t.Errorf("the last answer came at %v, before the partition healed", loop.Time())
		}
		return nil
	}, asyncio.WithNetwork(n))
	t.Logf("1,000 seeds of ten requests through loss and a minute's partition took %v", time.Since(start))
}
