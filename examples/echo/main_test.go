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

// TestEchoServerAndClient runs the server (both handlers) and the client on
// one loop on loopback for a bounded number of requests, at both benchmark
// sizes, on the real and on the virtual clock: every echo comes back intact
// and the server shuts down with its connections.
func TestEchoServerAndClient(t *testing.T) {
	for i, h := range []asyncio.StreamHandler{handle, handleInto} {
		for _, virtual := range []bool{false, true} {
			for _, size := range []int{1024, 65536} {
				testEcho(t, i, h, virtual, size)
			}
		}
	}
}

func testEcho(t *testing.T, handler int, h asyncio.StreamHandler, virtual bool, size int) {
	t.Helper()
	var opts []asyncio.Option
	if virtual {
		opts = append(opts, asyncio.WithVirtualClock())
	}
	st, err := asyncio.RunValue(func(ctx context.Context) (stats, error) {
		srv, err := asyncio.StartServer(ctx, h, "tcp", "127.0.0.1:0")
		if err != nil {
			return stats{}, err
		}
		defer srv.Close()
		cfg := clientConfig{addr: srv.Sockets()[0].String(), conns: 4, size: size, duration: 10 * time.Second, requests: 200}
		return runClient(ctx, cfg)
	}, opts...)
	if err != nil {
		t.Fatalf("handler %d virtual=%v size=%d: %v", handler, virtual, size, err)
	}
	if st.requests != 200 || st.bytes != 200*size {
		t.Errorf("handler %d virtual=%v size=%d: %d requests, %d bytes; want 200, %d", handler, virtual, size, st.requests, st.bytes, 200*size)
	}
}

// TestEchoLoopsShareAPort runs two loops on one port with SO_REUSEPORT, as
// -loops 2 does, drives them from a client loop, then stops them.
func TestEchoLoopsShareAPort(t *testing.T) {
	// Find a free port, then let both loops bind it.
	addr, err := asyncio.RunValue(func(ctx context.Context) (string, error) {
		srv, err := asyncio.StartServer(ctx, handle, "tcp", "127.0.0.1:0")
		if err != nil {
			return "", err
		}
		defer srv.Close()
		return srv.Sockets()[0].String(), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	ready := make(chan string, 2)
	served := make(chan error, 1)
	go func() { served <- serveLoops(addr, 2, stop, func(a string) { ready <- a }) }()
	for range 2 {
		select {
		case <-ready:
		case err := <-served:
			t.Fatal(err)
		case <-time.After(10 * time.Second):
			t.Fatal("the loops did not start listening")
		}
	}
	cfg := clientConfig{addr: addr, conns: 8, size: 1024, duration: 10 * time.Second, requests: 400}
	st, err := asyncio.RunValue(func(ctx context.Context) (stats, error) { return runClient(ctx, cfg) })
	close(stop)
	if err != nil {
		t.Fatal(err)
	}
	if st.requests != 400 {
		t.Errorf("%d requests; want 400", st.requests)
	}
	select {
	case err := <-served:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the loops did not stop")
	}
}
