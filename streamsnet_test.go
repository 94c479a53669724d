//go:build unix

package asyncio_test

import (
	"context"
	"errors"
	"testing"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

func TestStreamsEchoOverLoopback(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		srv, err := asyncio.StartServer(ctx, echoLines, "tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer srv.Close()
		r, w, err := asyncio.OpenConnection(ctx, "tcp", srv.Sockets()[0].String())
		if err != nil {
			return err
		}
		for _, msg := range []string{"Hello\n", "World!\n"} {
			if err := w.Write([]byte(msg)); err != nil {
				return err
			}
			got, err := r.ReadLine(ctx)
			if err != nil || string(got) != msg {
				t.Errorf("echo of %q = %q, %v", msg, got, err)
			}
		}
		if err := w.Close(); err != nil {
			return err
		}
		return w.WaitClosed(ctx)
	})
}

func TestAStreamHandlerThatPanicsIsReportedAndTheServerGoesOn(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		got := asynciotest.Exceptions(runningLoop(t, ctx))
		calls := 0
		srv, err := asyncio.StartServer(ctx, func(ctx context.Context, r *asyncio.StreamReader, w *asyncio.StreamWriter) error {
			calls++
			if calls == 1 {
				panic("boom")
			}
			return w.Write([]byte("ok"))
		}, "tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer srv.Close()
		addr := srv.Sockets()[0].String()
		r, _, err := asyncio.OpenConnection(ctx, "tcp", addr)
		if err != nil {
			return err
		}
		if b, err := r.Read(ctx, -1); err != nil && !errors.Is(err, asyncio.ErrConnectionLost) || len(b) != 0 {
			t.Errorf("first connection read %q, %v; want it closed", b, err)
		}
		r, _, err = asyncio.OpenConnection(ctx, "tcp", addr)
		if err != nil {
			return err
		}
		if b, err := r.Read(ctx, -1); err != nil || string(b) != "ok" {
			t.Errorf("second connection read %q, %v; want ok", b, err)
		}
		var pe *asyncio.PanicError
		if ex := got(); len(ex) != 1 || !errors.As(ex[0].Err, &pe) {
			t.Errorf("exceptions = %v, want the handler's panic", ex)
		}
		return nil
	})
}
