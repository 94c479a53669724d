//go:build unix

package main

import (
	"context"
	"crypto/tls"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestTLSEchoServerAndClient runs the server (both handlers) and the
// pinning client on one loop on loopback for a bounded number of requests,
// at both benchmark sizes: every echo comes back intact.
func TestTLSEchoServerAndClient(t *testing.T) {
	cert, err := selfSigned()
	if err != nil {
		t.Fatal(err)
	}
	scfg := &tls.Config{Certificates: []tls.Certificate{cert}}
	for i, h := range []asyncio.StreamHandler{handle, handleInto} {
		for _, size := range []int{1024, 65536} {
			st, err := asyncio.RunValue(func(ctx context.Context) (stats, error) {
				srv, err := asyncio.StartServer(ctx, h, "tcp", "127.0.0.1:0", asyncio.WithTLS(scfg))
				if err != nil {
					return stats{}, err
				}
				defer srv.Close()
				cfg := clientConfig{addr: srv.Sockets()[0].String(), tls: pinnedConfig(fingerprint(cert.Certificate[0])),
					conns: 4, size: size, duration: 10 * time.Second, requests: 100}
				return runClient(ctx, cfg)
			})
			if err != nil {
				t.Fatalf("handler %d size %d: %v", i, size, err)
			}
			if st.requests != 100 {
				t.Errorf("handler %d size %d: %d requests, want 100", i, size, st.requests)
			}
		}
	}
}

// TestTLSEchoClientRefusesAnotherCertificate: a pin that is not the
// server's fails the handshake.
func TestTLSEchoClientRefusesAnotherCertificate(t *testing.T) {
	cert, err := selfSigned()
	if err != nil {
		t.Fatal(err)
	}
	err = asyncio.Run(func(ctx context.Context) error {
		srv, err := asyncio.StartServer(ctx, handle, "tcp", "127.0.0.1:0", asyncio.WithTLS(&tls.Config{Certificates: []tls.Certificate{cert}}))
		if err != nil {
			return err
		}
		defer srv.Close()
		_, err = runClient(ctx, clientConfig{addr: srv.Sockets()[0].String(), tls: pinnedConfig("00"), conns: 1, size: 16, duration: time.Second})
		return err
	})
	if err == nil {
		t.Error("a client pinning another certificate connected")
	}
}

// TestTLSGoroutineServerEchoes drives the -goroutines server with the same
// client, then stops it.
func TestTLSGoroutineServerEchoes(t *testing.T) {
	cert, err := selfSigned()
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	addrs := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- serveGoroutines("127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}}, stop, func(a string) { addrs <- a })
	}()
	addr := <-addrs
	st, err := asyncio.RunValue(func(ctx context.Context) (stats, error) {
		return runClient(ctx, clientConfig{addr: addr, tls: pinnedConfig(fingerprint(cert.Certificate[0])),
			conns: 4, size: 1024, duration: 10 * time.Second, requests: 100})
	})
	close(stop)
	if err != nil || st.requests != 100 {
		t.Errorf("client of the goroutine server: %v, %d requests", err, st.requests)
	}
	if err := <-done; err != nil {
		t.Error(err)
	}
}
