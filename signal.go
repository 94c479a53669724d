package asyncio

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"sync/atomic"
)

// ErrUncatchableSignal reports a signal that AddSignalHandler cannot
// handle: SIGKILL and SIGSTOP, which no process can catch, or a signal the
// system does not support.
var ErrUncatchableSignal = errors.New("asyncio: signal cannot be caught")

// signalState is a loop's signal handlers (AddSignalHandler) and its part
// in Run's SIGINT policy.
type signalState struct {
	watches map[os.Signal]*signalWatch // loop goroutine only
	// handlesInterrupt is set while a handler for SIGINT is installed:
	// Run's own SIGINT handling then stands aside. Read by Run's signal
	// goroutine.
	handlesInterrupt atomic.Bool
	noInterrupt      bool // WithSignalHandling(false)
}

// A signalWatch is one signal a loop handles: os/signal delivers it to ch,
// and a goroutine of its own posts it to the loop through
// CallSoonThreadsafe. Go has no clean way to turn a signal into an fd
// readiness (signalfd would fight the runtime for it), and a goroutine
// parked on a channel costs nothing while no signal comes.
type signalWatch struct {
	h    *Handle // the handler; replaced by a later AddSignalHandler
	ch   chan os.Signal
	stop chan struct{}
	done chan struct{} // closed when the goroutine has returned
}

// AddSignalHandler makes fn run on the loop, as a callback in a later
// iteration, each time the process receives sig: asyncio's
// loop.add_signal_handler. A handler for a signal that has one replaces it.
// Signals that arrive together may be coalesced into one call, as the
// system coalesces them. A panic in fn is reported to the exception
// handler.
//
// While a handler for SIGINT (os.Interrupt) is installed, Run and [Runner]
// leave SIGINT to it and do not cancel their main task.
//
// AddSignalHandler returns an error matching [ErrUncatchableSignal] for
// SIGKILL, SIGSTOP or a signal the system does not support, an error for a
// nil fn, [ErrWrongGoroutine] off the loop's goroutine, and [ErrLoopClosed]
// on a closed loop. Where the system has no signals (not unix) it returns an
// error matching errors.ErrUnsupported.
func (l *EventLoop) AddSignalHandler(sig os.Signal, fn func()) error {
	if fn == nil {
		return fmt.Errorf("asyncio: AddSignalHandler(%v): nil handler", sig)
	}
	if err := l.check(); err != nil {
		return err
	}
	if err := checkSignal(sig); err != nil {
		return err
	}
	h := &Handle{fn: fn, loop: l}
	if w := l.sig.watches[sig]; w != nil {
		w.h = h
		return nil
	}
	w := &signalWatch{h: h, ch: make(chan os.Signal, 1), stop: make(chan struct{}), done: make(chan struct{})}
	if l.sig.watches == nil {
		l.sig.watches = map[os.Signal]*signalWatch{}
	}
	l.sig.watches[sig] = w
	if sig == os.Interrupt {
		l.sig.handlesInterrupt.Store(true)
	}
	signal.Notify(w.ch, sig)
	go func() {
		defer close(w.done)
		for {
			select {
			case <-w.ch:
				_, _ = l.CallSoonThreadsafe(func() { l.deliverSignal(sig, w) })
			case <-w.stop:
				return
			}
		}
	}()
	return nil
}

// deliverSignal runs w's handler for sig, unless it was removed meanwhile.
func (l *EventLoop) deliverSignal(sig os.Signal, w *signalWatch) {
	if l.sig.watches[sig] != w {
		return
	}
	l.runCallback(w.h, w.h.fn)
}

// RemoveSignalHandler removes the handler for sig and reports whether there
// was one: asyncio's loop.remove_signal_handler. Once no handler is left for
// sig, the process reacts to it as it did before AddSignalHandler (for
// SIGINT and SIGTERM, by exiting), unless other code of the program asked
// package os/signal for it. It returns the misuse errors of
// AddSignalHandler, except the nil-handler one.
func (l *EventLoop) RemoveSignalHandler(sig os.Signal) (bool, error) {
	if err := l.check(); err != nil {
		return false, err
	}
	if err := checkSignal(sig); err != nil {
		return false, err
	}
	w := l.sig.watches[sig]
	if w == nil {
		return false, nil
	}
	delete(l.sig.watches, sig)
	if sig == os.Interrupt {
		l.sig.handlesInterrupt.Store(false)
	}
	w.close()
	return true, nil
}

// close stops w's delivery and waits for its goroutine to return.
func (w *signalWatch) close() {
	signal.Stop(w.ch)
	close(w.stop)
	<-w.done
}

// closeSignals removes every signal handler, as the loop closes.
func (l *EventLoop) closeSignals() {
	for sig, w := range l.sig.watches {
		delete(l.sig.watches, sig)
		w.close()
	}
	l.sig.handlesInterrupt.Store(false)
}
