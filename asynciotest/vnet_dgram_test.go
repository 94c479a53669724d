package asynciotest_test

import (
	"context"
	"errors"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

// echoDatagrams answers every datagram to its sender until cancelled.
func echoDatagrams(ctx context.Context, e *asyncio.DatagramEndpoint) error {
	for {
		data, from, err := e.RecvFrom(ctx)
		if err != nil {
			return err
		}
		if err := e.SendTo(ctx, data, from); err != nil {
			return err
		}
	}
}

func TestNetworkDatagramLatencyIsExact(t *testing.T) {
	n := asynciotest.NewNetwork()
	n.SetLink("localhost", "server", asynciotest.LinkConfig{Latency: 10 * time.Millisecond})
	asynciotest.Run(t, func(ctx context.Context) error {
		srv, err := asyncio.OpenDatagramEndpoint(ctx, "udp", "server:53", "")
		if err != nil {
			return err
		}
		defer srv.Close()
		echo := asyncio.Go(ctx, func(ctx context.Context) error { return echoDatagrams(ctx, srv) })
		defer echo.Cancel()
		cl, err := asyncio.OpenDatagramEndpoint(ctx, "udp", "", "server:53")
		if err != nil {
			return err
		}
		defer cl.Close()
		if err := cl.SendTo(ctx, []byte("ping"), nil); err != nil {
			return err
		}
		data, from, err := cl.RecvFrom(ctx)
		if err != nil || string(data) != "ping" || from.String() != srv.LocalAddr().String() {
			t.Fatalf("RecvFrom = %q from %v, %v", data, from, err)
		}
		if got := now(ctx); got != 20*time.Millisecond {
			t.Errorf("the answer came at %v, want one round trip, 20ms", got)
		}
		return nil
	}, asyncio.WithNetwork(n))
}

// receiveAll sends count numbered datagrams from a client, spaced by gap,
// and returns the numbers the server received, in arrival order.
func receiveAll(ctx context.Context, count int, gap time.Duration) ([]int, error) {
	srv, err := asyncio.OpenDatagramEndpoint(ctx, "udp", "server:9", "")
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	cl, err := asyncio.OpenDatagramEndpoint(ctx, "udp", "client:0", "server:9")
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	for i := range count {
		if err := cl.SendTo(ctx, fmt.Appendf(nil, "%d", i), nil); err != nil {
			return nil, err
		}
		if err := asyncio.Sleep(ctx, gap); err != nil {
			return nil, err
		}
	}
	var got []int
	for {
		var data []byte
		err := asyncio.Timeout(ctx, time.Second, func(ctx context.Context) (err error) {
			data, _, err = srv.RecvFrom(ctx)
			return err
		})
		if errors.Is(err, asyncio.ErrTimeout) {
			return got, nil
		} else if err != nil {
			return nil, err
		}
		var i int
		fmt.Sscan(string(data), &i)
		got = append(got, i)
	}
}

func TestNetworkDatagramLossIsSeededAndReplays(t *testing.T) {
	n := asynciotest.NewNetwork()
	n.SetLink("client", "server", asynciotest.LinkConfig{Latency: time.Millisecond, Loss: 0.3})
	counts := map[uint64]int{}
	for _, seed := range []uint64{1, 2, 1} {
		err := asynciotest.RunSeed(seed, func(ctx context.Context) error {
			got, err := receiveAll(ctx, 1000, time.Millisecond)
			if err != nil {
				return err
			}
			if len(got) < 600 || len(got) > 800 {
				t.Errorf("seed %d: %d of 1000 datagrams arrived at 30%% loss", seed, len(got))
			}
			if c, ok := counts[seed]; ok && c != len(got) {
				t.Errorf("seed %d: %d datagrams arrived, then %d", seed, c, len(got))
			}
			counts[seed] = len(got)
			return nil
		}, asyncio.WithNetwork(n))
		if err != nil {
			t.Fatal(err)
		}
	}
	if counts[1] == counts[2] {
		t.Logf("seeds 1 and 2 lost the same number of datagrams, %d", counts[1])
	}
}

func TestNetworkDatagramJitterReorders(t *testing.T) {
	n := asynciotest.NewNetwork()
	n.SetLink("client", "server", asynciotest.LinkConfig{Latency: 5 * time.Millisecond, Jitter: 5 * time.Millisecond})
	asynciotest.Run(t, func(ctx context.Context) error {
		got, err := receiveAll(ctx, 100, 100*time.Microsecond)
		if err != nil {
			return err
		}
		if len(got) != 100 {
			t.Fatalf("%d of 100 datagrams arrived without loss", len(got))
		}
		inversions := 0
		for i := 1; i < len(got); i++ {
			if got[i] < got[i-1] {
				inversions++
			}
		}
		if inversions == 0 {
			t.Error("100 datagrams 0.1 ms apart on a link with 5 ms of jitter arrived in order")
		}
		return nil
	}, asyncio.WithNetwork(n))
}

func TestNetworkDatagramPartitionDrops(t *testing.T) {
	n := asynciotest.NewNetwork()
	asynciotest.Run(t, func(ctx context.Context) error {
		n.Partition("client", "server")
		got, err := receiveAll(ctx, 10, time.Millisecond)
		if err != nil {
			return err
		}
		if len(got) != 0 {
			t.Errorf("%d datagrams crossed a partition", len(got))
		}
		n.Heal("client", "server")
		if got, err = receiveAll(ctx, 10, time.Millisecond); err != nil {
			return err
		}
		if len(got) != 10 {
			t.Errorf("%d of 10 datagrams arrived after the heal", len(got))
		}
		return nil
	}, asyncio.WithNetwork(n))
}

func TestNetworkDatagramToNobodyIsRefused(t *testing.T) {
	n := asynciotest.NewNetwork()
	asynciotest.Run(t, func(ctx context.Context) error {
		cl, err := asyncio.OpenDatagramEndpoint(ctx, "udp", "", "nobody:9")
		if err != nil {
			return err
		}
		defer cl.Close()
		if err := cl.SendTo(ctx, []byte("anyone?"), nil); err != nil {
			return err
		}
		_, _, err = cl.RecvFrom(ctx)
		if !errors.Is(err, syscall.ECONNREFUSED) {
			t.Errorf("RecvFrom after a datagram to nobody = %v, want ECONNREFUSED", err)
		}
		return nil
	}, asyncio.WithNetwork(n))
}
