// Command echo is a TCP echo server and client written with asyncio-go's
// streams API, the way asyncio's documentation writes them with
// asyncio.start_server and asyncio.open_connection.
//
//	go run ./examples/echo -addr 127.0.0.1:8888            # serve until interrupted
//	go run ./examples/echo -client -addr 127.0.0.1:8888    # 32 connections echo 1 KiB messages for 2 s
//	go run ./examples/echo -client -virtual                # the same client on the virtual clock
//	go run ./examples/echo -loops 4 -addr 127.0.0.1:8888   # one loop per core on one port
//
// The server runs one handler task per connection: Read(ctx, 65536), then
// Write and Drain what it read, as the asyncio streams echo server of the
// benchmark peers does (TCP_NODELAY is set by the library on every TCP
// socket). It runs until SIGINT or SIGTERM; with -cpuprofile it writes a CPU
// profile when it stops. bench/run builds it and runs it as
//
//	echo -addr 127.0.0.1:PORT
//
// and finds it ready once its port accepts connections.
//
// With -loops N the program runs N event loops, each on its own goroutine
// calling asyncio.Run, and each listening on the same address with
// WithReusePort: the kernel spreads the connections over the N listening
// sockets, so that N cores serve one port with no lock shared between loops.
//
// The client opens -conns connections; each sends a -size message, reads
// the echo back with ReadExactly and checks it, until -duration has passed
// (or -requests were made). It prints requests/s and MB/s. With -virtual
// the client's loop runs on the virtual clock: with sockets registered it
// follows real time, so the figures are the same, and the program shows that
// a coroutine written against the loop's clock needs no change to run there.
package main

import (
	"bytes"
	"context"
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
	addr       = flag.String("addr", "127.0.0.1:8888", "`host:port` to listen on, or to connect to with -client")
	client     = flag.Bool("client", false, "run the client instead of the server")
	virtual    = flag.Bool("virtual", false, "with -client: run the client's loop on the virtual clock")
	conns      = flag.Int("conns", 32, "with -client: concurrent connections")
	size       = flag.Int("size", 1024, "with -client: message size in bytes")
	duration   = flag.Duration("duration", 2*time.Second, "with -client: how long to send requests")
	requests   = flag.Int("requests", 0, "with -client: stop after this many requests in all (0: no limit)")
	loops      = flag.Int("loops", 1, "server: event loops, one goroutine each, sharing the port with SO_REUSEPORT")
	cpuprofile = flag.String("cpuprofile", "", "server: write a CPU profile to `file` when the server stops")
	intoBuf    = flag.Bool("readinto", false, "server: read through StreamReader.Reader into one reused buffer instead of Read(ctx, 65536)")
)

func main() {
	flag.Parse()
	if *client {
		if *conns < 1 || *size < 1 {
			fail(errors.New("-conns and -size must be positive"))
		}
		var opts []asyncio.Option
		if *virtual {
			opts = append(opts, asyncio.WithVirtualClock())
		}
		cfg := clientConfig{addr: *addr, conns: *conns, size: *size, duration: *duration, requests: *requests}
		st, err := asyncio.RunValue(func(ctx context.Context) (stats, error) { return runClient(ctx, cfg) }, opts...)
		if err != nil {
			fail(err)
		}
		fmt.Println(st)
		return
	}
	if *loops < 1 {
		fail(errors.New("-loops must be positive"))
	}
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
	if err := serveLoops(*addr, *loops, stop, nil); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "echo:", err)
	os.Exit(1)
}

// serveLoops runs n event loops, each serving addr until stop is closed;
// with n > 1 they share the port through SO_REUSEPORT. ready, if not nil,
// is called from each loop with the address it listens on. It returns the
// first loop's error.
func serveLoops(addr string, n int, stop <-chan struct{}, ready func(string)) error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			errs[i] = asyncio.Run(func(ctx context.Context) error {
				return serve(ctx, addr, n > 1, stop, ready)
			})
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// serve runs one echo server on the running loop until stop is closed, then
// closes it and lets the connections finish.
func serve(ctx context.Context, addr string, reusePort bool, stop <-chan struct{}, ready func(string)) error {
	h := handle
	if *intoBuf {
		h = handleInto
	}
	srv, err := asyncio.StartServer(ctx, h, "tcp", addr, asyncio.WithReusePort(reusePort))
	if err != nil {
		return err
	}
	if ready != nil {
		ready(srv.Sockets()[0].String())
	}
	// StartServer accepts at once; where asyncio's program would await
	// server.serve_forever() until it is cancelled, this one waits for the
	// stop channel (a signal) and then closes the server itself.
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
// until the client closes its side. A connection that fails (reset by the
// client, say) just ends: for an echo server that is the client's business,
// not an error to report. Cancellation is returned, so that the server's
// shutdown sees it.
func handle(ctx context.Context, r *asyncio.StreamReader, w *asyncio.StreamWriter) error {
	for {
		data, err := r.Read(ctx, 65536)
		if err != nil {
			return cancelled(err)
		}
		if len(data) == 0 {
			return nil // EOF: the writer is closed once the handler returns
		}
		if err := w.Write(data); err != nil {
			return cancelled(err)
		}
		if err := w.Drain(ctx); err != nil {
			return cancelled(err)
		}
	}
}

// handleInto is handle without a fresh slice per read: it reads through the
// reader's io.Reader adapter into one buffer per connection (the transport
// copies what the socket does not take at once, so the buffer can be
// reused at once). Read(ctx, 65536), asyncio's shape, returns new bytes each
// time; at 64 KiB that allocation and the garbage collection it causes are
// a large part of the server's time (bench/RESULTS.md).
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
	secs := s.elapsed.Seconds()
	if secs <= 0 {
		secs = 1e-9
	}
	return fmt.Sprintf("%d requests in %.2fs: %.0f requests/s, %.1f MB/s",
		s.requests, secs, float64(s.requests)/secs, float64(s.bytes)/secs/1e6)
}

// runClient opens cfg.conns connections, echoes messages on each until the
// time or the request budget runs out, and checks every echo.
func runClient(ctx context.Context, cfg clientConfig) (stats, error) {
	loop, err := asyncio.GetRunningLoop(ctx)
	if err != nil {
		return stats{}, err
	}
	start := loop.Time()
	deadline := start + cfg.duration
	var st stats
	// budget hands out the requests; each connection takes one before it
	// sends, so that the total stays within cfg.requests.
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
				n, err := echoConn(ctx, cfg.addr, cfg.size, uint64(i), take)
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
//	reader, writer = await asyncio.open_connection(host, port)
//	writer.write(message)
//	data = await reader.readexactly(len(message))
//
// repeated while more() allows, then writer.close() and wait_closed().
func echoConn(ctx context.Context, addr string, size int, seed uint64, more func() bool) (int, error) {
	r, w, err := asyncio.OpenConnection(ctx, "tcp", addr)
	if err != nil {
		return 0, err
	}
	msg := make([]byte, size)
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
		got, err := r.ReadExactly(ctx, size)
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
