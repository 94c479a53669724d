//go:build unix

package asyncio_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
	"golang.org/x/sys/unix"
)

// dgramEvent is one call a dgramRecorder received.
type dgramEvent struct {
	kind string // "made", "data", "error", "lost", "pause", "resume"
	data []byte
	addr net.Addr
	err  error
}

func (e dgramEvent) String() string {
	return fmt.Sprintf("%s %q %v %v", e.kind, e.data, e.addr, e.err)
}

// dgramRecorder is a DatagramProtocol that queues every call it receives,
// and, if echo is set, sends each datagram back where it came from.
type dgramRecorder struct {
	tr   asyncio.DatagramTransport
	ev   *asyncio.Queue[dgramEvent]
	echo bool
}

func newDgramRecorder(echo bool) *dgramRecorder {
	return &dgramRecorder{ev: asyncio.NewQueue[dgramEvent](0), echo: echo}
}

func (r *dgramRecorder) put(e dgramEvent) { _ = r.ev.PutNowait(e) }

func (r *dgramRecorder) ConnectionMade(tr asyncio.DatagramTransport) {
	r.tr = tr
	r.put(dgramEvent{kind: "made"})
}

func (r *dgramRecorder) DatagramReceived(data []byte, addr net.Addr) {
	r.put(dgramEvent{kind: "data", data: bytes.Clone(data), addr: addr})
	if r.echo {
		_ = r.tr.SendTo(data, addr)
	}
}

func (r *dgramRecorder) ErrorReceived(err error)  { r.put(dgramEvent{kind: "error", err: err}) }
func (r *dgramRecorder) ConnectionLost(err error) { r.put(dgramEvent{kind: "lost", err: err}) }
func (r *dgramRecorder) PauseWriting()            { r.put(dgramEvent{kind: "pause"}) }
func (r *dgramRecorder) ResumeWriting()           { r.put(dgramEvent{kind: "resume"}) }

// next returns the recorder's next event, waiting for it at most ten
// seconds of real time (sockets run the virtual clock in real time).
func (r *dgramRecorder) next(ctx context.Context) (dgramEvent, error) {
	var e dgramEvent
	err := asyncio.Timeout(ctx, 10*time.Second, func(ctx context.Context) (err error) {
		e, err = r.ev.Get(ctx)
		return err
	})
	return e, err
}

// expect checks that the next event is of kind, and returns it.
func (r *dgramRecorder) expect(t testing.TB, ctx context.Context, kind string) dgramEvent {
	t.Helper()
	e, err := r.next(ctx)
	if err != nil {
		t.Errorf("waiting for %s: %v", kind, err)
		return e
	}
	if e.kind != kind {
		t.Errorf("got %v, want %s", e, kind)
	}
	return e
}

// dgramPair makes a server endpoint on local and a client endpoint connected
// to it, both recording, the server echoing, and waits for both to start.
func dgramPair(t testing.TB, ctx context.Context, network, local string, opts ...asyncio.NetOption) (srv, cli *dgramRecorder, err error) {
	srv, cli = newDgramRecorder(true), newDgramRecorder(false)
	str, _, err := asyncio.CreateDatagramEndpoint(ctx, func() asyncio.DatagramProtocol { return srv }, network, local, "", opts...)
	if err != nil {
		return nil, nil, err
	}
	addr := str.GetExtraInfo("sockname").(net.Addr).String()
	if _, _, err := asyncio.CreateDatagramEndpoint(ctx, func() asyncio.DatagramProtocol { return cli }, network, "", addr, opts...); err != nil {
		str.Abort()
		return nil, nil, err
	}
	srv.expect(t, ctx, "made")
	cli.expect(t, ctx, "made")
	return srv, cli, nil
}

// closeBoth closes both endpoints and waits for their ConnectionLost(nil).
func closeBoth(t testing.TB, ctx context.Context, rs ...*dgramRecorder) {
	t.Helper()
	for _, r := range rs {
		if err := r.tr.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	}
	for _, r := range rs {
		for {
			e, err := r.next(ctx)
			if err != nil {
				t.Errorf("waiting for ConnectionLost: %v", err)
				return
			}
			if e.kind == "lost" {
				if e.err != nil {
					t.Errorf("ConnectionLost(%v), want nil", e.err)
				}
				break
			}
		}
	}
}

func testDatagramEcho(t *testing.T, network, local string) {
	asynciotest.Run(t, func(ctx context.Context) error {
		srv, cli, err := dgramPair(t, ctx, network, local)
		if err != nil {
			return err
		}
		for _, msg := range []string{"hello", "", "world"} {
			if err := cli.tr.SendTo([]byte(msg), nil); err != nil {
				return err
			}
			got := srv.expect(t, ctx, "data")
			if string(got.data) != msg {
				t.Errorf("server got %q, want %q", got.data, msg)
			}
			if network != "unixgram" && got.addr.String() != cli.tr.GetExtraInfo("sockname").(net.Addr).String() {
				t.Errorf("server saw sender %v, want %v", got.addr, cli.tr.GetExtraInfo("sockname"))
			}
			back := cli.expect(t, ctx, "data")
			if string(back.data) != msg {
				t.Errorf("client got %q back, want %q", back.data, msg)
			}
			if back.addr.String() != cli.tr.GetExtraInfo("peername").(net.Addr).String() {
				t.Errorf("client's datagram came from %v, want the remote %v", back.addr, cli.tr.GetExtraInfo("peername"))
			}
		}
		closeBoth(t, ctx, srv, cli)
		return nil
	})
}

func TestDatagramEchoUDP4(t *testing.T) { testDatagramEcho(t, "udp", "127.0.0.1:0") }

func TestDatagramEchoUDP6(t *testing.T) {
	if c, err := net.ListenPacket("udp6", "[::1]:0"); err != nil {
		t.Skipf("no IPv6 loopback: %v", err)
	} else {
		c.Close()
	}
	testDatagramEcho(t, "udp6", "[::1]:0")
}

func TestDatagramEchoUnix(t *testing.T) {
	dir := t.TempDir()
	asynciotest.Run(t, func(ctx context.Context) error {
		srv := newDgramRecorder(true)
		str, _, err := asyncio.CreateUnixDatagramEndpoint(ctx, func() asyncio.DatagramProtocol { return srv }, filepath.Join(dir, "srv"), "")
		if err != nil {
			return err
		}
		// The client binds too: an unnamed socket cannot be answered.
		cli := newDgramRecorder(false)
		if _, _, err := asyncio.CreateUnixDatagramEndpoint(ctx, func() asyncio.DatagramProtocol { return cli },
			filepath.Join(dir, "cli"), filepath.Join(dir, "srv")); err != nil {
			return err
		}
		srv.expect(t, ctx, "made")
		cli.expect(t, ctx, "made")
		if err := cli.tr.SendTo([]byte("ping"), nil); err != nil {
			return err
		}
		got := srv.expect(t, ctx, "data")
		if a, ok := got.addr.(*net.UnixAddr); string(got.data) != "ping" || !ok || a.Name != filepath.Join(dir, "cli") {
			t.Errorf("server got %v, want ping from %s", got, filepath.Join(dir, "cli"))
		}
		if back := cli.expect(t, ctx, "data"); string(back.data) != "ping" {
			t.Errorf("client got %v back", back)
		}
		_ = str
		closeBoth(t, ctx, srv, cli)
		return nil
	})
}

// An unnamed Unix datagram socket's datagrams come with a nil address.
func TestDatagramFromAnUnnamedUnixSocketHasNoAddress(t *testing.T) {
	path := filepath.Join(t.TempDir(), "srv")
	asynciotest.Run(t, func(ctx context.Context) error {
		srv := newDgramRecorder(false)
		if _, _, err := asyncio.CreateUnixDatagramEndpoint(ctx, func() asyncio.DatagramProtocol { return srv }, path, ""); err != nil {
			return err
		}
		cli := newDgramRecorder(false)
		if _, _, err := asyncio.CreateUnixDatagramEndpoint(ctx, func() asyncio.DatagramProtocol { return cli }, "", path); err != nil {
			return err
		}
		srv.expect(t, ctx, "made")
		cli.expect(t, ctx, "made")
		if err := cli.tr.SendTo([]byte("anon"), nil); err != nil {
			return err
		}
		if got := srv.expect(t, ctx, "data"); string(got.data) != "anon" || got.addr != nil {
			t.Errorf("got %v, want anon from nil", got)
		}
		closeBoth(t, ctx, srv, cli)
		return nil
	})
}

// asyncio's sendto raises ValueError for another address on a connected
// endpoint; an unconnected one needs an address.
func TestDatagramSendToChecksTheAddress(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		srv, cli, err := dgramPair(t, ctx, "udp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		remote := cli.tr.GetExtraInfo("peername").(*net.UDPAddr)
		other := &net.UDPAddr{IP: remote.IP, Port: remote.Port + 1}
		if err := cli.tr.SendTo([]byte("x"), other); !errors.Is(err, asyncio.ErrDatagramAddress) {
			t.Errorf("SendTo another address on a connected endpoint: %v, want ErrDatagramAddress", err)
		}
		if err := cli.tr.SendTo([]byte("same"), &net.UDPAddr{IP: remote.IP.To16(), Port: remote.Port}); err != nil {
			t.Errorf("SendTo the remote address: %v", err)
		}
		if got := srv.expect(t, ctx, "data"); string(got.data) != "same" {
			t.Errorf("server got %v", got)
		}
		cli.expect(t, ctx, "data")
		if err := srv.tr.SendTo([]byte("x"), nil); !errors.Is(err, asyncio.ErrDatagramAddress) {
			t.Errorf("SendTo(nil) on an unconnected endpoint: %v, want ErrDatagramAddress", err)
		}
		if err := srv.tr.SendTo([]byte("x"), &net.UnixAddr{Name: "/x", Net: "unixgram"}); !errors.Is(err, asyncio.ErrDatagramAddress) {
			t.Errorf("SendTo a Unix address on a UDP endpoint: %v, want ErrDatagramAddress", err)
		}
		closeBoth(t, ctx, srv, cli)
		if err := cli.tr.SendTo([]byte("x"), nil); !errors.Is(err, asyncio.ErrTransportClosing) {
			t.Errorf("SendTo after Close: %v, want ErrTransportClosing", err)
		}
		return nil
	})
}

func TestDatagramEndpointBadArguments(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		factory := func() asyncio.DatagramProtocol { return asyncio.BaseDatagramProtocol{} }
		if _, _, err := asyncio.CreateDatagramEndpoint(ctx, factory, "tcp", "127.0.0.1:0", ""); err == nil {
			t.Error("network tcp: no error")
		}
		if _, _, err := asyncio.CreateDatagramEndpoint(ctx, factory, "udp", "127.0.0.1:x", ""); err == nil {
			t.Error("a bad port: no error")
		}
		if _, _, err := asyncio.CreateDatagramEndpoint(ctx, factory, "udp4", "", "[::1]:9"); err == nil {
			t.Error("udp4 to an IPv6 address: no error")
		}
		c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		if err != nil {
			return err
		}
		defer c.Close()
		if _, _, err := asyncio.CreateDatagramEndpoint(ctx, factory, "udp", "127.0.0.1:0", "", asyncio.WithSocket(c)); err == nil {
			t.Error("WithSocket and an address: no error")
		}
		ln, err := net.ListenTCP("tcp", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)})
		if err != nil {
			return err
		}
		defer ln.Close()
		if _, _, err := asyncio.CreateDatagramEndpoint(ctx, factory, "udp", "", "", asyncio.WithSocket(ln)); err == nil {
			t.Error("WithSocket of a TCP listener: no error")
		}
		//asynciovet:ignore it panics before it could be cancelled
		if r := recoverFrom(func() { _, _, _ = asyncio.CreateDatagramEndpoint(ctx, nil, "udp", "", "") }); r == nil {
			t.Error("a nil factory did not panic")
		}
		return nil
	})
	if _, _, err := asyncio.CreateDatagramEndpoint(context.Background(), func() asyncio.DatagramProtocol { return asyncio.BaseDatagramProtocol{} }, "udp", "127.0.0.1:0", ""); !errors.Is(err, asyncio.ErrNotInCoroutine) {
		t.Errorf("outside a coroutine: %v, want ErrNotInCoroutine", err)
	}
}

// WithSocket adopts a socket from package net, connected or not.
func TestDatagramWithSocketAdoptsAPacketConn(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		pc, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		if err != nil {
			return err
		}
		defer pc.Close()
		srv := newDgramRecorder(true)
		if _, _, err := asyncio.CreateDatagramEndpoint(ctx, func() asyncio.DatagramProtocol { return srv }, "udp", "", "", asyncio.WithSocket(pc)); err != nil {
			return err
		}
		//asynciovet:ignore a UDP dial only records the peer: it does not block
		dc, err := net.DialUDP("udp", nil, pc.LocalAddr().(*net.UDPAddr))
		if err != nil {
			return err
		}
		defer dc.Close()
		cli := newDgramRecorder(false)
		if _, _, err := asyncio.CreateDatagramEndpoint(ctx, func() asyncio.DatagramProtocol { return cli }, "udp", "", "", asyncio.WithSocket(dc)); err != nil {
			return err
		}
		srv.expect(t, ctx, "made")
		cli.expect(t, ctx, "made")
		if got := cli.tr.GetExtraInfo("peername"); got == nil || got.(net.Addr).String() != pc.LocalAddr().String() {
			t.Errorf("adopted connected socket's peername %v, want %v", got, pc.LocalAddr())
		}
		if err := cli.tr.SendTo([]byte("adopted"), nil); err != nil {
			return err
		}
		srv.expect(t, ctx, "data")
		if back := cli.expect(t, ctx, "data"); string(back.data) != "adopted" {
			t.Errorf("got %v back", back)
		}
		closeBoth(t, ctx, srv, cli)
		return nil
	})
}

func TestDatagramWithReusePortSharesAPort(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		a, b := newDgramRecorder(false), newDgramRecorder(false)
		ta, _, err := asyncio.CreateDatagramEndpoint(ctx, func() asyncio.DatagramProtocol { return a }, "udp", "127.0.0.1:0", "", asyncio.WithReusePort(true))
		if err != nil {
			return err
		}
		addr := ta.GetExtraInfo("sockname").(net.Addr).String()
		if _, _, err := asyncio.CreateDatagramEndpoint(ctx, func() asyncio.DatagramProtocol { return b }, "udp", addr, "", asyncio.WithReusePort(true)); err != nil {
			t.Errorf("a second endpoint on %s with WithReusePort: %v", addr, err)
			ta.Abort()
			return nil
		}
		c := newDgramRecorder(false)
		if _, _, err := asyncio.CreateDatagramEndpoint(ctx, func() asyncio.DatagramProtocol { return c }, "udp", addr, ""); err == nil {
			t.Errorf("a third endpoint on %s without WithReusePort: no error", addr)
			c.expect(t, ctx, "made")
			closeBoth(t, ctx, c)
		}
		a.expect(t, ctx, "made")
		b.expect(t, ctx, "made")
		closeBoth(t, ctx, a, b)
		return nil
	})
}

func TestDatagramWithAllowBroadcastSetsSOBroadcast(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		for _, on := range []bool{false, true} {
			r := newDgramRecorder(false)
			tr, _, err := asyncio.CreateDatagramEndpoint(ctx, func() asyncio.DatagramProtocol { return r }, "udp4", "127.0.0.1:0", "", asyncio.WithAllowBroadcast(on))
			if err != nil {
				return err
			}
			v, err := unix.GetsockoptInt(tr.GetExtraInfo("socket").(int), unix.SOL_SOCKET, unix.SO_BROADCAST)
			if err != nil || (v != 0) != on {
				t.Errorf("WithAllowBroadcast(%v): SO_BROADCAST %d, %v", on, v, err)
			}
			r.expect(t, ctx, "made")
			closeBoth(t, ctx, r)
		}
		return nil
	})
}

// Abort drops the buffered datagrams; ConnectionLost(nil) follows, once.
func TestDatagramCloseAndAbort(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		srv, cli, err := dgramPair(t, ctx, "udp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		if err := cli.tr.Close(); err != nil {
			return err
		}
		if !cli.tr.IsClosing() {
			t.Error("IsClosing is false after Close")
		}
		if err := cli.tr.Close(); err != nil {
			t.Errorf("a second Close: %v", err)
		}
		cli.expect(t, ctx, "lost")
		if cli.tr.GetExtraInfo("socket") != nil {
			t.Error("a closed transport still has a socket")
		}
		srv.tr.Abort()
		srv.tr.Abort()
		if e := srv.expect(t, ctx, "lost"); e.err != nil {
			t.Errorf("ConnectionLost(%v) after Abort, want nil", e.err)
		}
		if err := yieldN(ctx, 3); err != nil {
			return err
		}
		if n := srv.ev.Qsize() + cli.ev.Qsize(); n != 0 {
			t.Errorf("%d events after ConnectionLost", n)
		}
		return nil
	})
}

type panickyDatagramProtocol struct {
	*dgramRecorder
}

func (p panickyDatagramProtocol) DatagramReceived(data []byte, addr net.Addr) {
	panic("boom")
}

// A panic in the protocol aborts its endpoint, reported to the exception
// handler; the loop goes on.
func TestDatagramProtocolPanicAbortsTheEndpoint(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		got := asynciotest.Exceptions(runningLoop(t, ctx))
		rec := newDgramRecorder(false)
		tr, _, err := asyncio.CreateDatagramEndpoint(ctx, func() asyncio.DatagramProtocol { return panickyDatagramProtocol{rec} }, "udp", "127.0.0.1:0", "")
		if err != nil {
			return err
		}
		rec.expect(t, ctx, "made")
		//asynciovet:ignore a UDP dial only records the peer: it does not block
		c, err := net.DialUDP("udp", nil, tr.GetExtraInfo("sockname").(*net.UDPAddr))
		if err != nil {
			return err
		}
		defer c.Close()
		//asynciovet:ignore a datagram send on loopback does not block
		if _, err := c.Write([]byte("x")); err != nil {
			return err
		}
		e := rec.expect(t, ctx, "lost")
		var pe *asyncio.PanicError
		if !errors.As(e.err, &pe) {
			t.Errorf("ConnectionLost(%v), want a *PanicError", e.err)
		}
		if len(got()) != 1 {
			t.Errorf("exception handler got %v, want one report", got())
		}
		return nil
	})
}

// An endpoint still open when Run returns is closed with the loop, its fd
// released.
func TestDatagramEndpointClosedWithTheLoop(t *testing.T) {
	before := openFDs(t)
	asynciotest.Run(t, func(ctx context.Context) error {
		_, err := asyncio.OpenDatagramEndpoint(ctx, "udp", "127.0.0.1:0", "")
		return err
	})
	checkNoFDLeak(t, before)
}
