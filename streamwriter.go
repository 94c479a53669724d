package asyncio

import (
	"context"
)

// A StreamWriter is the sending side of a stream: asyncio.StreamWriter. It
// wraps a [Transport], the [StreamReaderProtocol] on it and the connection's
// [StreamReader]. Write queues bytes and returns at once; Drain is where a
// writer waits for the peer to keep up:
//
//	if err := w.Write(msg); err != nil {
//		return err
//	}
//	if err := w.Drain(ctx); err != nil {
//		return err
//	}
//
// Its methods must be called on the transport's loop: the non-waiting ones
// return the transport's errors (ErrWrongGoroutine from elsewhere), and Drain
// and WaitClosed must run in a coroutine of that loop. The zero StreamWriter
// is not usable: StreamReaderProtocol makes one per connection, or
// [NewStreamWriter].
type StreamWriter struct {
	t Transport
	p *StreamReaderProtocol
	r *StreamReader // may be nil
}

// NewStreamWriter returns a [StreamWriter] over transport t, whose protocol is
// p and whose incoming bytes go to r (nil for none): asyncio's
// StreamWriter(transport, protocol, reader, loop). Call it once the
// connection is made, after p.ConnectionMade(t). It panics if t or p is nil.
func NewStreamWriter(t Transport, p *StreamReaderProtocol, r *StreamReader) *StreamWriter {
	if t == nil || p == nil {
		panic("asyncio: NewStreamWriter: nil transport or protocol")
	}
	return &StreamWriter{t: t, p: p, r: r}
}

// Transport returns the transport w writes to.
func (w *StreamWriter) Transport() Transport { return w.t }

// Write queues data to be sent and returns without waiting; the transport
// copies what it cannot send at once. Follow writes with Drain so that a
// slow peer slows the writer instead of growing the buffer. Write returns
// the transport's error, as once the writer is closing.
func (w *StreamWriter) Write(data []byte) error { return w.t.Write(data) }

// WriteLines writes each slice in turn, as Write does. Despite the name
// (asyncio's writelines) it adds no line endings.
func (w *StreamWriter) WriteLines(data [][]byte) error { return w.t.Writelines(data) }

// CanWriteEOF reports whether the transport supports WriteEOF.
func (w *StreamWriter) CanWriteEOF() bool { return w.t.CanWriteEOF() }

// WriteEOF closes the sending side once the buffered bytes are sent; the
// connection stays open for reading (a half-close).
func (w *StreamWriter) WriteEOF() error { return w.t.WriteEOF() }

// Close closes the transport: the buffered bytes are sent, then the
// connection is closed. It does not wait; WaitClosed does. Closing a closing
// writer does nothing.
func (w *StreamWriter) Close() error { return w.t.Close() }

// IsClosing reports whether the writer is closed or closing, or its
// connection was lost.
func (w *StreamWriter) IsClosing() bool { return w.t.IsClosing() }

// GetExtraInfo returns the transport's information called name
// ("peername", "sockname", "socket"...), or nil; see Transport.GetExtraInfo.
func (w *StreamWriter) GetExtraInfo(name string) any { return w.t.GetExtraInfo(name) }

// Drain waits until the transport's write buffer is at its low watermark or
// below (asyncio's drain): it returns at once while the transport has not
// asked its protocol to pause writing, and otherwise suspends until it asks
// it to resume. Any number of coroutines may drain at once; one
// ResumeWriting releases them all.
//
// Drain returns the reader's error, if the connection failed (see
// [StreamReader.SetException]), and once the connection is lost, the error it
// was lost with or, after a clean close, ErrConnectionLost: the bytes still
// buffered will not be sent (where asyncio releases the drainers of a
// cleanly closed connection with no error, this reports that their bytes are
// lost). It returns ErrNotInCoroutine where ctx's coroutine is not the
// caller, an error when that coroutine belongs to another loop, and the
// task's cancellation error.
//
// # Cancellation
//
// A cancelled Drain returns the cancellation; the bytes written stay queued.
func (w *StreamWriter) Drain(ctx context.Context) error {
	if err := w.enter(ctx); err != nil {
		return err
	}
	if w.r != nil && w.r.exc != nil {
		return w.r.exc
	}
	if w.t.IsClosing() {
		// Let a ConnectionLost already on its way arrive, as asyncio's
		// drain does, so that Drain reports it rather than succeed.
		if err := Sleep(ctx, 0); err != nil {
			return err
		}
	}
	return w.p.drain(ctx, w.t)
}

// WaitClosed waits until the connection is lost, after Close or otherwise,
// and returns the error it was lost with: nil after a normal close. Its
// other errors are those of Drain, without ErrConnectionLost.
//
// # Cancellation
//
// A cancelled WaitClosed returns the cancellation and changes nothing.
func (w *StreamWriter) WaitClosed(ctx context.Context) error {
	if err := w.enter(ctx); err != nil {
		return err
	}
	return w.p.waitClosed(ctx, w.t.Loop())
}

// enter checks that ctx's coroutine, the caller, runs on the transport's
// loop.
func (w *StreamWriter) enter(ctx context.Context) error {
	t, err := runningTask(ctx)
	if err != nil {
		return err
	}
	if t.fut.loop != w.t.Loop() {
		return wrongLoop("the transport of this StreamWriter")
	}
	return nil
}
