package asyncio_test

import (
	"context"
	"errors"
	"testing"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

func TestStreamReaderProtocolEOFReceivedKeepsTransportOpen(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		r := asyncio.NewStreamReader(0)
		p := asyncio.NewStreamReaderProtocol(r, nil)
		p.DataReceived([]byte("tail"))
		if !p.EOFReceived() {
			t.Error("EOFReceived() = false; a stream with a reader stays open for writing")
		}
		if got, err := r.Read(ctx, -1); err != nil || string(got) != "tail" {
			t.Errorf("Read(-1) = %q, %v", got, err)
		}
		return nil
	})
}

// DataReceived copies: the transport reuses the slice it lends.
func TestStreamReaderProtocolDataReceivedCopies(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		r := asyncio.NewStreamReader(0)
		p := asyncio.NewStreamReaderProtocol(r, nil)
		buf := []byte("abc")
		p.DataReceived(buf)
		copy(buf, "xyz")
		if got, err := r.Read(ctx, 3); err != nil || string(got) != "abc" {
			t.Errorf("Read = %q, %v; want abc", got, err)
		}
		return nil
	})
}

func TestStreamReaderProtocolConnectionLostWithErrorFailsReader(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		r := asyncio.NewStreamReader(0)
		p := asyncio.NewStreamReaderProtocol(r, nil)
		boom := errors.New("boom")
		p.ConnectionLost(boom)
		if r.Exception() != boom {
			t.Errorf("reader's Exception() = %v; want boom", r.Exception())
		}
		return nil
	})
}

// Without onConnect (the client side, as OpenConnection makes it) the
// writer is made with NewStreamWriter once the transport exists.
func TestStreamReaderProtocolWithoutOnConnectTakesNewStreamWriter(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		ra, rb := asyncio.NewStreamReader(0), asyncio.NewStreamReader(0)
		pa, pb := asyncio.NewStreamReaderProtocol(ra, nil), asyncio.NewStreamReaderProtocol(rb, nil)
		ta, tb := asyncio.NewMemoryPipe(runningLoop(t, ctx), pa, pb, 0)
		if err := yieldN(ctx, 1); err != nil {
			return err
		}
		wa, wb := asyncio.NewStreamWriter(ta, pa, ra), asyncio.NewStreamWriter(tb, pb, rb)
		_ = wa.Write([]byte("hi\n"))
		if got, err := rb.ReadLine(ctx); err != nil || string(got) != "hi\n" {
			t.Errorf("ReadLine = %q, %v", got, err)
		}
		_ = wb.Close()
		if err := wb.WaitClosed(ctx); err != nil {
			t.Errorf("WaitClosed: %v", err)
		}
		if got, err := ra.Read(ctx, -1); err != nil || len(got) != 0 {
			t.Errorf("Read(-1) after the peer closed = %q, %v", got, err)
		}
		return nil
	})
}
