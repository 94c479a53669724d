//go:build unix

package asyncio

import (
	"golang.org/x/sys/unix"
)

// AddReader starts watching fd, a non-blocking file descriptor, and calls fn
// in a loop iteration whenever fd is readable, as long as it stays readable:
// asyncio's loop.add_reader. Adding a reader for an fd that has one replaces
// it. fn runs on the loop's goroutine; a panic in it is reported to the
// exception handler. The loop does not own fd: RemoveReader before closing
// it.
//
// AddReader returns ErrWrongGoroutine off the loop's goroutine, ErrLoopClosed
// on a closed loop, an error for an fd in blocking mode or already used by a
// transport or server, and errors.ErrUnsupported where the platform cannot
// poll. It panics if fn is nil.
func (l *EventLoop) AddReader(fd int, fn func()) error { return l.addFDCallback(fd, fn, false) }

// AddWriter is AddReader for writability: asyncio's loop.add_writer.
func (l *EventLoop) AddWriter(fd int, fn func()) error { return l.addFDCallback(fd, fn, true) }

// RemoveReader stops calling fd's reader and reports whether there was one:
// asyncio's loop.remove_reader. It returns false off the loop's goroutine.
func (l *EventLoop) RemoveReader(fd int) bool { return l.removeFDCallback(fd, false) }

// RemoveWriter is RemoveReader for the writer.
func (l *EventLoop) RemoveWriter(fd int) bool { return l.removeFDCallback(fd, true) }

// fdCallbacks is the state of an fd watched by AddReader and AddWriter.
type fdCallbacks struct {
	reader, writer *Handle
}

func (l *EventLoop) addFDCallback(fd int, fn func(), write bool) error {
	if fn == nil {
		panic("asyncio: AddReader/AddWriter: nil callback")
	}
	if err := l.check(); err != nil {
		return err
	}
	w, cbs, err := l.userWatch(fd)
	if err != nil {
		return err
	}
	h := &Handle{fn: fn, loop: l}
	if write {
		cbs.writer = h
		w.onWrite = func() { l.runLevel(w, h, unix.POLLOUT, true) }
		if w.writable {
			w.queueWrite()
		}
	} else {
		cbs.reader = h
		w.onRead = func() { l.runLevel(w, h, unix.POLLIN, false) }
		if w.readable {
			w.queueRead()
		}
	}
	return nil
}

// userWatch returns the watch of an fd for AddReader and AddWriter,
// registering it on first use.
func (l *EventLoop) userWatch(fd int) (*fdWatch, *fdCallbacks, error) {
	if fd >= 0 && fd < len(l.io.watches) && l.io.watches[fd] != nil {
		w := l.io.watches[fd]
		cbs, ok := l.io.user[fd]
		if !ok {
			return nil, nil, errFDInUse(fd, w.owner)
		}
		return w, cbs, nil
	}
	w, err := l.watch(fd, "reader or writer")
	if err != nil {
		return nil, nil, err
	}
	if l.io.user == nil {
		l.io.user = map[int]*fdCallbacks{}
	}
	cbs := &fdCallbacks{}
	l.io.user[fd] = cbs
	return w, cbs, nil
}

func (l *EventLoop) removeFDCallback(fd int, write bool) bool {
	if l.check() != nil {
		return false
	}
	cbs, ok := l.io.user[fd]
	if !ok {
		return false
	}
	w := l.io.watches[fd]
	var had bool
	if write {
		had, cbs.writer, w.onWrite = cbs.writer != nil, nil, nil
	} else {
		had, cbs.reader, w.onRead = cbs.reader != nil, nil, nil
	}
	if cbs.reader == nil && cbs.writer == nil {
		delete(l.io.user, fd)
		l.unwatch(w)
	}
	return had
}

// runLevel runs a reader's or writer's callback and, since asyncio's
// callbacks are level-triggered while the registration is edge-triggered,
// asks the kernel whether fd is still ready: if so the callback runs again
// in the next iteration, and if not the next edge will queue it.
func (l *EventLoop) runLevel(w *fdWatch, h *Handle, event int16, write bool) {
	if h.cancelled.Load() {
		return
	}
	l.runCallback(h, h.fn)
	fd := w.fd
	if fd < 0 {
		return // removed by the callback
	}
	fds := []unix.PollFd{{Fd: int32(fd), Events: event}}
	n, err := unix.Poll(fds, 0)
	still := err == nil && n > 0 && fds[0].Revents != 0
	switch {
	case write && w.onWrite != nil:
		w.writable = still
		if still {
			w.queueWrite()
		}
	case !write && w.onRead != nil:
		w.readable = still
		if still {
			w.queueRead()
		}
	}
}
