//go:build linux

package asyncio_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"net"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
	"golang.org/x/sys/unix"
)

// A connected UDP endpoint whose peer has no socket gets an ICMP port
// unreachable back; the kernel reports it by the next receive, and the
// endpoint passes it to ErrorReceived and stays open, as asyncio's does.
func TestDatagramPortUnreachableReachesErrorReceived(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		nobody, err := closedUDPPort()
		if err != nil {
			return err
		}
		rec := newDgramRecorder(false)
		tr, _, err := asyncio.CreateDatagramEndpoint(ctx, func() asyncio.DatagramProtocol { return rec }, "udp", "", nobody)
		if err != nil {
			return err
		}
		rec.expect(t, ctx, "made")
		for range 2 {
			if err := tr.SendTo([]byte("anyone there?"), nil); err != nil {
				return err
			}
			if e := rec.expect(t, ctx, "error"); !errors.Is(e.err, syscall.ECONNREFUSED) {
				t.Errorf("ErrorReceived(%v), want ECONNREFUSED", e.err)
			}
			if tr.IsClosing() {
				t.Fatal("the endpoint closed on ECONNREFUSED")
			}
		}
		closeBoth(t, ctx, rec)
		return nil
	})
}

// closedUDPPort returns a loopback UDP address no socket is bound to.
func closedUDPPort() (string, error) {
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := c.LocalAddr().String()
	return addr, c.Close()
}

// A datagram longer than the receive size is delivered cut, as recvmsg
// delivers it, then reported with its whole length (Linux gives it).
func TestDatagramLongerThanTheReceiveSizeIsTruncated(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		srv, cli, err := dgramPair(t, ctx, "udp", "127.0.0.1:0", asyncio.WithMaxDatagramSize(100))
		if err != nil {
			return err
		}
		srv.echo = false
		long := bytes.Repeat([]byte("0123456789"), 100)
		if err := cli.tr.SendTo(long, nil); err != nil {
			return err
		}
		if err := cli.tr.SendTo([]byte("short"), nil); err != nil {
			return err
		}
		if got := srv.expect(t, ctx, "data"); !bytes.Equal(got.data, long[:100]) {
			t.Errorf("delivered %q, want the first 100 bytes", got.data)
		}
		e := srv.expect(t, ctx, "error")
		var te *asyncio.DatagramTruncatedError
		if !errors.As(e.err, &te) || te.Kept != 100 || te.Size != 1000 ||
			te.Addr.String() != cli.tr.GetExtraInfo("sockname").(net.Addr).String() {
			t.Errorf("ErrorReceived(%#v), want a DatagramTruncatedError of 100 of 1000 bytes from the client", e.err)
		}
		if got := srv.expect(t, ctx, "data"); string(got.data) != "short" {
			t.Errorf("then %v, want short", got)
		}
		closeBoth(t, ctx, srv, cli)
		return nil
	})
}

// seqReceiver records the sequence numbers of the datagrams it receives,
// and sets done once it has want of them.
type seqReceiver struct {
	asyncio.BaseDatagramProtocol
	got  []uint32
	want int
	done *asyncio.Event
	errs []error
}

func (r *seqReceiver) DatagramReceived(data []byte, addr net.Addr) {
	r.got = append(r.got, binary.BigEndian.Uint32(data))
	if len(r.got) >= r.want {
		_ = r.done.Set()
	}
}

func (r *seqReceiver) ErrorReceived(err error) { r.errs = append(r.errs, err) }

// await waits until r has n datagrams, ten seconds at most.
func (r *seqReceiver) await(ctx context.Context, n int) error {
	r.want, r.done = n, new(asyncio.Event)
	if len(r.got) >= n {
		return nil
	}
	return asyncio.Timeout(ctx, 10*time.Second, r.done.Wait)
}

// checkSeq fails t unless got is 0, 1, ... n-1.
func checkSeq(t testing.TB, got []uint32, n int) {
	t.Helper()
	if len(got) != n {
		t.Errorf("%d datagrams received, want %d", len(got), n)
	}
	for i, s := range got {
		if s != uint32(i) {
			t.Errorf("datagram %d is number %d: out of order", i, s)
			return
		}
	}
}

const burst = 10000

// 10,000 datagrams sent in a burst on loopback all arrive, in order, when
// the receiver's socket buffer holds them: none lost, none reordered.
func TestDatagramBurstOf10000ArrivesWholeAndInOrder(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		recv := &seqReceiver{}
		rtr, _, err := asyncio.CreateDatagramEndpoint(ctx, func() asyncio.DatagramProtocol { return recv }, "udp", "127.0.0.1:0", "")
		if err != nil {
			return err
		}
		defer rtr.Close()
		// Each small datagram costs the receive buffer about a KiB of
		// kernel memory (its skb): ask for room for the whole burst. As
		// root SO_RCVBUFFORCE passes net.core.rmem_max; otherwise the
		// burst goes in slices the buffer holds, each awaited.
		fd := rtr.GetExtraInfo("socket").(int)
		const perDatagram = 2048 // a safe upper bound of a small datagram's truesize
		if unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, burst*perDatagram) != nil {
			_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF, burst*perDatagram)
		}
		rcvbuf, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF)
		if err != nil {
			return err
		}
		slice := min(burst, rcvbuf/perDatagram)
		t.Logf("SO_RCVBUF %d: bursts of %d datagrams", rcvbuf, slice)

		send := &seqReceiver{}
		str, _, err := asyncio.CreateDatagramEndpoint(ctx, func() asyncio.DatagramProtocol { return send }, "udp", "",
			rtr.GetExtraInfo("sockname").(net.Addr).String())
		if err != nil {
			return err
		}
		defer str.Close()
		msg := make([]byte, 16)
		for i := 0; i < burst; {
			end := min(burst, i+slice)
			for ; i < end; i++ {
				binary.BigEndian.PutUint32(msg, uint32(i))
				if err := str.SendTo(msg, nil); err != nil {
					return err
				}
			}
			if err := recv.await(ctx, end); err != nil {
				t.Errorf("waiting for %d datagrams: %v, %d arrived", end, err, len(recv.got))
				return nil
			}
		}
		checkSeq(t, recv.got, burst)
		if len(recv.errs)+len(send.errs) > 0 {
			t.Errorf("errors: %v %v", recv.errs, send.errs)
		}
		return nil
	})
}

// flowRecorder is a seqReceiver that also counts PauseWriting and
// ResumeWriting, and checks that they alternate.
type flowRecorder struct {
	seqReceiver
	pauses, resumes int
	t               testing.TB
}

func (r *flowRecorder) PauseWriting() {
	if r.pauses != r.resumes {
		r.t.Error("PauseWriting twice without ResumeWriting")
	}
	r.pauses++
}

func (r *flowRecorder) ResumeWriting() {
	if r.pauses != r.resumes+1 {
		r.t.Error("ResumeWriting without PauseWriting")
	}
	r.resumes++
}

// A Unix datagram socket pushes back when its receiver's queue is full:
// the sends that meet EAGAIN are buffered, the protocol is paused above
// the high watermark and resumed at the low one, and the datagrams arrive
// in order; Close waits for the buffer to drain.
func TestDatagramSendsThatMeetEAGAINAreBufferedInOrder(t *testing.T) {
	dir := t.TempDir()
	asynciotest.Run(t, func(ctx context.Context) error {
		recv := &seqReceiver{}
		rtr, _, err := asyncio.CreateUnixDatagramEndpoint(ctx, func() asyncio.DatagramProtocol { return recv }, filepath.Join(dir, "r"), "")
		if err != nil {
			return err
		}
		defer rtr.Close()
		rtr.PauseReading()
		lost := new(asyncio.Event)
		send := &flowRecorder{t: t}
		str, _, err := asyncio.CreateUnixDatagramEndpoint(ctx, func() asyncio.DatagramProtocol {
			return &lostSignal{send, lost}
		}, "", filepath.Join(dir, "r"))
		if err != nil {
			return err
		}
		str.SetWriteBufferLimits(4096, 1024)
		msg := make([]byte, 64)
		n := 0
		for ; send.pauses == 0; n++ {
			binary.BigEndian.PutUint32(msg, uint32(n))
			if err := str.SendTo(msg, nil); err != nil {
				return err
			}
			if n > burst {
				t.Fatalf("%d datagrams sent to a receiver that does not read, and no PauseWriting", n)
			}
		}
		if size := str.GetWriteBufferSize(); size <= 4096 {
			t.Errorf("paused with %d bytes buffered, want more than the high watermark 4096", size)
		}
		for ; n < burst; n++ { // past the pause: asyncio buffers them all the same
			binary.BigEndian.PutUint32(msg, uint32(n))
			if err := str.SendTo(msg, nil); err != nil {
				return err
			}
		}
		if err := str.Close(); err != nil {
			return err
		}
		if err := yieldN(ctx, 3); err != nil {
			return err
		}
		if lost.IsSet() {
			t.Error("ConnectionLost before the buffer was flushed")
		}
		rtr.ResumeReading()
		if err := recv.await(ctx, burst); err != nil {
			t.Errorf("waiting for %d datagrams: %v, %d arrived", burst, err, len(recv.got))
			return nil
		}
		checkSeq(t, recv.got, burst)
		if err := asyncio.Timeout(ctx, 10*time.Second, lost.Wait); err != nil {
			t.Errorf("no ConnectionLost after the flush: %v", err)
		}
		if send.pauses != 1 || send.resumes != 1 {
			t.Errorf("%d PauseWriting and %d ResumeWriting, want 1 and 1", send.pauses, send.resumes)
		}
		return nil
	})
}

// lostSignal sets an Event when its protocol's connection is lost.
type lostSignal struct {
	*flowRecorder
	lost *asyncio.Event
}

func (l *lostSignal) ConnectionLost(err error) { _ = l.lost.Set() }

// Abort drops what is buffered: the receiver gets only what the kernel
// took before.
func TestDatagramAbortDropsTheBuffer(t *testing.T) {
	dir := t.TempDir()
	asynciotest.Run(t, func(ctx context.Context) error {
		recv := &seqReceiver{}
		rtr, _, err := asyncio.CreateUnixDatagramEndpoint(ctx, func() asyncio.DatagramProtocol { return recv }, filepath.Join(dir, "r"), "")
		if err != nil {
			return err
		}
		defer rtr.Close()
		rtr.PauseReading()
		send := &flowRecorder{t: t}
		str, _, err := asyncio.CreateUnixDatagramEndpoint(ctx, func() asyncio.DatagramProtocol { return send }, "", filepath.Join(dir, "r"))
		if err != nil {
			return err
		}
		msg := make([]byte, 8)
		n := 0
		for ; str.GetWriteBufferSize() == 0; n++ {
			binary.BigEndian.PutUint32(msg, uint32(n))
			if err := str.SendTo(msg, nil); err != nil {
				return err
			}
		}
		took := n - 1 // the last one was buffered
		str.Abort()
		if size := str.GetWriteBufferSize(); size != 0 {
			t.Errorf("%d bytes buffered after Abort", size)
		}
		rtr.ResumeReading()
		if err := recv.await(ctx, took); err != nil {
			return err
		}
		if err := yieldN(ctx, 10); err != nil {
			return err
		}
		checkSeq(t, recv.got, took)
		return nil
	})
}
