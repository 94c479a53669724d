//go:build unix

package asyncio

import (
	"errors"
	"fmt"
	"time"

	"github.com/asyncio-go/asyncio/internal/poll"
)

// ioState is the loop's table of file descriptors it polls, indexed by fd
// (the fd is also its poller token), and the buffer every socket transport
// reads into: data handed to a protocol is valid only during the call, so
// one buffer serves the whole loop, as in uvloop.
type ioState struct {
	on      bool                 // the loop's poller is an I/O backend
	watches []*fdWatch           // by fd; nil where none
	n       int                  // watches in use
	closers closerSet            // transports and servers the loop must close with it
	user    map[int]*fdCallbacks // the fds of AddReader and AddWriter
	readBuf []byte
}

// readBufSize is the loop's read buffer: big enough that a 64 KiB message
// arrives in one read, small enough to stay in cache.
const readBufSize = 256 << 10

// An fdWatch is one registered file descriptor. Registration is edge-
// triggered for both directions (see internal/poll): readable and writable
// are set by the poller's events and cleared by whoever meets EAGAIN. When a
// direction becomes ready and its callback is set, the callback is queued,
// once, to run in a later loop iteration.
type fdWatch struct {
	l                  *EventLoop
	fd                 int
	readable, writable bool
	hup                bool // the peer hung up (advisory; a read of 0 is EOF)
	onRead, onWrite    func()
	readQueued         bool
	writeQueued        bool
	owner              string // "transport", "server", "reader"...: for the error when an fd is used twice
}

// ioPoller adapts internal/poll to the loop's poller seam.
type ioPoller struct {
	p  *poll.Poller
	fn func(token uint64, ev poll.Events) // the loop's dispatch, bound once
}

func (p *ioPoller) wait(timeout time.Duration) {
	if _, err := p.p.Wait(timeout, p.fn); err != nil && !errors.Is(err, poll.ErrClosed) {
		// A kernel failure of the wait itself: not worth killing the loop
		// for, nor spinning on; the next iteration tries again.
		time.Sleep(time.Millisecond)
	}
}
func (p *ioPoller) wake()          { p.p.Wake() }
func (p *ioPoller) interest() bool { return p.p.Registered() > 0 }
func (p *ioPoller) close() error   { return p.p.Close() }

// startIO replaces the loop's chanPoller with an I/O backend, on first need.
func (l *EventLoop) startIO() error {
	if l.io.on {
		return nil
	}
	p, err := poll.New()
	if err != nil {
		return fmt.Errorf("asyncio: cannot poll file descriptors: %w", err)
	}
	old := l.poller()
	l.pbox.Store(&pollerBox{&ioPoller{p: p, fn: l.ioReady}})
	if c, ok := old.(*chanPoller); ok {
		select {
		case <-c.wakeCh: // a wake-up the old poller would have delivered
			p.Wake()
		default:
		}
		_ = c.close()
	}
	l.io.on = true
	return nil
}

// watch registers fd with the loop's poller, for owner.
func (l *EventLoop) watch(fd int, owner string) (*fdWatch, error) {
	if fd < 0 {
		return nil, fmt.Errorf("asyncio: invalid file descriptor %d", fd)
	}
	if fd < len(l.io.watches) && l.io.watches[fd] != nil {
		return nil, errFDInUse(fd, l.io.watches[fd].owner)
	}
	if err := l.startIO(); err != nil {
		return nil, err
	}
	if err := l.poller().(*ioPoller).p.Register(fd, uint64(fd)); err != nil {
		return nil, fmt.Errorf("asyncio: cannot watch file descriptor %d: %w", fd, err)
	}
	for fd >= len(l.io.watches) {
		l.io.watches = append(l.io.watches, nil)
	}
	w := &fdWatch{l: l, fd: fd, owner: owner}
	l.io.watches[fd] = w
	l.io.n++
	return w, nil
}

func errFDInUse(fd int, owner string) error {
	return fmt.Errorf("asyncio: file descriptor %d is already used by a %s", fd, owner)
}

// unwatch unregisters w; its callbacks run no more, even if queued.
func (l *EventLoop) unwatch(w *fdWatch) {
	if w.fd < 0 || l.io.watches[w.fd] != w {
		return
	}
	_ = l.poller().(*ioPoller).p.Unregister(w.fd)
	l.io.watches[w.fd] = nil
	l.io.n--
	w.onRead, w.onWrite = nil, nil
	w.fd = -1
}

// ioReady is the poller's dispatch: it records w's readiness and queues the
// callbacks of the directions that became ready.
func (l *EventLoop) ioReady(token uint64, ev poll.Events) {
	if token >= uint64(len(l.io.watches)) {
		return
	}
	w := l.io.watches[token]
	if w == nil {
		return
	}
	if ev&poll.Hangup != 0 {
		w.hup = true
	}
	if ev&poll.Readable != 0 {
		w.readable = true
		w.queueRead()
	}
	if ev&poll.Writable != 0 {
		w.writable = true
		w.queueWrite()
	}
}

func (w *fdWatch) queueRead() {
	if w.onRead != nil && !w.readQueued {
		w.readQueued = true
		w.l.soon((*fdReadStep)(w), nil)
	}
}

func (w *fdWatch) queueWrite() {
	if w.onWrite != nil && !w.writeQueued {
		w.writeQueued = true
		w.l.soon((*fdWriteStep)(w), nil)
	}
}

// fdReadStep and fdWriteStep are w's two ready-queue entries: one object,
// two runners, no allocation per event.
type (
	fdReadStep  fdWatch
	fdWriteStep fdWatch
)

func (s *fdReadStep) run(*futureCore) {
	w := (*fdWatch)(s)
	w.readQueued = false
	if f := w.onRead; f != nil {
		f()
	}
}

func (s *fdWriteStep) run(*futureCore) {
	w := (*fdWatch)(s)
	w.writeQueued = false
	if f := w.onWrite; f != nil {
		f()
	}
}

// readBuffer returns the loop's shared read buffer.
func (l *EventLoop) readBuffer() []byte {
	if l.io.readBuf == nil {
		l.io.readBuf = make([]byte, readBufSize)
	}
	return l.io.readBuf
}

type closerSet map[closer]struct{}

func (l *EventLoop) own(c closer) {
	if l.io.closers == nil {
		l.io.closers = closerSet{}
	}
	l.io.closers[c] = struct{}{}
}

func (l *EventLoop) disown(c closer) { delete(l.io.closers, c) }

// closeIO closes what the loop still owns, as its Close does: servers and
// transports (reporting what they lose), then the fds users added.
func (l *EventLoop) closeIO() {
	for c := range l.io.closers {
		c.closeWithLoop()
	}
	l.io.closers = nil
	for _, w := range l.io.watches {
		if w != nil {
			l.unwatch(w)
		}
	}
	l.io.user = nil
}
