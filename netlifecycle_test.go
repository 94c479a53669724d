//go:build unix

package asyncio_test

// The lives of servers and connections (issue 10): closing a server while
// its handlers run, connection churn, panicking protocols, the loop's
// shutdown, the virtual clock with sockets, Unix sockets, adopted sockets
// and shared ports.

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

// roundTrip writes msg and reads one line back.
func roundTrip(ctx context.Context, r *asyncio.StreamReader, w *asyncio.StreamWriter, msg string) (string, error) {
	if err := w.Write([]byte(msg)); err != nil {
		return "", err
	}
	line, err := r.ReadLine(ctx)
	return string(line), err
}

func TestClosingAServerLetsRunningHandlersFinishAndWaitClosedWaitsForThem(t *testing.T) {
	const clients = 5
	asynciotest.Run(t, func(ctx context.Context) error {
		started, finished := 0, 0
		srv, err := asyncio.StartServer(ctx, func(ctx context.Context, r *asyncio.StreamReader, w *asyncio.StreamWriter) error {
			started++
			line, err := r.ReadLine(ctx)
			if err != nil {
				return err
			}
			if err := asyncio.Sleep(ctx, 50*time.Millisecond); err != nil { // still at work when the server closes
				return err
			}
			finished++
			return w.Write(append([]byte("done "), line...))
		}, "tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		addr := srv.Sockets()[0].String()
		var replies []*asyncio.Task[string]
		for i := range clients {
			r, w, err := asyncio.OpenConnection(ctx, "tcp", addr)
			if err != nil {
				return err
			}
			if err := w.Write(fmt.Appendf(nil, "%d\n", i)); err != nil {
				return err
			}
			replies = append(replies, asyncio.CreateTask(ctx, func(ctx context.Context) (string, error) {
				b, err := r.Read(ctx, -1)
				return string(b), err
			}))
		}
		for started < clients {
			if err := asyncio.Sleep(ctx, time.Millisecond); err != nil {
				return err
			}
		}
		if err := srv.Close(); err != nil {
			return err
		}
		if srv.IsServing() || srv.Sockets() != nil {
			t.Error("a closed server still serves or lists sockets")
		}
		if _, _, err := asyncio.OpenConnection(ctx, "tcp", addr); !errors.Is(err, syscall.ECONNREFUSED) {
			t.Errorf("connecting to a closed server = %v, want ECONNREFUSED", err)
		}
		if err := srv.WaitClosed(ctx); err != nil {
			return err
		}
		if finished != clients {
			t.Errorf("WaitClosed returned with %d of %d handlers finished", finished, clients)
		}
		for i, rep := range replies {
			got, err := rep.Await(ctx)
			if want := fmt.Sprintf("done %d\n", i); err != nil || got != want {
				t.Errorf("client %d got %q, %v; want %q", i, got, err, want)
			}
		}
		return nil
	})
}

func TestCloseClientsEndsHandlersWaitingToRead(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var handlerErrs []error
		srv, err := asyncio.StartServer(ctx, func(ctx context.Context, r *asyncio.StreamReader, w *asyncio.StreamWriter) error {
			if err := w.Write([]byte("hello\n")); err != nil {
				return err
			}
			_, err := r.ReadLine(ctx) // the client never sends: CloseClients ends it with EOF
			handlerErrs = append(handlerErrs, err)
			return err
		}, "tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		var readers []*asyncio.StreamReader
		for range 3 {
			r, _, err := asyncio.OpenConnection(ctx, "tcp", srv.Sockets()[0].String())
			if err != nil {
				return err
			}
			if _, err := r.ReadLine(ctx); err != nil { // the handler runs
				return err
			}
			readers = append(readers, r)
		}
		if err := srv.Close(); err != nil {
			return err
		}
		if err := srv.CloseClients(); err != nil {
			return err
		}
		if err := asyncio.Timeout(ctx, 5*time.Second, srv.WaitClosed); err != nil {
			t.Fatalf("WaitClosed after CloseClients: %v", err)
		}
		if len(handlerErrs) != 3 {
			t.Errorf("%d handlers ended, want 3", len(handlerErrs))
		}
		for _, r := range readers {
			if b, err := r.Read(ctx, -1); err != nil || len(b) != 0 {
				t.Errorf("a client of a closed server read %q, %v; want EOF", b, err)
			}
		}
		return nil
	})
}

func TestAbortClientsDropsUnsentBytesAndFailsDrain(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var drainErrs []error
		srv, err := asyncio.StartServer(ctx, func(ctx context.Context, r *asyncio.StreamReader, w *asyncio.StreamWriter) error {
			chunk := make([]byte, 64<<10)
			for { // to a client that never reads: Drain suspends
				if err := w.Write(chunk); err != nil {
					drainErrs = append(drainErrs, err)
					return nil
				}
				if err := w.Drain(ctx); err != nil {
					drainErrs = append(drainErrs, err)
					return nil
				}
			}
		}, "tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		var peers []*net.TCPConn
		for range 3 {
			c, err := dialRaw(ctx, srv.Sockets()[0].String())
			if err != nil {
				return err
			}
			defer c.Close()
			peers = append(peers, c)
		}
		if err := asyncio.Sleep(ctx, 50*time.Millisecond); err != nil { // the buffers fill
			return err
		}
		if len(drainErrs) != 0 {
			t.Fatalf("handlers ended before AbortClients: %v", drainErrs)
		}
		if err := srv.Close(); err != nil {
			return err
		}
		if err := srv.AbortClients(); err != nil {
			return err
		}
		if err := asyncio.Timeout(ctx, 5*time.Second, srv.WaitClosed); err != nil {
			t.Fatalf("WaitClosed after AbortClients: %v", err)
		}
		for len(drainErrs) < len(peers) {
			if err := asyncio.Sleep(ctx, time.Millisecond); err != nil {
				return err
			}
		}
		for _, err := range drainErrs {
			if !errors.Is(err, asyncio.ErrConnectionLost) {
				t.Errorf("Drain of an aborted connection = %v, want ErrConnectionLost", err)
			}
		}
		return nil
	})
}

func TestAThousandConnectionsOpenedAndClosedLeakNoFDOrGoroutine(t *testing.T) {
	const total, batch = 1000, 50
	fds, goroutines := openFDs(t), runtime.NumGoroutine()
	asynciotest.Run(t, func(ctx context.Context) error {
		srv, err := asyncio.StartServer(ctx, echoLines, "tcp", "127.0.0.1:0", asyncio.WithBacklog(batch))
		if err != nil {
			return err
		}
		defer srv.Close()
		addr := srv.Sockets()[0].String()
		for n := 0; n < total; n += batch {
			err := asyncio.WithTaskGroup(ctx, func(ctx context.Context, tg *asyncio.TaskGroup) error {
				for i := range batch {
					asyncio.CreateGroupTask(tg, func(ctx context.Context) (struct{}, error) {
						r, w, err := asyncio.OpenConnection(ctx, "tcp", addr)
						if err != nil {
							return struct{}{}, err
						}
						msg := fmt.Sprintf("conn %d\n", n+i)
						if got, err := roundTrip(ctx, r, w, msg); err != nil || got != msg {
							return struct{}{}, fmt.Errorf("echo of %q = %q, %v", msg, got, err)
						}
						if err := w.Close(); err != nil {
							return struct{}{}, err
						}
						return struct{}{}, w.WaitClosed(ctx)
					})
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	checkNoFDLeak(t, fds)
	if n := runtime.NumGoroutine(); n > goroutines {
		t.Errorf("%d goroutines after %d connections, %d before", n, total, goroutines)
	}
}

// panicProtocol panics when it receives data.
type panicProtocol struct{ echoProtocol }

func (p *panicProtocol) DataReceived(data []byte) {
	if string(data) == "boom" {
		panic("boom")
	}
	p.echoProtocol.DataReceived(data)
}

func TestAProtocolThatPanicsLosesItsConnectionAndTheServerGoesOn(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		got := asynciotest.Exceptions(runningLoop(t, ctx))
		lost := make(chan error, 2)
		srv, err := asyncio.CreateServer(ctx, func() asyncio.Protocol {
			return &panicProtocol{echoProtocol{lost: lost}}
		}, "tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer srv.Close()
		addr := srv.Sockets()[0].String()
		r, w, err := asyncio.OpenConnection(ctx, "tcp", addr)
		if err != nil {
			return err
		}
		if err := w.Write([]byte("boom")); err != nil {
			return err
		}
		if b, err := r.Read(ctx, -1); len(b) != 0 {
			t.Errorf("the panicking connection sent %q, %v", b, err)
		}
		lostErr, _, err := asyncio.Recv(ctx, lost)
		if err != nil {
			return err
		}
		var pe *asyncio.PanicError
		if !errors.As(lostErr, &pe) {
			t.Errorf("ConnectionLost(%v), want the panic", lostErr)
		}
		r, w, err = asyncio.OpenConnection(ctx, "tcp", addr)
		if err != nil {
			return err
		}
		if got, err := roundTrip(ctx, r, w, "still here\n"); err != nil || got != "still here\n" {
			t.Errorf("the next connection echoed %q, %v", got, err)
		}
		if ex := got(); len(ex) != 1 || !errors.As(ex[0].Err, &pe) {
			t.Errorf("exceptions = %v, want the protocol's panic", ex)
		}
		return w.Close()
	})
}

// pausedProtocol never reads what it is sent.
type pausedProtocol struct{ echoProtocol }

func (p *pausedProtocol) ConnectionMade(t asyncio.Transport) { p.t = t; t.PauseReading() }

func TestRunClosesEveryTransportAndServerAndReportsUnsentBytes(t *testing.T) {
	before := openFDs(t)
	var exceptions func() []asyncio.ExceptionContext
	var clientTr asyncio.Transport
	asynciotest.Run(t, func(ctx context.Context) error {
		exceptions = asynciotest.Exceptions(runningLoop(t, ctx))
		srv, err := asyncio.StartServer(ctx, func(ctx context.Context, r *asyncio.StreamReader, w *asyncio.StreamWriter) error {
			chunk := make([]byte, 64<<10)
			for {
				if err := w.Write(chunk); err != nil {
					return err
				}
				if err := w.Drain(ctx); err != nil {
					return err
				}
			}
		}, "tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		clientTr, _, err = asyncio.CreateConnection(ctx, func() asyncio.Protocol { return &pausedProtocol{} }, "tcp", srv.Sockets()[0].String())
		if err != nil {
			return err
		}
		// A Unix server too, whose socket file must go with the loop.
		path := filepath.Join(t.TempDir(), "s")
		if _, err := asyncio.StartUnixServer(ctx, echoLines, path); err != nil {
			return err
		}
		if openFDs(t) <= before {
			t.Error("no file descriptor was opened")
		}
		// Return with everything open, the server's handler blocked in
		// Drain with bytes it cannot send.
		return asyncio.Sleep(ctx, 50*time.Millisecond)
	})
	checkNoFDLeak(t, before)
	if !clientTr.IsClosing() {
		t.Error("a transport is open after Run returned")
	}
	unsent := false
	for _, ex := range exceptions() {
		unsent = unsent || strings.Contains(ex.Message, "bytes unsent")
	}
	if !unsent {
		t.Errorf("exceptions = %v, want the unsent bytes reported", exceptions())
	}
}

func TestEventLoopCloseClosesWhatTheLoopOwns(t *testing.T) {
	before := openFDs(t)
	loop := asyncio.NewEventLoop()
	var srv *asyncio.Server
	task := loop.Go(func(ctx context.Context) error {
		var err error
		srv, err = asyncio.StartServer(ctx, echoLines, "tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		r, w, err := asyncio.OpenConnection(ctx, "tcp", srv.Sockets()[0].String())
		if err != nil {
			return err
		}
		_, err = roundTrip(ctx, r, w, "hi\n") // a connection on each side, open
		return err
	})
	if err := loop.RunUntilComplete(task); err != nil {
		t.Fatal(err)
	}
	if _, err := task.Result(); err != nil {
		t.Fatal(err)
	}
	if err := loop.Close(); err != nil {
		t.Fatal(err)
	}
	checkNoFDLeak(t, before)
	if srv.Sockets() != nil {
		t.Error("the server lists sockets after its loop closed")
	}
}

// timedClient runs requests against an echo server with a pause between
// them and a timeout around a read that no reply will end, and returns what
// it saw: the same under the real and the virtual clock.
func timedClient(ctx context.Context, addr string) ([]string, error) {
	loop, err := asyncio.GetRunningLoop(ctx)
	if err != nil {
		return nil, err
	}
	r, w, err := asyncio.OpenConnection(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	defer w.Close()
	var log []string
	start := loop.Time()
	for i := range 3 {
		if i > 0 {
			if err := asyncio.Sleep(ctx, 50*time.Millisecond); err != nil {
				return nil, err
			}
		}
		var got string
		err := asyncio.Timeout(ctx, time.Second, func(ctx context.Context) error {
			var err error
			got, err = roundTrip(ctx, r, w, fmt.Sprintf("req %d\n", i))
			return err
		})
		log = append(log, fmt.Sprintf("%q %v", got, err))
	}
	err = asyncio.Timeout(ctx, 30*time.Millisecond, func(ctx context.Context) error {
		_, err := r.ReadLine(ctx) // nothing was asked: nothing comes
		return err
	})
	log = append(log, fmt.Sprintf("silent read: timeout=%t", errors.Is(err, asyncio.ErrTimeout)))
	if el := loop.Time() - start; el < 130*time.Millisecond {
		log = append(log, fmt.Sprintf("loop time %v, want at least 130ms", el))
	}
	return log, nil
}

func TestLoopbackClientAndServerRunTheSameOnTheVirtualClock(t *testing.T) {
	scenario := func(ctx context.Context) ([]string, error) {
		srv, err := asyncio.StartServer(ctx, echoLines, "tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		defer srv.Close()
		return timedClient(ctx, srv.Sockets()[0].String())
	}
	var real, virtual []string
	var realWall, virtualWall time.Duration
	if err := asyncio.Run(func(ctx context.Context) (err error) {
		start := time.Now()
		real, err = scenario(ctx)
		realWall = time.Since(start)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	asynciotest.Run(t, func(ctx context.Context) (err error) {
		start := time.Now()
		virtual, err = scenario(ctx)
		virtualWall = time.Since(start)
		return err
	})
	if fmt.Sprint(real) != fmt.Sprint(virtual) {
		t.Errorf("real clock saw %q\nvirtual clock saw %q", real, virtual)
	}
	want := []string{`"req 0\n" <nil>`, `"req 1\n" <nil>`, `"req 2\n" <nil>`, "silent read: timeout=true"}
	if fmt.Sprint(real) != fmt.Sprint(want) {
		t.Errorf("the client saw %q, want %q", real, want)
	}
	// With sockets registered the virtual clock runs in real time: it can
	// jump past no readiness that may still arrive.
	if virtualWall < 130*time.Millisecond {
		t.Errorf("the virtual run took %v of wall time, want the 130ms it slept and waited", virtualWall)
	}
	t.Logf("wall time: real clock %v, virtual clock %v", realWall, virtualWall)
}

func TestAUnixServerReplacesAStaleSocketAndRemovesItOnClose(t *testing.T) {
	path := filepath.Join(t.TempDir(), "echo.sock")
	stale, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	stale.(*net.UnixListener).SetUnlinkOnClose(false)
	stale.Close() // the file stays behind, as after a crash
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the stale socket file: %v", err)
	}
	asynciotest.Run(t, func(ctx context.Context) error {
		srv, err := asyncio.StartUnixServer(ctx, echoLines, path)
		if err != nil {
			return err
		}
		r, w, err := asyncio.OpenUnixConnection(ctx, path)
		if err != nil {
			return err
		}
		if got, err := roundTrip(ctx, r, w, "over unix\n"); err != nil || got != "over unix\n" {
			t.Errorf("echo over a Unix socket = %q, %v", got, err)
		}
		if a, ok := w.GetExtraInfo("peername").(net.Addr); !ok || a.Network() != "unix" {
			t.Errorf("peername = %v, want a unix address", w.GetExtraInfo("peername"))
		}
		if err := w.Close(); err != nil {
			return err
		}
		if err := srv.Close(); err != nil {
			return err
		}
		if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("after Close, stat of the socket file = %v, want it removed", err)
		}
		return srv.WaitClosed(ctx)
	})
}

func TestAnAdoptedNetConnAndListenerCarryStreams(t *testing.T) {
	ln := listenRaw(t)
	asynciotest.Run(t, func(ctx context.Context) error {
		// The connection side: a net.Conn from net.Dial.
		conn, err := dialRaw(ctx, ln.Addr().String())
		if err != nil {
			return err
		}
		defer conn.Close()
		peer, err := acceptRaw(ctx, ln)
		if err != nil {
			return err
		}
		defer peer.Close()
		r, w, err := asyncio.OpenConnection(ctx, "tcp", "", asyncio.WithSocket(conn))
		if err != nil {
			return err
		}
		if err := w.Write([]byte("adopted\n")); err != nil {
			return err
		}
		got, err := asyncio.AwaitBlocking(ctx, func(context.Context) (string, error) {
			b := make([]byte, len("adopted\n"))
			_, err := peer.Read(b)
			if err == nil {
				_, err = peer.Write([]byte("back\n"))
			}
			return string(b), err
		})
		if err != nil || got != "adopted\n" {
			t.Errorf("the peer read %q, %v", got, err)
		}
		if line, err := r.ReadLine(ctx); err != nil || string(line) != "back\n" {
			t.Errorf("the adopted connection read %q, %v", line, err)
		}
		if err := w.Close(); err != nil {
			return err
		}
		if err := w.WaitClosed(ctx); err != nil {
			return err
		}

		// The server side: a net.Listener.
		ln2 := listenRaw(t)
		srv, err := asyncio.StartServer(ctx, echoLines, "tcp", "", asyncio.WithSocket(ln2))
		if err != nil {
			return err
		}
		defer srv.Close()
		if got := srv.Sockets(); len(got) != 1 || got[0].String() != ln2.Addr().String() {
			t.Errorf("Sockets = %v, want the adopted listener's %v", got, ln2.Addr())
		}
		r, w, err = asyncio.OpenConnection(ctx, "tcp", ln2.Addr().String())
		if err != nil {
			return err
		}
		defer w.Close()
		if got, err := roundTrip(ctx, r, w, "served\n"); err != nil || got != "served\n" {
			t.Errorf("echo through an adopted listener = %q, %v", got, err)
		}
		return nil
	})
}

func TestTwoServersShareAPortWithReusePort(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		var served [2]int
		handler := func(i int) asyncio.StreamHandler {
			return func(ctx context.Context, r *asyncio.StreamReader, w *asyncio.StreamWriter) error {
				served[i]++
				return echoLines(ctx, r, w)
			}
		}
		a, err := asyncio.StartServer(ctx, handler(0), "tcp", "127.0.0.1:0", asyncio.WithReusePort(true))
		if err != nil {
			return err
		}
		defer a.Close()
		addr := a.Sockets()[0].String()
		if _, err := asyncio.StartServer(ctx, handler(1), "tcp", addr); !errors.Is(err, syscall.EADDRINUSE) {
			t.Errorf("a second server without reuse_port = %v, want EADDRINUSE", err)
		}
		b, err := asyncio.StartServer(ctx, handler(1), "tcp", addr, asyncio.WithReusePort(true))
		if err != nil {
			return err
		}
		defer b.Close()
		for i := range 32 { // the kernel spreads connections by a hash of their addresses
			r, w, err := asyncio.OpenConnection(ctx, "tcp", addr)
			if err != nil {
				return err
			}
			msg := fmt.Sprintf("%d\n", i)
			if got, err := roundTrip(ctx, r, w, msg); err != nil || got != msg {
				t.Errorf("echo = %q, %v", got, err)
			}
			if err := w.Close(); err != nil {
				return err
			}
		}
		if served[0] == 0 || served[1] == 0 {
			t.Errorf("the servers took %v of 32 connections, want some each", served)
		}
		return nil
	})
}

func TestCancellingServeForeverClosesTheServer(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		srv, err := asyncio.StartServer(ctx, echoLines, "tcp", "127.0.0.1:0", asyncio.WithStartServing(false))
		if err != nil {
			return err
		}
		addr := srv.Sockets()[0].String()
		if srv.IsServing() {
			t.Error("a server started with WithStartServing(false) serves")
		}
		// A connection made before serving waits in the backlog.
		r, w, err := asyncio.OpenConnection(ctx, "tcp", addr)
		if err != nil {
			return err
		}
		serve := asyncio.Go(ctx, srv.ServeForever)
		if got, err := roundTrip(ctx, r, w, "queued\n"); err != nil || got != "queued\n" {
			t.Errorf("the connection made before ServeForever echoed %q, %v", got, err)
		}
		if !srv.IsServing() {
			t.Error("IsServing = false during ServeForever")
		}
		serve.Cancel()
		if _, err := serve.Await(ctx); !errors.Is(err, asyncio.ErrCancelled) {
			t.Errorf("a cancelled ServeForever returned %v", err)
		}
		if srv.IsServing() {
			t.Error("the server serves after ServeForever was cancelled")
		}
		if _, _, err := asyncio.OpenConnection(ctx, "tcp", addr); !errors.Is(err, syscall.ECONNREFUSED) {
			t.Errorf("connecting after ServeForever ended = %v, want ECONNREFUSED", err)
		}
		if err := srv.ServeForever(ctx); !errors.Is(err, asyncio.ErrInvalidState) {
			t.Errorf("ServeForever of a closed server = %v, want ErrInvalidState", err)
		}
		// Accepted connections go on until they end.
		if got, err := roundTrip(ctx, r, w, "still\n"); err != nil || got != "still\n" {
			t.Errorf("the accepted connection echoed %q, %v after the server closed", got, err)
		}
		if err := w.Close(); err != nil {
			return err
		}
		return asyncio.Timeout(ctx, 5*time.Second, srv.WaitClosed)
	})
}
