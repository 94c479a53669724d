//go:build unix

package asyncio_test

// The faults of issue 10 ("Bad input and faults"), one test each: resets,
// slow and hostile peers, half-closes, oversized lines, early ends, refused
// connections and cancelled reads. Each runs on loopback, with a raw net
// peer where the test must control the peer's every byte.

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
	"golang.org/x/sys/unix"
)

func TestAPeerResetWhileReadingFailsTheReadWithECONNRESET(t *testing.T) {
	ln := listenRaw(t)
	asynciotest.Run(t, func(ctx context.Context) error {
		r, w, peer, err := openToRaw(ctx, ln)
		if err != nil {
			return err
		}
		read := asyncio.CreateTask(ctx, func(ctx context.Context) ([]byte, error) {
			return r.ReadExactly(ctx, 100)
		})
		if err := writeRaw(ctx, peer, []byte("partial")); err != nil {
			return err
		}
		for asyncio.StreamReaderBuffered(r) < len("partial") { // the read is mid-way
			if err := asyncio.Sleep(ctx, time.Millisecond); err != nil {
				return err
			}
		}
		if err := resetRaw(peer); err != nil {
			return err
		}
		_, err = read.Await(ctx)
		if !errors.Is(err, syscall.ECONNRESET) || errors.Is(err, asyncio.ErrConnectionLost) {
			t.Errorf("ReadExactly after a reset = %v, want the system's ECONNRESET", err)
		}
		if err := w.WaitClosed(ctx); !errors.Is(err, syscall.ECONNRESET) {
			t.Errorf("WaitClosed = %v, want the connection lost with ECONNRESET", err)
		}
		if _, err := r.Read(ctx, 1); !errors.Is(err, syscall.ECONNRESET) {
			t.Errorf("a later Read = %v, want ECONNRESET again", err)
		}
		return nil
	})
}

func TestAPeerResetWhileWritingFailsDrainWithECONNRESET(t *testing.T) {
	ln := listenRaw(t)
	asynciotest.Run(t, func(ctx context.Context) error {
		_, w, peer, err := openToRaw(ctx, ln) // the peer never reads
		if err != nil {
			return err
		}
		chunk := make([]byte, 64<<10)
		writer := asyncio.Go(ctx, func(ctx context.Context) error {
			for {
				if err := w.Write(chunk); err != nil {
					return err
				}
				if err := w.Drain(ctx); err != nil {
					return err
				}
			}
		})
		// Wait until the writer is stuck in Drain: the kernel's buffers are
		// full and the transport holds the rest.
		for w.Transport().GetWriteBufferSize() == 0 {
			if err := asyncio.Sleep(ctx, time.Millisecond); err != nil {
				return err
			}
		}
		if err := asyncio.Sleep(ctx, 20*time.Millisecond); err != nil {
			return err
		}
		if writer.Done() {
			t.Fatal("the writer finished before the peer reset the connection")
		}
		if err := resetRaw(peer); err != nil {
			return err
		}
		if _, err := writer.Await(ctx); !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, syscall.EPIPE) {
			t.Errorf("Drain after a reset = %v, want ECONNRESET", err)
		}
		if err := w.WaitClosed(ctx); !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, syscall.EPIPE) {
			t.Errorf("WaitClosed = %v, want the connection lost with ECONNRESET", err)
		}
		if err := w.Write([]byte("more")); err == nil {
			t.Error("Write after the connection was lost succeeded")
		}
		return nil
	})
}

// cpuTime returns the CPU time the process has used so far.
func cpuTime(t testing.TB) time.Duration {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestAClientThatNeverReadsSuspendsDrainWithTheBufferBounded(t *testing.T) {
	const total, chunkSize = 32 << 20, 16 << 10
	type progress struct {
		written, maxBuf int
		high            int
		done            bool
	}
	var p progress
	chunk := make([]byte, chunkSize) // byte i of the stream is byte(i): chunkSize is a multiple of 256
	for i := range chunk {
		chunk[i] = byte(i)
	}
	asynciotest.Run(t, func(ctx context.Context) error {
		srv, err := asyncio.StartServer(ctx, func(ctx context.Context, r *asyncio.StreamReader, w *asyncio.StreamWriter) error {
			_, p.high = w.Transport().GetWriteBufferLimits()
			for p.written < total {
				if err := w.Write(chunk); err != nil {
					return err
				}
				p.written += len(chunk)
				p.maxBuf = max(p.maxBuf, w.Transport().GetWriteBufferSize())
				if err := w.Drain(ctx); err != nil {
					return err
				}
			}
			p.done = true
			return nil
		}, "tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer srv.Close()
		peer, err := dialRaw(ctx, srv.Sockets()[0].String())
		if err != nil {
			return err
		}
		defer peer.Close()
		// Let the server fill every buffer, then watch it stay stopped: the
		// handler waits in Drain, and the loop idles rather than spins.
		if err := asyncio.Sleep(ctx, 100*time.Millisecond); err != nil {
			return err
		}
		stalled, wall, cpu := p.written, time.Now(), cpuTime(t)
		if err := asyncio.Sleep(ctx, 200*time.Millisecond); err != nil {
			return err
		}
		wallUsed, cpuUsed := time.Since(wall), cpuTime(t)-cpu
		switch {
		case p.done || p.written >= total:
			t.Fatalf("the server wrote all %d bytes to a client that never reads", total)
		case p.written != stalled:
			t.Errorf("the server went on writing (%d then %d bytes) while the client read nothing", stalled, p.written)
		case p.maxBuf > p.high+chunkSize:
			t.Errorf("the write buffer reached %d bytes, want at most the high watermark %d plus a write", p.maxBuf, p.high)
		}
		if cpuUsed > wallUsed/2 {
			t.Errorf("the process used %v of CPU in %v while every task waited: the loop spins", cpuUsed, wallUsed)
		}
		// The client reads: Drain resumes and every byte arrives, in order.
		got, err := asyncio.ToThread(ctx, func(context.Context) ([]byte, error) {
			b := make([]byte, total)
			_, err := io.ReadFull(peer, b)
			return b, err
		})
		if err != nil {
			return err
		}
		for off := 0; off < total; off += chunkSize {
			if !bytes.Equal(got[off:off+chunkSize], chunk) {
				t.Fatalf("the bytes from %d on are not the ones written", off)
			}
		}
		for !p.done {
			if err := asyncio.Sleep(ctx, time.Millisecond); err != nil {
				return err
			}
		}
		return nil
	})
}

func TestAClientWritingUntilTheServerClosesGetsAConnectionError(t *testing.T) {
	const readBeforeClose, chunkSize = 256 << 10, 16 << 10
	asynciotest.Run(t, func(ctx context.Context) error {
		srv, err := asyncio.StartServer(ctx, func(ctx context.Context, r *asyncio.StreamReader, w *asyncio.StreamWriter) error {
			_, err := r.ReadExactly(ctx, readBeforeClose)
			return err // and the connection closes with the client's bytes unread
		}, "tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer srv.Close()
		_, w, err := asyncio.OpenConnection(ctx, "tcp", srv.Sockets()[0].String())
		if err != nil {
			return err
		}
		chunk := make([]byte, chunkSize)
		// However the kernel buffers it, the client can write only so much
		// before the reset arrives: more would be a writer spinning on a
		// Drain that lets it go on.
		const maxWrites = (readBeforeClose + 64<<20) / chunkSize
		writes := 0
		for ; writes < maxWrites; writes++ {
			if err = w.Write(chunk); err != nil {
				break
			}
			if err = w.Drain(ctx); err != nil {
				break
			}
		}
		switch {
		case err == nil:
			t.Fatalf("%d writes of %d bytes succeeded after the server closed", writes, chunkSize)
		case !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, syscall.EPIPE):
			t.Errorf("the write loop ended with %v, want a connection error", err)
		}
		if err := w.Drain(ctx); err == nil {
			t.Error("Drain after the connection was lost returned nil")
		}
		if !w.IsClosing() {
			t.Error("the writer is not closing after the connection was lost")
		}
		return nil
	})
}

func TestDrainOfAClientBlockedWhenTheServerClosesFails(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		srv, err := asyncio.StartServer(ctx, func(ctx context.Context, r *asyncio.StreamReader, w *asyncio.StreamWriter) error {
			// Read nothing: the reader fills to its limit and pauses the
			// transport, then the connection closes with bytes unread.
			return asyncio.Sleep(ctx, 100*time.Millisecond)
		}, "tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer srv.Close()
		_, w, err := asyncio.OpenConnection(ctx, "tcp", srv.Sockets()[0].String())
		if err != nil {
			return err
		}
		chunk := make([]byte, 64<<10)
		start := time.Now()
		for err == nil && time.Since(start) < 5*time.Second {
			if err = w.Write(chunk); err == nil {
				err = w.Drain(ctx)
			}
		}
		if !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, syscall.EPIPE) {
			t.Errorf("Drain once the server closed = %v, want a connection error", err)
		}
		return nil
	})
}

func TestHalfCloseDeliversEOFOneWayAndDataTheOther(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		srv, err := asyncio.StartServer(ctx, func(ctx context.Context, r *asyncio.StreamReader, w *asyncio.StreamWriter) error {
			req, err := r.Read(ctx, -1) // until the client's EOF
			if err != nil {
				return err
			}
			// The client can no longer send, yet still receives.
			return w.Write(append([]byte("got "), req...))
		}, "tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer srv.Close()
		r, w, err := asyncio.OpenConnection(ctx, "tcp", srv.Sockets()[0].String())
		if err != nil {
			return err
		}
		if !w.CanWriteEOF() {
			t.Fatal("CanWriteEOF = false on a TCP stream")
		}
		if err := w.Write([]byte("ping")); err != nil {
			return err
		}
		if err := w.WriteEOF(); err != nil {
			return err
		}
		if err := w.Write([]byte("late")); !errors.Is(err, asyncio.ErrTransportClosing) {
			t.Errorf("Write after WriteEOF = %v, want ErrTransportClosing", err)
		}
		got, err := r.Read(ctx, -1)
		if err != nil || string(got) != "got ping" {
			t.Errorf("the reply after a half-close = %q, %v; want \"got ping\"", got, err)
		}
		// Both directions have ended, yet the transport stays open until it
		// is closed, as asyncio's does.
		if w.IsClosing() {
			t.Error("the transport closed itself after EOF both ways")
		}
		if err := w.Close(); err != nil {
			return err
		}
		return w.WaitClosed(ctx)
	})
}

// halfCloseProtocol answers the peer's EOF with a count of what it received,
// keeping the transport open (EOFReceived returns true) to send it.
type halfCloseProtocol struct {
	t   asyncio.Transport
	n   int
	eof bool
}

func (p *halfCloseProtocol) ConnectionMade(t asyncio.Transport) { p.t = t }
func (p *halfCloseProtocol) DataReceived(data []byte)           { p.n += len(data) }
func (p *halfCloseProtocol) EOFReceived() bool {
	p.eof = true
	_, _ = p.t.Loop().CallSoon(func() { // later: the transport must still be open for writing
		_ = p.t.Write([]byte("received " + itoa(p.n)))
		_ = p.t.Close()
	})
	return true
}
func (p *halfCloseProtocol) ConnectionLost(error) {}
func (p *halfCloseProtocol) PauseWriting()        {}
func (p *halfCloseProtocol) ResumeWriting()       {}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

func TestAProtocolWhoseEOFReceivedReturnsTrueKeepsWriting(t *testing.T) {
	ln := listenRaw(t)
	asynciotest.Run(t, func(ctx context.Context) error {
		p := &halfCloseProtocol{}
		tr, _, err := asyncio.CreateConnection(ctx, func() asyncio.Protocol { return p }, "tcp", ln.Addr().String())
		if err != nil {
			return err
		}
		peer, err := acceptRaw(ctx, ln)
		if err != nil {
			return err
		}
		defer peer.Close()
		got, err := asyncio.ToThread(ctx, func(context.Context) ([]byte, error) {
			if _, err := peer.Write([]byte("12345")); err != nil {
				return nil, err
			}
			if err := peer.CloseWrite(); err != nil {
				return nil, err
			}
			return io.ReadAll(peer)
		})
		if err != nil || string(got) != "received 5" {
			t.Errorf("the peer read %q, %v after its half-close; want \"received 5\"", got, err)
		}
		if !p.eof || !tr.IsClosing() {
			t.Errorf("EOFReceived called = %t, transport closing = %t; want both", p.eof, tr.IsClosing())
		}
		return nil
	})
}

func TestALineLongerThanTheLimitIsALimitOverrunAndTheStreamGoesOn(t *testing.T) {
	const limit = 1 << 10
	asynciotest.Run(t, func(ctx context.Context) error {
		type outcome struct {
			err  error
			next string
		}
		res := make(chan outcome, 1)
		srv, err := asyncio.StartServer(ctx, func(ctx context.Context, r *asyncio.StreamReader, w *asyncio.StreamWriter) error {
			_, err := r.ReadLine(ctx)
			var o outcome
			o.err = err
			// What is left of the long line, if its end had not arrived,
			// comes first; then the next line.
			for range 3 {
				line, err := r.ReadLine(ctx)
				if err != nil || string(line) == "next\n" {
					o.next = string(line)
					break
				}
			}
			return asyncio.Send(ctx, res, o)
		}, "tcp", "127.0.0.1:0", asyncio.WithLimit(limit))
		if err != nil {
			return err
		}
		defer srv.Close()
		_, w, err := asyncio.OpenConnection(ctx, "tcp", srv.Sockets()[0].String())
		if err != nil {
			return err
		}
		long := append(bytes.Repeat([]byte("a"), 4*limit), '\n')
		if err := w.Write(append(long, "next\n"...)); err != nil {
			return err
		}
		o, _, err := asyncio.Recv(ctx, res)
		if err != nil {
			return err
		}
		var le *asyncio.LimitOverrunError
		if !errors.As(o.err, &le) {
			t.Errorf("ReadLine of a %d-byte line with limit %d = %v, want a LimitOverrunError", len(long), limit, o.err)
		}
		if o.next != "next\n" {
			t.Errorf("the line after the long one = %q, want \"next\\n\"", o.next)
		}
		return w.Close()
	})
}

func TestReadExactlyOfAStreamThatEndsEarlyReturnsThePartialBytes(t *testing.T) {
	ln := listenRaw(t)
	asynciotest.Run(t, func(ctx context.Context) error {
		r, w, peer, err := openToRaw(ctx, ln)
		if err != nil {
			return err
		}
		defer w.Close()
		if err := writeRaw(ctx, peer, []byte("abc")); err != nil {
			return err
		}
		if err := peer.Close(); err != nil {
			return err
		}
		_, err = r.ReadExactly(ctx, 10)
		var ie *asyncio.IncompleteReadError
		switch {
		case !errors.As(err, &ie):
			t.Errorf("ReadExactly(10) of 3 bytes = %v, want an IncompleteReadError", err)
		case string(ie.Partial) != "abc" || ie.Expected != 10:
			t.Errorf("IncompleteReadError{Partial: %q, Expected: %d}, want {abc, 10}", ie.Partial, ie.Expected)
		}
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("%v does not match io.ErrUnexpectedEOF", err)
		}
		if !r.AtEOF() {
			t.Error("AtEOF = false after the partial bytes were consumed")
		}
		return nil
	})
}

func TestConnectingToAClosedPortLeaksNoFD(t *testing.T) {
	ln := listenRaw(t)
	addr := ln.Addr().String()
	ln.Close()
	before := openFDs(t)
	asynciotest.Run(t, func(ctx context.Context) error {
		for range 50 {
			_, _, err := asyncio.OpenConnection(ctx, "tcp", addr)
			if !errors.Is(err, syscall.ECONNREFUSED) {
				t.Fatalf("OpenConnection to a closed port = %v, want ECONNREFUSED", err)
			}
			var oe *net.OpError
			if !errors.As(err, &oe) || oe.Op != "dial" {
				t.Errorf("error %v is not a dial *net.OpError naming the address", err)
			}
		}
		return nil
	})
	checkNoFDLeak(t, before)
}

func TestCancellingReadExactlyKeepsTheBufferedBytesForTheNextRead(t *testing.T) {
	ln := listenRaw(t)
	asynciotest.Run(t, func(ctx context.Context) error {
		r, w, peer, err := openToRaw(ctx, ln)
		if err != nil {
			return err
		}
		defer w.Close()
		defer peer.Close()
		read := asyncio.CreateTask(ctx, func(ctx context.Context) ([]byte, error) {
			return r.ReadExactly(ctx, 6)
		})
		if err := writeRaw(ctx, peer, []byte("abc")); err != nil {
			return err
		}
		for asyncio.StreamReaderBuffered(r) < 3 {
			if err := asyncio.Sleep(ctx, time.Millisecond); err != nil {
				return err
			}
		}
		read.Cancel()
		if _, err := read.Await(ctx); !errors.Is(err, asyncio.ErrCancelled) {
			t.Errorf("the cancelled ReadExactly returned %v", err)
		}
		if err := writeRaw(ctx, peer, []byte("def")); err != nil {
			return err
		}
		got, err := r.ReadExactly(ctx, 6)
		if err != nil || string(got) != "abcdef" {
			t.Errorf("the next ReadExactly(6) = %q, %v; want abcdef", got, err)
		}
		return nil
	})
}

// recordProtocol records what it receives; it pauses reading in
// ConnectionMade if pause is set.
type recordProtocol struct {
	pause bool
	t     asyncio.Transport
	got   []byte
}

func (p *recordProtocol) ConnectionMade(t asyncio.Transport) {
	p.t = t
	if p.pause {
		t.PauseReading()
	}
}
func (p *recordProtocol) DataReceived(data []byte) { p.got = append(p.got, data...) }
func (p *recordProtocol) EOFReceived() bool        { return false }
func (p *recordProtocol) ConnectionLost(error)     {}
func (p *recordProtocol) PauseWriting()            {}
func (p *recordProtocol) ResumeWriting()           {}

func TestPauseReadingInConnectionMadeHoldsUntilResumeReading(t *testing.T) {
	ln := listenRaw(t)
	asynciotest.Run(t, func(ctx context.Context) error {
		p := &recordProtocol{pause: true}
		tr, _, err := asyncio.CreateConnection(ctx, func() asyncio.Protocol { return p }, "tcp", ln.Addr().String())
		if err != nil {
			return err
		}
		defer tr.Close()
		peer, err := acceptRaw(ctx, ln)
		if err != nil {
			return err
		}
		defer peer.Close()
		if err := writeRaw(ctx, peer, []byte("held")); err != nil {
			return err
		}
		if err := asyncio.Sleep(ctx, 20*time.Millisecond); err != nil {
			return err
		}
		if len(p.got) != 0 || tr.IsReading() {
			t.Errorf("a transport paused in ConnectionMade delivered %q, IsReading = %t", p.got, tr.IsReading())
		}
		tr.ResumeReading()
		for len(p.got) < len("held") {
			if err := asyncio.Sleep(ctx, time.Millisecond); err != nil {
				return err
			}
		}
		if string(p.got) != "held" {
			t.Errorf("after ResumeReading the protocol got %q, want held", p.got)
		}
		return nil
	})
}

// pingPong sends msg back on every DataReceived, for ever: a pair of them
// keeps a loop busy with readiness in every iteration.
type pingPong struct {
	t       asyncio.Transport
	until   time.Time // stop after this wall time, so that a failing test ends
	rounds  int
	stopped bool
}

func (p *pingPong) ConnectionMade(t asyncio.Transport) { p.t = t }
func (p *pingPong) DataReceived(data []byte) {
	p.rounds++
	if time.Now().After(p.until) {
		p.stopped = true
		return
	}
	_ = p.t.Write(data)
}
func (p *pingPong) EOFReceived() bool    { return false }
func (p *pingPong) ConnectionLost(error) {}
func (p *pingPong) PauseWriting()        {}
func (p *pingPong) ResumeWriting()       {}

func TestTheVirtualClockKeepsUpWithRealTimeWhileSocketsKeepTheLoopBusy(t *testing.T) {
	const nap = 50 * time.Millisecond
	until := time.Now().Add(5 * time.Second)
	asynciotest.Run(t, func(ctx context.Context) error {
		srv, err := asyncio.CreateServer(ctx, func() asyncio.Protocol { return &pingPong{until: until} }, "tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer srv.Close()
		client := &pingPong{until: until}
		tr, _, err := asyncio.CreateConnection(ctx, func() asyncio.Protocol { return client }, "tcp", srv.Sockets()[0].String())
		if err != nil {
			return err
		}
		defer tr.Close()
		if err := yieldN(ctx, 1); err != nil { // ConnectionMade
			return err
		}
		if err := tr.Write([]byte("ping")); err != nil {
			return err
		}
		start := time.Now()
		if err := asyncio.Sleep(ctx, nap); err != nil {
			return err
		}
		// The loop never had a moment to idle in, yet real time passed: a
		// virtual clock that counts only its idle waits falls behind.
		if wall := time.Since(start); client.stopped || wall > 4*nap {
			t.Errorf("a %v sleep took %v of wall time beside a busy connection (%d rounds): the virtual clock fell behind real time", nap, wall, client.rounds)
		}
		return nil
	})
}

// flowProtocol records PauseWriting and ResumeWriting, and the write
// buffer's size at ResumeWriting.
type flowProtocol struct {
	recordProtocol
	paused, resumed bool
	bufAtResume     int
}

func (p *flowProtocol) PauseWriting() { p.paused = true }
func (p *flowProtocol) ResumeWriting() {
	p.resumed = true
	p.bufAtResume = p.t.GetWriteBufferSize()
}

func TestResumeWritingComesAtTheLowWatermarkNotWhenTheBufferEmpties(t *testing.T) {
	const total, high, low = 1 << 20, 512 << 10, 256 << 10
	ln := listenRaw(t)
	asynciotest.Run(t, func(ctx context.Context) error {
		p := &flowProtocol{}
		tr, _, err := asyncio.CreateConnection(ctx, func() asyncio.Protocol { return p }, "tcp", ln.Addr().String())
		if err != nil {
			return err
		}
		defer tr.Abort()
		peer, err := acceptRaw(ctx, ln)
		if err != nil {
			return err
		}
		defer peer.Close()
		// Small kernel buffers, so that the transport holds nearly all.
		fd := tr.GetExtraInfo("socket").(int)
		if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_SNDBUF, 32<<10); err != nil {
			return err
		}
		if err := peer.SetReadBuffer(32 << 10); err != nil {
			return err
		}
		tr.SetWriteBufferLimits(high, low)
		if err := tr.Write(make([]byte, total)); err != nil {
			return err
		}
		if !p.paused {
			t.Fatalf("a write of %d bytes with the high watermark at %d did not pause the protocol", total, high)
		}
		// The peer reads enough to bring the buffer below the low mark,
		// but not all.
		if _, err := asyncio.ToThread(ctx, func(context.Context) (int, error) {
			return io.ReadFull(peer, make([]byte, total-low+low/8))
		}); err != nil {
			return err
		}
		for range 100 {
			if p.resumed {
				break
			}
			if err := asyncio.Sleep(ctx, time.Millisecond); err != nil {
				return err
			}
		}
		switch {
		case !p.resumed:
			t.Errorf("no ResumeWriting with %d bytes buffered, the low watermark %d", tr.GetWriteBufferSize(), low)
		case p.bufAtResume == 0 || p.bufAtResume > low:
			t.Errorf("ResumeWriting came with %d bytes buffered, want it between 1 and the low watermark %d", p.bufAtResume, low)
		}
		return nil
	})
}
