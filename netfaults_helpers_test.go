//go:build unix

package asyncio_test

// Helpers of the network fault tests (netfaults_test.go, netlifecycle_test.go,
// netintegrity_test.go): counting file descriptors, and raw net peers whose
// blocking calls run off the loop, through ToThread.

import (
	"context"
	"net"
	"os"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
)

// openFDs returns the number of file descriptors the process has open, or
// skips the test where /proc/self/fd does not exist.
func openFDs(t testing.TB) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd to count file descriptors in")
	}
	return len(ents) - 1 // the directory ReadDir had open
}

// checkNoFDLeak fails t if more file descriptors are open than before. The
// runtime may close a few of its own meanwhile, so fewer is fine.
func checkNoFDLeak(t testing.TB, before int) {
	t.Helper()
	// A descriptor a goroutine of the net package is closing may take a
	// moment to go: look again for a while before failing.
	deadline := time.Now().Add(2 * time.Second)
	for {
		after := openFDs(t)
		if after <= before {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("%d file descriptors open, %d before: %d leaked", after, before, after-before)
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// listenRaw returns a plain net listener on loopback, closed when the test
// ends: the peer that a test controls byte by byte.
func listenRaw(t testing.TB) *net.TCPListener {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l.(*net.TCPListener)
}

// acceptRaw accepts one connection on l, off the loop.
func acceptRaw(ctx context.Context, l *net.TCPListener) (*net.TCPConn, error) {
	return asyncio.ToThread(ctx, func(context.Context) (*net.TCPConn, error) {
		return l.AcceptTCP()
	})
}

// dialRaw dials addr with the net package, off the loop.
func dialRaw(ctx context.Context, addr string) (*net.TCPConn, error) {
	return asyncio.ToThread(ctx, func(ctx context.Context) (*net.TCPConn, error) {
		var d net.Dialer
		c, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			return nil, err
		}
		return c.(*net.TCPConn), nil
	})
}

// writeRaw writes data to c, off the loop.
func writeRaw(ctx context.Context, c net.Conn, data []byte) error {
	_, err := asyncio.ToThread(ctx, func(context.Context) (int, error) { return c.Write(data) })
	return err
}

// resetRaw closes c with SO_LINGER 0, so that the peer gets a reset (RST)
// instead of an orderly EOF.
func resetRaw(c *net.TCPConn) error {
	if err := c.SetLinger(0); err != nil {
		return err
	}
	return c.Close()
}

// openToRaw opens streams to the raw listener ln and returns them with the
// raw peer it accepted.
func openToRaw(ctx context.Context, ln *net.TCPListener) (*asyncio.StreamReader, *asyncio.StreamWriter, *net.TCPConn, error) {
	r, w, err := asyncio.OpenConnection(ctx, "tcp", ln.Addr().String())
	if err != nil {
		return nil, nil, nil, err
	}
	peer, err := acceptRaw(ctx, ln)
	if err != nil {
		_ = w.Close()
		return nil, nil, nil, err
	}
	return r, w, peer, nil
}

// echoLines serves lines back until EOF.
func echoLines(ctx context.Context, r *asyncio.StreamReader, w *asyncio.StreamWriter) error {
	for {
		line, err := r.ReadLine(ctx)
		if err != nil || len(line) == 0 {
			return err
		}
		if err := w.Write(line); err != nil {
			return err
		}
		if err := w.Drain(ctx); err != nil {
			return err
		}
	}
}
