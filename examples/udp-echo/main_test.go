//go:build unix

package main

import (
	"context"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestUDPEchoServerAndClients runs the server, the docs' client and a short
// load run on one loop on loopback: every echo comes back intact, none is
// lost, and the server stops when told.
func TestUDPEchoServerAndClients(t *testing.T) {
	err := asyncio.Run(func(ctx context.Context) error {
		stop := make(chan struct{})
		ready := asyncio.NewQueue[string](1)
		server := asyncio.Go(ctx, func(ctx context.Context) error {
			return serve(ctx, "127.0.0.1:0", false, stop, func(a string) { _ = ready.PutNowait(a) })
		})
		addr, err := ready.Get(ctx)
		if err != nil {
			return err
		}
		if err := runClient(ctx, addr, "Hello World!"); err != nil {
			t.Errorf("the docs' client: %v", err)
		}
		st, err := runLoad(ctx, loadConfig{addr: addr, flows: 4, size: 1024, duration: 200 * time.Millisecond, timeout: 5 * time.Second})
		if err != nil {
			t.Errorf("load: %v", err)
		}
		if st.requests == 0 || st.lost != 0 || st.bytes != st.requests*1024 {
			t.Errorf("load: %v; want requests, none lost", st)
		}
		close(stop)
		_, err = server.Await(ctx)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
