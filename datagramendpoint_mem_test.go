package asyncio_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"testing"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

// memDatagram is a DatagramTransport in memory, half of a pair made by
// memDatagramPair: SendTo hands a copy of the datagram to the peer's
// protocol in a later loop iteration, or holds it while the peer does not
// read. It shows that the interface can be served without a socket, as
// NewDatagramEndpoint expects.
type memDatagram struct {
	asyncio.DatagramTransport // the methods the tests do not call panic
	l                         *asyncio.EventLoop
	p                         asyncio.DatagramProtocol
	peer                      *memDatagram
	addr                      net.Addr
	held                      [][]byte // received while not reading
	closing, reading          bool
}

func memDatagramPair(l *asyncio.EventLoop) (a, b *memDatagram) {
	a = &memDatagram{l: l, addr: &net.UnixAddr{Name: "a", Net: "memgram"}, reading: true}
	b = &memDatagram{l: l, addr: &net.UnixAddr{Name: "b", Net: "memgram"}, reading: true}
	a.peer, b.peer = b, a
	return a, b
}

// start is the create function of NewDatagramEndpoint.
func (m *memDatagram) start(factory func() asyncio.DatagramProtocol) (asyncio.DatagramTransport, error) {
	m.p = factory()
	_, err := m.l.CallSoon(func() { m.p.ConnectionMade(m) })
	return m, err
}

func (m *memDatagram) SendTo(data []byte, addr net.Addr) error {
	if m.closing {
		return asyncio.ErrTransportClosing
	}
	d, peer := bytes.Clone(data), m.peer
	_, err := m.l.CallSoon(func() {
		if !peer.closing {
			peer.held = append(peer.held, d)
			peer.deliver()
		}
	})
	return err
}

func (m *memDatagram) deliver() {
	for m.reading && len(m.held) > 0 && !m.closing {
		d := m.held[0]
		m.held = m.held[1:]
		m.p.DatagramReceived(d, m.peer.addr)
	}
}

func (m *memDatagram) PauseReading()   { m.reading = false }
func (m *memDatagram) ResumeReading()  { m.reading = true; m.deliver() }
func (m *memDatagram) IsReading() bool { return m.reading }
func (m *memDatagram) IsClosing() bool { return m.closing }
func (m *memDatagram) Loop() *asyncio.EventLoop {
	return m.l
}

func (m *memDatagram) GetExtraInfo(name string) any {
	switch name {
	case "sockname":
		return m.addr
	case "peername":
		return m.peer.addr
	}
	return nil
}

func (m *memDatagram) Close() error {
	if !m.closing {
		m.closing = true
		_, err := m.l.CallSoon(func() { m.p.ConnectionLost(nil) })
		return err
	}
	return nil
}

func TestNewDatagramEndpointOverAnInMemoryTransport(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		ta, tb := memDatagramPair(runningLoop(t, ctx))
		a, err := asyncio.NewDatagramEndpoint(ta.start)
		if err != nil {
			return err
		}
		b, err := asyncio.NewDatagramEndpoint(tb.start, asyncio.WithLimit(20))
		if err != nil {
			return err
		}
		if a.LocalAddr() != ta.addr || a.RemoteAddr() != tb.addr {
			t.Errorf("addresses %v %v, want the transport's", a.LocalAddr(), a.RemoteAddr())
		}
		// Five datagrams of 8 bytes (16 counted each) to a reader over its
		// limit of 20 after the second: the endpoint pauses its transport.
		for _, m := range []string{"datagram", "number 2", "number 3", "number 4", "number 5"} {
			if err := a.SendTo(ctx, []byte(m), nil); err != nil {
				return err
			}
		}
		if err := yieldN(ctx, 3); err != nil {
			return err
		}
		if tb.reading || len(tb.held) != 3 {
			t.Errorf("reading %v with %d datagrams held by the transport, want paused with 3", tb.reading, len(tb.held))
		}
		for _, want := range []string{"datagram", "number 2", "number 3", "number 4", "number 5"} {
			data, addr, err := b.RecvFrom(ctx)
			if string(data) != want || addr != ta.addr || err != nil {
				t.Errorf("RecvFrom: %q from %v, %v; want %q from a", data, addr, err, want)
			}
		}
		if err := b.Close(); err != nil {
			return err
		}
		if _, _, err := b.RecvFrom(ctx); !errors.Is(err, asyncio.ErrTransportClosing) {
			t.Errorf("RecvFrom after Close: %v, want ErrTransportClosing", err)
		}
		return a.Close()
	})
}

func TestNewDatagramEndpointMisuse(t *testing.T) {
	boom := errors.New("boom")
	if _, err := asyncio.NewDatagramEndpoint(func(func() asyncio.DatagramProtocol) (asyncio.DatagramTransport, error) {
		return nil, boom
	}); err != boom {
		t.Errorf("create's error: %v, want it returned", err)
	}
	if r := recoverFrom(func() { _, _ = asyncio.NewDatagramEndpoint(nil) }); r == nil {
		t.Error("a nil create function did not panic")
	}
	if r := recoverFrom(func() {
		_, _ = asyncio.NewDatagramEndpoint(func(func() asyncio.DatagramProtocol) (asyncio.DatagramTransport, error) { return nil, nil })
	}); r == nil {
		t.Error("a nil transport with no error did not panic")
	}
}
