package asyncio

// An in-memory stream connection for the streams tests: the virtual
// network's transport pair (pipetransport.go) on a link that delivers at
// once, so that backpressure, half-close and resets can be tested without
// sockets and without a Network.

import (
	"time"
)

// instantLink delivers everything at the time it is sent and is never cut.
type instantLink struct{ l *EventLoop }

func (k instantLink) Send(now time.Duration, _ int) (time.Duration, bool)         { return now, true }
func (k instantLink) SendDatagram(now time.Duration, _ int) (time.Duration, bool) { return now, true }
func (k instantLink) OnHeal(fn func())                                            { k.l.soon(funcRunner(fn), nil) }

// memAddr names one end of a memory pipe.
type memAddr string

func (a memAddr) Network() string { return "mem" }
func (a memAddr) String() string  { return "mem:" + string(a) }

// newMemPipe connects protocols a and b on loop; their ConnectionMade calls
// come in a later iteration, a's first. Each end has one segment of chunk
// bytes (64 KiB if chunk <= 0) in flight at a time, so what is written
// arrives one chunk per iteration.
func newMemPipe(loop *EventLoop, a, b Protocol, chunk int) (*pipeEnd, *pipeEnd) {
	ta, tb := newPipe(loop, memAddr("a"), memAddr("b"), instantLink{loop}, instantLink{loop})
	for _, e := range []*pipeEnd{ta, tb} {
		if chunk > 0 {
			e.seg = chunk
		}
		e.window = e.seg
	}
	ta.start(a, nil)
	tb.start(b, nil)
	return ta, tb
}
