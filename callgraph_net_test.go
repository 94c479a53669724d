//go:build linux

package asyncio_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

// A read waiting on a connection is named with the connection's peer.
func TestDumpNamesAStreamReadWithItsPeer(t *testing.T) {
	ln := listenRaw(t)
	asynciotest.Run(t, func(ctx context.Context) error {
		r, w, peer, err := openToRaw(ctx, ln)
		if err != nil {
			return err
		}
		defer peer.Close()
		defer w.Close()
		reader := asyncio.Go(ctx, func(ctx context.Context) error {
			_, err := r.ReadLine(ctx)
			return err
		}, asyncio.WithName("reader"))
		if err := yieldN(ctx, 2); err != nil {
			return err
		}
		d := dumpOf(t, ctx)
		want := "StreamReader.ReadLine peer=" + ln.Addr().String()
		if n := findTask(d.Tasks, "reader"); n == nil || n.Awaits != want {
			t.Errorf("reader awaits %+v, want %q", n, want)
		}
		reader.Cancel()
		if _, err := reader.Await(ctx); !errors.Is(err, asyncio.ErrCancelled) {
			t.Errorf("reader ended with %v, want a cancellation", err)
		}
		return nil
	})
}

// A low-level socket operation is named with its file descriptor.
func TestDumpNamesASocketOperationWithItsFD(t *testing.T) {
	a, _ := socketPair(t)
	asynciotest.Run(t, func(ctx context.Context) error {
		recv := asyncio.Go(ctx, func(ctx context.Context) error {
			_, err := asyncio.SockRecv(ctx, a, 10)
			return err
		}, asyncio.WithName("recv"))
		if err := yieldN(ctx, 2); err != nil {
			return err
		}
		d := dumpOf(t, ctx)
		if n, want := findTask(d.Tasks, "recv"), fmt.Sprintf("socket fd=%d readable", a); n == nil || n.Awaits != want {
			t.Errorf("recv awaits %+v, want %q", n, want)
		}
		recv.Cancel()
		if _, err := recv.Await(ctx); !errors.Is(err, asyncio.ErrCancelled) {
			t.Errorf("recv ended with %v, want a cancellation", err)
		}
		return nil
	})
}
