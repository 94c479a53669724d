package asyncio

import (
	"context"
	"errors"
	"net"
)

// defaultEndpointLimit is how many bytes of datagrams a DatagramEndpoint
// holds for RecvFrom before it pauses its transport's reading.
const defaultEndpointLimit = 256 << 10

// A DatagramEndpoint is a datagram socket for coroutines, made by
// [OpenDatagramEndpoint]: RecvFrom and SendTo suspend the calling task, as
// a [StreamReader] and [StreamWriter] do for streams, so that no protocol need
// be written. asyncio has no such form; it is trio's and Go's socket shape
// over [CreateDatagramEndpoint].
//
// The endpoint holds the datagrams received until RecvFrom takes them, up
// to a limit (256 KiB by default, [WithLimit] to change it); beyond it the
// transport stops reading, and further datagrams wait in the socket's
// receive buffer, whose overflow the kernel drops as UDP does.
//
// Its methods must be called from coroutines (RecvFrom, SendTo) or
// callbacks (Close, Abort) of its loop; LocalAddr, RemoteAddr and [Transport]
// are safe from any goroutine. There is no zero DatagramEndpoint: make one
// with [OpenDatagramEndpoint], or [NewDatagramEndpoint] over a transport of
// your own.
type DatagramEndpoint struct {
	tr            DatagramTransport
	local, remote net.Addr

	// The received datagrams and errors not yet taken are items[head:];
	// held counts their bytes, with dgramHeader each.
	items []endpointItem
	head  int
	held  int
	limit int

	readers     waitq // coroutines in RecvFrom, first come first served
	senders     waitq // coroutines in SendTo while writing is paused
	writePaused bool
	lost        bool
	sending     bool  // a SendTo of the endpoint is under way
	sendErr     error // the error its send met, reported to it rather than queued
}

type endpointItem struct {
	data []byte
	addr net.Addr
	err  error
}

// OpenDatagramEndpoint makes a datagram endpoint as [CreateDatagramEndpoint]
// does, with the same network, addresses, options and errors, and returns
// it as a [DatagramEndpoint] for coroutines to use.
func OpenDatagramEndpoint(ctx context.Context, network, local, remote string, opts ...NetOption) (*DatagramEndpoint, error) {
	return NewDatagramEndpoint(func(factory func() DatagramProtocol) (DatagramTransport, error) {
		tr, _, err := CreateDatagramEndpoint(ctx, factory, network, local, remote, opts...)
		return tr, err
	}, opts...)
}

// NewDatagramEndpoint returns a [DatagramEndpoint] over a transport that
// create makes, with the factory of the endpoint's own protocol: for a
// [DatagramTransport] made elsewhere than [CreateDatagramEndpoint] (an
// in-memory network, a test double). Of the options only [WithLimit]
// applies. It returns create's error, and panics if create is nil or
// returns a nil transport with no error.
func NewDatagramEndpoint(create func(factory func() DatagramProtocol) (DatagramTransport, error), opts ...NetOption) (*DatagramEndpoint, error) {
	if create == nil {
		panic("asyncio: NewDatagramEndpoint: nil create function")
	}
	cfg := newNetConfig(opts)
	e := &DatagramEndpoint{limit: cfg.limit}
	if e.limit <= 0 {
		e.limit = defaultEndpointLimit
	}
	tr, err := create(func() DatagramProtocol { return (*endpointProtocol)(e) })
	if err != nil {
		return nil, err
	}
	if tr == nil {
		panic("asyncio: NewDatagramEndpoint: create returned no transport and no error")
	}
	e.tr = tr
	if a, ok := tr.GetExtraInfo("sockname").(net.Addr); ok {
		e.local = a
	}
	if a, ok := tr.GetExtraInfo("peername").(net.Addr); ok {
		e.remote = a
	}
	return e, nil
}

// RecvFrom returns the next datagram received and its sender's address (nil
// for an unnamed Unix socket), waiting until one comes. The data is the
// caller's to keep.
//
// Errors the transport reports (see [DatagramProtocol].ErrorReceived) come
// in order with the datagrams: an error matching syscall.ECONNREFUSED on a
// connected UDP endpoint whose peer refused a datagram, with nil data; a
// datagram longer than the endpoint's receive size (see
// [WithMaxDatagramSize]) comes cut, with its address and a
// *[DatagramTruncatedError]. Once the endpoint is closed and what it held
// is taken, RecvFrom returns ErrTransportClosing. It returns
// ErrNotInCoroutine where ctx's coroutine is not the caller, an error when
// that coroutine belongs to another loop, and the task's cancellation
// error.
//
// # Cancellation
//
// RecvFrom is cancel-safe: a cancelled RecvFrom takes no datagram, and one
// that arrived as it was cancelled goes to the next RecvFrom.
func (e *DatagramEndpoint) RecvFrom(ctx context.Context) ([]byte, net.Addr, error) {
	t, err := e.enter(ctx)
	if err != nil {
		return nil, nil, err
	}
	for {
		if e.head < len(e.items) {
			return e.take()
		}
		if e.lost {
			return nil, nil, ErrTransportClosing
		}
		if _, err := e.readers.wait(ctx, t.fut.loop, e, "DatagramEndpoint", "RecvFrom"); err != nil {
			// A wake-up that came with the cancellation passes on.
			if e.head < len(e.items) || e.lost {
				e.readers.wakeNext()
			}
			return nil, nil, err
		}
	}
}

// take removes the first item, resuming the transport's reading once the
// endpoint is back under its limit.
func (e *DatagramEndpoint) take() ([]byte, net.Addr, error) {
	it := e.items[e.head]
	e.items[e.head] = endpointItem{}
	e.head++
	e.held -= len(it.data) + dgramHeader
	if e.head == len(e.items) {
		e.items, e.head = e.items[:0], 0
	}
	if !e.lost && e.held <= e.limit && !e.tr.IsReading() {
		e.tr.ResumeReading()
	}
	if e.head < len(e.items) {
		e.readers.wakeNext() // more for a reader that waits behind us
	}
	return it.data, it.addr, it.err
}

// SendTo sends data as one datagram to addr (nil on a connected endpoint:
// see [DatagramTransport].SendTo), first waiting while the transport's
// write buffer is over its high watermark. It returns the error the send
// met at once (such as syscall.ECONNREFUSED on a connected UDP endpoint
// whose peer refused an earlier datagram; one met later, by a buffered
// datagram, comes from RecvFrom), ErrDatagramAddress for an address that
// does not suit the endpoint, and ErrTransportClosing once it is closed.
// Its misuse errors are those of RecvFrom.
//
// # Cancellation
//
// A cancelled SendTo sends nothing.
func (e *DatagramEndpoint) SendTo(ctx context.Context, data []byte, addr net.Addr) error {
	t, err := e.enter(ctx)
	if err != nil {
		return err
	}
	for e.writePaused && !e.lost {
		if _, err := e.senders.wait(ctx, t.fut.loop, e, "DatagramEndpoint", "SendTo"); err != nil {
			return err
		}
	}
	if e.lost {
		return ErrTransportClosing
	}
	e.sending, e.sendErr = true, nil
	err = e.tr.SendTo(data, addr)
	e.sending = false
	if err == nil {
		err, e.sendErr = e.sendErr, nil
	}
	return err
}

// Close closes the endpoint once its buffered datagrams are sent (see
// [DatagramTransport].Close); RecvFrom returns what was received before,
// then ErrTransportClosing. It returns ErrWrongGoroutine off the loop's
// goroutine. Closing a closed endpoint does nothing.
func (e *DatagramEndpoint) Close() error { return e.tr.Close() }

// Abort closes the endpoint at once, dropping the datagrams not yet sent.
// It panics when called off the loop's goroutine.
func (e *DatagramEndpoint) Abort() { e.tr.Abort() }

// LocalAddr returns the address the endpoint is bound to, or nil if none.
func (e *DatagramEndpoint) LocalAddr() net.Addr { return e.local }

// RemoteAddr returns the address a connected endpoint sends to and
// receives from, or nil if it is not connected.
func (e *DatagramEndpoint) RemoteAddr() net.Addr { return e.remote }

// Transport returns the endpoint's transport, for the write-buffer limits
// and GetExtraInfo.
func (e *DatagramEndpoint) Transport() DatagramTransport { return e.tr }

// enter checks that ctx's coroutine, the caller, runs on the endpoint's loop.
func (e *DatagramEndpoint) enter(ctx context.Context) (*taskCore, error) {
	t, err := runningTask(ctx)
	if err != nil {
		return nil, err
	}
	if t.fut.loop != e.tr.Loop() {
		return nil, wrongLoop("this DatagramEndpoint")
	}
	return t, nil
}

// endpointProtocol is the DatagramProtocol behind a DatagramEndpoint: the
// same object, with the protocol's methods kept out of the endpoint's API.
type endpointProtocol DatagramEndpoint

func (p *endpointProtocol) ConnectionMade(DatagramTransport) {}

func (p *endpointProtocol) DatagramReceived(data []byte, addr net.Addr) {
	p.push(endpointItem{data: append(make([]byte, 0, len(data)), data...), addr: addr})
}

func (p *endpointProtocol) ErrorReceived(err error) {
	if p.sending && p.sendErr == nil {
		p.sendErr = err
		return
	}
	var te *DatagramTruncatedError
	if errors.As(err, &te) && p.head < len(p.items) {
		// It follows the datagram it is about, at once.
		if last := &p.items[len(p.items)-1]; last.err == nil && last.data != nil {
			last.err = err
			return
		}
	}
	p.push(endpointItem{err: err})
}

func (p *endpointProtocol) push(it endpointItem) {
	p.items = append(p.items, it)
	p.held += len(it.data) + dgramHeader
	if p.held > p.limit && p.tr != nil && p.tr.IsReading() {
		p.tr.PauseReading()
	}
	p.readers.wakeNext()
}

func (p *endpointProtocol) ConnectionLost(error) {
	p.lost = true
	p.readers.wakeAll()
	p.senders.wakeAll()
}

func (p *endpointProtocol) PauseWriting() { p.writePaused = true }

func (p *endpointProtocol) ResumeWriting() {
	p.writePaused = false
	p.senders.wakeAll()
}
