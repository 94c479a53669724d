// Command tls-echo is a TLS echo server and client written with asyncio-go's
// streams API, the way asyncio's documentation writes them with
// asyncio.start_server(..., ssl=ctx) and asyncio.open_connection(...,
// ssl=ctx). The server makes a self-signed certificate at start-up (no
// files) and prints its SHA-256 fingerprint; the client pins it.
//
//	go run ./examples/tls-echo -addr 127.0.0.1:8443                  # serve until interrupted
//	go run ./examples/tls-echo -client -pin HEX -addr 127.0.0.1:8443 # 32 connections echo 1 KiB for 2 s
//	go run ./examples/tls-echo -loops 4 -addr 127.0.0.1:8443         # one loop per core on one port
//	go run ./examples/tls-echo -goroutines -addr 127.0.0.1:8443      # the goroutine-per-connection crypto/tls server
//
// The server runs one handler task per connection: Read(ctx, 65536), then
// Write and Drain what it read, as examples/echo does over plain TCP; the
// TLS record layer runs on the loop, over the socket's transport. It runs
// until SIGINT or SIGTERM; with -cpuprofile it writes a CPU profile when it
// stops. With -goroutines it runs the comparison server instead: plain Go,
// one goroutine per connection, crypto/tls's Conn over net.Conn, the
// server bench/RESULTS.md measures it against.
//
// The client opens -conns connections, handshakes on each, then sends a
// -size message, reads the echo back with ReadExactly and checks it, until
// -duration has passed (or -requests were made). It prints requests/s and
// MB/s.
package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/signal"
	"runtime/pprof"
	"sync"
	"syscall"
	"time"

	"github.com/asyncio-go/asyncio"
)

var (
	addr       = flag.String("addr", "127.0.0.1:8443", "`host:port` to listen on, or to connect to with -client")
	client     = flag.Bool("client", false, "run the client instead of the server")
	pin        = flag.String("pin", "", "with -client: the SHA-256 `fingerprint` the server printed")
	conns      = flag.Int("conns", 32, "with -client: concurrent connections")
	size       = flag.Int("size", 1024, "with -client: message size in bytes")
	duration   = flag.Duration("duration", 2*time.Second, "with -client: how long to send requests")
	requests   = flag.Int("requests", 0, "with -client: stop after this many requests in all (0: no limit)")
	loops      = flag.Int("loops", 1, "server: event loops, one goroutine each, sharing the port with SO_REUSEPORT")
	goroutines = flag.Bool("goroutines", false, "server: the goroutine-per-connection crypto/tls server instead")
	cpuprofile = flag.String("cpuprofile", "", "server: write a CPU profile to `file` when the server stops")
	intoBuf    = flag.Bool("readinto", false, "server: read through StreamReader.Reader into one reused buffer instead of Read(ctx, 65536)")
)

func main() {
	flag.Parse()
	if *client {
		if *conns < 1 || *size < 1 {
			fail(errors.New("-conns and -size must be positive"))
		}
		if *pin == "" {
			fail(errors.New("-client needs -pin, the fingerprint the server printed"))
		}
		cfg := clientConfig{addr: *addr, tls: pinnedConfig(*pin), conns: *conns, size: *size, duration: *duration, requests: *requests}
		st, err := asyncio.RunValue(func(ctx context.Context) (stats, error) { return runClient(ctx, cfg) })
		if err != nil {
			fail(err)
		}
		fmt.Println(st)
		return
	}
	if *loops < 1 {
		fail(errors.New("-loops must be positive"))
	}
	cert, err := selfSigned()
	if err != nil {
		fail(err)
	}
	tcfg := &tls.Config{Certificates: []tls.Certificate{cert}}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fail(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fail(err)
		}
		defer func() {
			pprof.StopCPUProfile()
			_ = f.Close()
		}()
	}
	stop := make(chan struct{})
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sig
		close(stop)
	}()
	var once sync.Once
	ready := func(a string) {
		once.Do(func() { fmt.Printf("serving TLS on %s, certificate sha256 %s\n", a, fingerprint(cert.Certificate[0])) })
	}
	if *goroutines {
		err = serveGoroutines(*addr, tcfg, stop, ready)
	} else {
		err = serveLoops(*addr, tcfg, *loops, stop, ready)
	}
	if err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "tls-echo:", err)
	os.Exit(1)
}

// serveLoops runs n event loops, each serving addr with TLS until stop is
// closed; with n > 1 they share the port through SO_REUSEPORT. ready, if
// not nil, is called from each loop with the address it listens on.
func serveLoops(addr string, cfg *tls.Config, n int, stop <-chan struct{}, ready func(string)) error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			errs[i] = asyncio.Run(func(ctx context.Context) error {
				return serve(ctx, addr, cfg, n > 1, stop, ready)
			})
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// serve runs one TLS echo server on the running loop until stop is closed,
// then closes it and its connections.
func serve(ctx context.Context, addr string, cfg *tls.Config, reusePort bool, stop <-chan struct{}, ready func(string)) error {
	h := handle
	if *intoBuf {
		h = handleInto
	}
	srv, err := asyncio.StartServer(ctx, h, "tcp", addr, asyncio.WithTLS(cfg), asyncio.WithReusePort(reusePort))
	if err != nil {
		return err
	}
	if ready != nil {
		ready(srv.Sockets()[0].String())
	}
	if _, _, err := asyncio.Recv(ctx, stop); err != nil {
		return err
	}
	if err := srv.Close(); err != nil {
		return err
	}
	if err := srv.CloseClients(); err != nil {
		return err
	}
	return srv.WaitClosed(ctx)
}

// handle echoes one connection: asyncio's
//
//	data = await reader.read(65536)
//	writer.write(data)
//	await writer.drain()
//
// until the client closes its side (its close_notify, or its socket). A
// connection that fails just ends; cancellation is returned, so that the
// server's shutdown sees it.
func handle(ctx context.Context, r *asyncio.StreamReader, w *asyncio.StreamWriter) error {
	for {
		data, err := r.Read(ctx, 65536)
		if err != nil {
			return cancelled(err)
		}
		if len(data) == 0 {
			return nil // EOF: the writer is closed, with close_notify, once the handler returns
		}
		if err := w.Write(data); err != nil {
			return cancelled(err)
		}
		if err := w.Drain(ctx); err != nil {
			return cancelled(err)
		}
	}
}

// handleInto is handle reading through the reader's io.Reader adapter into
// one buffer per connection, with no fresh slice per read.
func handleInto(ctx context.Context, r *asyncio.StreamReader, w *asyncio.StreamWriter) error {
	rd := r.Reader(ctx)
	buf := make([]byte, 65536)
	for {
		n, err := rd.Read(buf)
		if n > 0 {
			if err := w.Write(buf[:n]); err != nil {
				return cancelled(err)
			}
			if err := w.Drain(ctx); err != nil {
				return cancelled(err)
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return cancelled(err)
		}
	}
}

// cancelled keeps a cancellation and drops any other error.
func cancelled(err error) error {
	if errors.Is(err, asyncio.ErrCancelled) {
		return err
	}
	return nil
}

type clientConfig struct {
	addr     string
	tls      *tls.Config
	conns    int
	size     int
	duration time.Duration
	requests int
}

// stats is what the client measured.
type stats struct {
	requests int
	bytes    int
	elapsed  time.Duration
}

func (s stats) String() string {
	secs := max(s.elapsed.Seconds(), 1e-9)
	return fmt.Sprintf("%d requests in %.2fs: %.0f requests/s, %.1f MB/s",
		s.requests, secs, float64(s.requests)/secs, float64(s.bytes)/secs/1e6)
}

// runClient opens cfg.conns TLS connections, echoes messages on each until
// the time or the request budget runs out, and checks every echo.
func runClient(ctx context.Context, cfg clientConfig) (stats, error) {
	loop, err := asyncio.GetRunningLoop(ctx)
	if err != nil {
		return stats{}, err
	}
	start := loop.Time()
	deadline := start + cfg.duration
	var st stats
	budget := cfg.requests
	take := func() bool {
		if loop.Time() >= deadline {
			return false
		}
		if cfg.requests > 0 {
			if budget == 0 {
				return false
			}
			budget--
		}
		return true
	}
	err = asyncio.WithTaskGroup(ctx, func(ctx context.Context, tg *asyncio.TaskGroup) error {
		for i := range cfg.conns {
			tg.Go(func(ctx context.Context) error {
				n, err := echoConn(ctx, cfg, uint64(i), take)
				st.requests += n
				st.bytes += n * cfg.size
				return err
			})
		}
		return nil
	})
	st.elapsed = loop.Time() - start
	return st, err
}

// echoConn is one client connection: asyncio's
//
//	reader, writer = await asyncio.open_connection(host, port, ssl=ctx)
//	writer.write(message)
//	data = await reader.readexactly(len(message))
//
// repeated while more() allows, then writer.close() and wait_closed().
func echoConn(ctx context.Context, cfg clientConfig, seed uint64, more func() bool) (int, error) {
	r, w, err := asyncio.OpenConnection(ctx, "tcp", cfg.addr, asyncio.WithTLS(cfg.tls))
	if err != nil {
		return 0, err
	}
	msg := make([]byte, cfg.size)
	rng := rand.New(rand.NewPCG(seed, 1))
	for i := range msg {
		msg[i] = byte(rng.Uint32())
	}
	n := 0
	for more() {
		if err := w.Write(msg); err != nil {
			return n, err
		}
		if err := w.Drain(ctx); err != nil {
			return n, err
		}
		got, err := r.ReadExactly(ctx, cfg.size)
		if err != nil {
			return n, err
		}
		if !bytes.Equal(got, msg) {
			return n, errors.New("the echo differs from the message sent")
		}
		n++
	}
	if err := w.Close(); err != nil {
		return n, err
	}
	return n, w.WaitClosed(ctx)
}
