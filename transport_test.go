//go:build unix

package asyncio_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

// echoProtocol writes back what it receives, as the asyncio docs' TCP echo
// server protocol does.
type echoProtocol struct {
	t    asyncio.Transport
	lost chan error
}

func (p *echoProtocol) ConnectionMade(t asyncio.Transport) { p.t = t }
func (p *echoProtocol) DataReceived(data []byte)           { _ = p.t.Write(data) }
func (p *echoProtocol) EOFReceived() bool                  { return false }
func (p *echoProtocol) ConnectionLost(err error) {
	if p.lost != nil {
		p.lost <- err
	}
}
func (p *echoProtocol) PauseWriting()  {}
func (p *echoProtocol) ResumeWriting() {}

// clientProtocol sends a message and records what comes back.
type clientProtocol struct {
	msg  string
	got  []byte
	done *asyncio.Future[string]
}

func (p *clientProtocol) ConnectionMade(t asyncio.Transport) {
	_ = t.Write([]byte(p.msg))
	_ = t.WriteEOF()
}
func (p *clientProtocol) DataReceived(data []byte) { p.got = append(p.got, data...) }
func (p *clientProtocol) EOFReceived() bool        { return false }
func (p *clientProtocol) ConnectionLost(err error) {
	if err != nil {
		_ = p.done.SetException(err)
		return
	}
	_ = p.done.SetResult(string(p.got))
}
func (p *clientProtocol) PauseWriting()  {}
func (p *clientProtocol) ResumeWriting() {}

func TestProtocolEchoOverLoopback(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		srv, err := asyncio.CreateServer(ctx, func() asyncio.Protocol { return &echoProtocol{} }, "tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer srv.Close()
		addr := srv.Sockets()[0].String()
		client := &clientProtocol{msg: "Hello World!", done: asyncio.NewFuture[string](runningLoop(t, ctx))}
		tr, _, err := asyncio.CreateConnection(ctx, func() asyncio.Protocol { return client }, "tcp", addr)
		if err != nil {
			return err
		}
		got, err := client.done.Await(ctx)
		if err != nil || got != "Hello World!" {
			t.Errorf("echoed %q, %v", got, err)
		}
		if !tr.IsClosing() {
			t.Error("the client transport is open after the connection was lost")
		}
		return nil
	})
}

func TestConnectingToAClosedPortIsRefused(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	asynciotest.Run(t, func(ctx context.Context) error {
		_, _, err := asyncio.CreateConnection(ctx, func() asyncio.Protocol { return &echoProtocol{} }, "tcp", addr)
		if !errors.Is(err, syscall.ECONNREFUSED) {
			t.Errorf("CreateConnection = %v, want ECONNREFUSED", err)
		}
		return nil
	})
}

func TestALoopClosingWithUnreadBytesReportsThem(t *testing.T) {
	var exceptions func() []asyncio.ExceptionContext
	err := asyncio.Run(func(ctx context.Context) error {
		exceptions = asynciotest.Exceptions(runningLoop(t, ctx))
		srv, err := asyncio.CreateServer(ctx, func() asyncio.Protocol { return &pausedProtocol{} }, "tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		_, w, err := asyncio.OpenConnection(ctx, "tcp", srv.Sockets()[0].String())
		if err != nil {
			return err
		}
		if err := w.Write([]byte("never read")); err != nil {
			return err
		}
		return asyncio.Sleep(ctx, 20*time.Millisecond) // the bytes reach the server's receive queue
	}, asyncio.WithVirtualClock())
	if err != nil {
		t.Fatal(err)
	}
	for _, ex := range exceptions() {
		if strings.Contains(ex.Message, "10 bytes received and never read") {
			return
		}
	}
	t.Errorf("exceptions = %v, want the unread bytes reported", exceptions())
}

func TestCreateConnectionRefusesAFactoryThatReturnsNil(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	err = asyncio.Run(func(ctx context.Context) error {
		tr, p, err := asyncio.CreateConnection(ctx, func() asyncio.Protocol { return nil }, "tcp", l.Addr().String())
		if !errors.Is(err, asyncio.ErrInvalidState) || tr != nil || p != nil {
			t.Errorf("CreateConnection with a nil protocol = %v, %v, %v; want ErrInvalidState", tr, p, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
