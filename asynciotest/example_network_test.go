package asynciotest_test

import (
	"context"
	"fmt"
	"time"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

// This example runs an echo server and its client on a virtual network
// with 50 ms between them, on the virtual clock: the times printed are
// exact, and the run takes microseconds.
func ExampleNetwork() {
	n := asynciotest.NewNetwork()
	n.SetLink("localhost", "server", asynciotest.LinkConfig{Latency: 50 * time.Millisecond})
	err := asyncio.Run(func(ctx context.Context) error {
		loop, _ := asyncio.GetRunningLoop(ctx)
		srv, err := asyncio.StartServer(ctx, func(ctx context.Context, r *asyncio.StreamReader, w *asyncio.StreamWriter) error {
			line, err := r.ReadLine(ctx)
			if err != nil {
				return err
			}
			fmt.Printf("%v server: %q\n", loop.Time(), line)
			return w.Write(line)
		}, "tcp", "server:8888")
		if err != nil {
			return err
		}
		defer srv.Close()
		r, w, err := asyncio.OpenConnection(ctx, "tcp", "server:8888")
		if err != nil {
			return err
		}
		defer w.Close()
		fmt.Printf("%v client: connected\n", loop.Time())
		if err := w.Write([]byte("Hello World!\n")); err != nil {
			return err
		}
		line, err := r.ReadLine(ctx)
		fmt.Printf("%v client: %q\n", loop.Time(), line)
		return err
	}, asyncio.WithVirtualClock(), asyncio.WithNetwork(n))
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// 100ms client: connected
	// 150ms server: "Hello World!\n"
	// 200ms client: "Hello World!\n"
}

// This example partitions a client from its server for a minute: the
// line it sends meanwhile waits, and arrives once the partition heals.
func ExampleNetwork_Partition() {
	n := asynciotest.NewNetwork()
	n.SetLink("localhost", "server", asynciotest.LinkConfig{Latency: 10 * time.Millisecond})
	err := asyncio.Run(func(ctx context.Context) error {
		loop, _ := asyncio.GetRunningLoop(ctx)
		srv, err := asyncio.StartServer(ctx, func(ctx context.Context, r *asyncio.StreamReader, w *asyncio.StreamWriter) error {
			line, err := r.ReadLine(ctx)
			fmt.Printf("%v server: %q\n", loop.Time(), line)
			return err
		}, "tcp", "server:8888")
		if err != nil {
			return err
		}
		defer srv.Close()
		_, w, err := asyncio.OpenConnection(ctx, "tcp", "server:8888")
		if err != nil {
			return err
		}
		defer w.Close()
		n.Partition("localhost", "server")
		fmt.Printf("%v client: partitioned\n", loop.Time())
		if err := w.Write([]byte("are you there?\n")); err != nil {
			return err
		}
		if err := asyncio.Sleep(ctx, time.Minute); err != nil {
			return err
		}
		n.Heal("localhost", "server")
		fmt.Printf("%v client: healed\n", loop.Time())
		return asyncio.Sleep(ctx, time.Second)
	}, asyncio.WithVirtualClock(), asyncio.WithNetwork(n))
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// 20ms client: partitioned
	// 1m0.02s client: healed
	// 1m0.03s server: "are you there?\n"
}
