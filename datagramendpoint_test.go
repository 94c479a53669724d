//go:build unix

package asyncio_test

import (
	"context"
	"encoding/binary"
	"errors"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

// recvWithin is RecvFrom bounded by ten seconds of real time.
func recvWithin(ctx context.Context, e *asyncio.DatagramEndpoint) (data []byte, addr net.Addr, err error) {
	terr := asyncio.Timeout(ctx, 10*time.Second, func(ctx context.Context) error {
		data, addr, err = e.RecvFrom(ctx)
		return nil
	})
	if terr != nil {
		return nil, nil, terr
	}
	return data, addr, err
}

func TestDatagramEndpointEcho(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		srv, err := asyncio.OpenDatagramEndpoint(ctx, "udp", "127.0.0.1:0", "")
		if err != nil {
			return err
		}
		defer srv.Close()
		echo := asyncio.Go(ctx, func(ctx context.Context) error {
			for {
				data, addr, err := srv.RecvFrom(ctx)
				if err != nil {
					return err
				}
				if err := srv.SendTo(ctx, data, addr); err != nil {
					return err
				}
			}
		})
		cli, err := asyncio.OpenDatagramEndpoint(ctx, "udp", "", srv.LocalAddr().String())
		if err != nil {
			return err
		}
		defer cli.Close()
		if cli.RemoteAddr().String() != srv.LocalAddr().String() || srv.RemoteAddr() != nil {
			t.Errorf("client remote %v, server local %v and remote %v", cli.RemoteAddr(), srv.LocalAddr(), srv.RemoteAddr())
		}
		for _, msg := range []string{"one", "two", ""} {
			if err := cli.SendTo(ctx, []byte(msg), nil); err != nil {
				return err
			}
			data, addr, err := recvWithin(ctx, cli)
			if err != nil || string(data) != msg || addr.String() != srv.LocalAddr().String() {
				t.Errorf("RecvFrom: %q from %v, %v; want %q from %v", data, addr, err, msg, srv.LocalAddr())
			}
		}
		if err := cli.SendTo(ctx, []byte("x"), srv.LocalAddr()); err != nil {
			t.Errorf("SendTo the remote address itself: %v", err)
		}
		if err := cli.SendTo(ctx, []byte("x"), cli.LocalAddr()); !errors.Is(err, asyncio.ErrDatagramAddress) {
			t.Errorf("SendTo another address on a connected endpoint: %v, want ErrDatagramAddress", err)
		}
		echo.Cancel()
		_, _ = asyncio.Await(ctx, echo) //asynciovet:ignore the echo task ends with its cancellation
		return nil
	})
}

// A cancelled RecvFrom takes nothing: the datagram goes to the next.
func TestDatagramEndpointRecvFromIsCancelSafe(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		srv, err := asyncio.OpenDatagramEndpoint(ctx, "udp", "127.0.0.1:0", "")
		if err != nil {
			return err
		}
		defer srv.Close()
		cli, err := asyncio.OpenDatagramEndpoint(ctx, "udp", "", srv.LocalAddr().String())
		if err != nil {
			return err
		}
		defer cli.Close()
		// Two readers wait; the first is cancelled; one datagram comes.
		type result struct {
			data []byte
			err  error
		}
		results := make([]result, 2)
		var tasks []*asyncio.Task[struct{}]
		for i := range 2 {
			task := asyncio.Go(ctx, func(ctx context.Context) error {
				data, _, err := srv.RecvFrom(ctx)
				results[i] = result{data, err}
				return nil
			})
			tasks = append(tasks, task)
		}
		if err := yieldN(ctx, 2); err != nil {
			return err
		}
		tasks[0].Cancel()
		if err := cli.SendTo(ctx, []byte("only one"), nil); err != nil {
			return err
		}
		if err := asyncio.Timeout(ctx, 10*time.Second, func(ctx context.Context) error {
			_, err := asyncio.Gather(ctx, tasks[0], tasks[1])
			return err
		}); err != nil {
			return err
		}
		if !errors.Is(results[0].err, asyncio.ErrCancelled) || results[0].data != nil {
			t.Errorf("the cancelled RecvFrom returned %q, %v", results[0].data, results[0].err)
		}
		if string(results[1].data) != "only one" || results[1].err != nil {
			t.Errorf("the second RecvFrom returned %q, %v", results[1].data, results[1].err)
		}
		// A RecvFrom that times out loses nothing either.
		if err := asyncio.Timeout(ctx, time.Millisecond, func(ctx context.Context) error {
			_, _, err := srv.RecvFrom(ctx)
			return err
		}); !errors.Is(err, asyncio.ErrTimeout) {
			t.Errorf("RecvFrom with nothing to receive: %v, want ErrTimeout", err)
		}
		if err := cli.SendTo(ctx, []byte("after"), nil); err != nil {
			return err
		}
		if data, _, err := recvWithin(ctx, srv); string(data) != "after" || err != nil {
			t.Errorf("RecvFrom after a timed-out one: %q, %v", data, err)
		}
		return nil
	})
}

// The endpoint holds at most its limit: beyond it its transport stops
// reading, the Unix socket pushes back on the sender, whose SendTo waits
// while its transport's buffer is over the high watermark; nothing is lost
// and the order is kept.
func TestDatagramEndpointBoundsWhatItHoldsAndSendToWaits(t *testing.T) {
	dir := t.TempDir()
	const n = 2000
	asynciotest.Run(t, func(ctx context.Context) error {
		recv, err := asyncio.OpenDatagramEndpoint(ctx, "unixgram", filepath.Join(dir, "r"), "", asyncio.WithLimit(1024))
		if err != nil {
			return err
		}
		defer recv.Close()
		send, err := asyncio.OpenDatagramEndpoint(ctx, "unixgram", "", filepath.Join(dir, "r"))
		if err != nil {
			return err
		}
		defer send.Close()
		send.Transport().SetWriteBufferLimits(2048, 512)
		maxBuffered := 0
		sender := asyncio.Go(ctx, func(ctx context.Context) error {
			msg := make([]byte, 100)
			for i := range n {
				binary.BigEndian.PutUint32(msg, uint32(i))
				if err := send.SendTo(ctx, msg, nil); err != nil {
					return err
				}
				maxBuffered = max(maxBuffered, send.Transport().GetWriteBufferSize())
			}
			return nil
		})
		// The receiver pauses once it holds more than its limit: wait for
		// that (sockets run the clock in real time), ten seconds at most.
		for i := 0; recv.Transport().IsReading() && i < 10000; i++ {
			if err := asyncio.Sleep(ctx, time.Millisecond); err != nil {
				return err
			}
		}
		if sender.Done() {
			t.Error("the sender sent everything to a receiver that does not read")
		}
		if recv.Transport().IsReading() {
			t.Error("the receiving endpoint is over its limit and still reading")
		}
		for i := range n {
			data, _, err := recvWithin(ctx, recv)
			if err != nil {
				t.Errorf("datagram %d: %v", i, err)
				return nil
			}
			if got := binary.BigEndian.Uint32(data); got != uint32(i) || len(data) != 100 {
				t.Errorf("datagram %d is number %d of %d bytes", i, got, len(data))
				return nil
			}
		}
		if _, err := asyncio.Await(ctx, sender); err != nil {
			return err
		}
		// A SendTo that found the buffer at the high watermark waited for
		// it to drain: the buffer never grew past one datagram beyond it.
		if maxBuffered > 2048+100+8 {
			t.Errorf("the sender's buffer reached %d bytes, over the high watermark 2048", maxBuffered)
		}
		return nil
	})
}

func TestDatagramEndpointTruncatedDatagram(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		srv, err := asyncio.OpenDatagramEndpoint(ctx, "udp", "127.0.0.1:0", "", asyncio.WithMaxDatagramSize(10))
		if err != nil {
			return err
		}
		defer srv.Close()
		cli, err := asyncio.OpenDatagramEndpoint(ctx, "udp", "", srv.LocalAddr().String())
		if err != nil {
			return err
		}
		defer cli.Close()
		if err := cli.SendTo(ctx, []byte("0123456789abcdef"), nil); err != nil {
			return err
		}
		if err := cli.SendTo(ctx, []byte("fits"), nil); err != nil {
			return err
		}
		data, addr, err := recvWithin(ctx, srv)
		var te *asyncio.DatagramTruncatedError
		if string(data) != "0123456789" || addr.String() != cli.LocalAddr().String() || !errors.As(err, &te) || te.Kept != 10 {
			t.Errorf("RecvFrom: %q from %v, %v; want the first 10 bytes from %v and a DatagramTruncatedError", data, addr, err, cli.LocalAddr())
		}
		if data, _, err := recvWithin(ctx, srv); string(data) != "fits" || err != nil {
			t.Errorf("then %q, %v", data, err)
		}
		return nil
	})
}

// Close: what was received before is still delivered, then RecvFrom and
// SendTo return ErrTransportClosing, and a waiting RecvFrom is woken.
func TestDatagramEndpointClose(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		srv, err := asyncio.OpenDatagramEndpoint(ctx, "udp", "127.0.0.1:0", "")
		if err != nil {
			return err
		}
		cli, err := asyncio.OpenDatagramEndpoint(ctx, "udp", "", srv.LocalAddr().String())
		if err != nil {
			return err
		}
		if err := cli.SendTo(ctx, []byte("before"), nil); err != nil {
			return err
		}
		if data, _, err := recvWithin(ctx, srv); string(data) != "before" || err != nil {
			return err
		}
		if err := cli.SendTo(ctx, []byte("held"), nil); err != nil {
			return err
		}
		waiter := asyncio.Go(ctx, func(ctx context.Context) error {
			_, _, err := cli.RecvFrom(ctx)
			return err
		})
		// Loopback delivers during the send: once the loop has polled, as
		// it does when idle, the datagram is in the endpoint's queue.
		if err := asyncio.Sleep(ctx, 5*time.Millisecond); err != nil {
			return err
		}
		if err := srv.Close(); err != nil {
			return err
		}
		if data, _, err := recvWithin(ctx, srv); string(data) != "held" || err != nil {
			t.Errorf("RecvFrom after Close: %q, %v; want the datagram held before", data, err)
		}
		if _, _, err := recvWithin(ctx, srv); !errors.Is(err, asyncio.ErrTransportClosing) {
			t.Errorf("RecvFrom once drained: %v, want ErrTransportClosing", err)
		}
		if err := srv.SendTo(ctx, []byte("x"), cli.LocalAddr()); !errors.Is(err, asyncio.ErrTransportClosing) {
			t.Errorf("SendTo after Close: %v, want ErrTransportClosing", err)
		}
		if err := srv.Close(); err != nil {
			t.Errorf("a second Close: %v", err)
		}
		cli.Abort()
		if _, err := asyncio.Await(ctx, waiter); !errors.Is(err, asyncio.ErrTransportClosing) {
			t.Errorf("a RecvFrom waiting through Abort: %v, want ErrTransportClosing", err)
		}
		return nil
	})
}
