package asyncio

import (
	"errors"
	"os"
	"os/signal"
	"sync/atomic"
)

// ErrInterrupted matches the error Run and [Runner.Run] return when SIGINT
// (Ctrl-C) cancelled their main task: asyncio.run's KeyboardInterrupt. The
// error also matches ErrCancelled and context.Canceled, and unwraps to the
// main task's cancellation. A program that wants the conventional exit
// status of an interrupted command exits with 130 on it.
var ErrInterrupted = errors.New("asyncio: interrupted")

// interruptedError is a main task's cancellation caused by SIGINT.
type interruptedError struct{ cancel error }

func (e *interruptedError) Error() string {
	return "asyncio: interrupted by SIGINT: " + e.cancel.Error()
}
func (e *interruptedError) Is(target error) bool { return target == ErrInterrupted }
func (e *interruptedError) Unwrap() error        { return e.cancel }

// WithSignalHandling(false) stops Run and [Runner] from handling SIGINT
// themselves; the process then reacts to it as it would without them (by
// exiting, unless other code asked package os/signal for it).
//
// By default Run and [Runner.Run] do what asyncio 3.11's Runner does: while
// the main task runs, the first SIGINT cancels it, so that the program
// unwinds through its cancellation paths (deferred calls, TaskGroups,
// Timeouts), and Run returns an error matching [ErrInterrupted]; a second
// SIGINT, while it unwinds, ends the process at once, as an unhandled
// SIGINT does. They leave SIGINT alone when the process started with SIGINT
// ignored (nohup, a background job), and while a handler for it is
// installed with [EventLoop.AddSignalHandler]. Go has no main thread, so
// each Run handles SIGINT, wherever it runs: a program running one loop per
// core sees every main task cancelled by one Ctrl-C.
func WithSignalHandling(on bool) Option { return func(l *EventLoop) { l.sig.noInterrupt = !on } }

// An interruptWatch is Run's SIGINT handling for one main task.
type interruptWatch struct {
	ch          chan os.Signal
	stop        chan struct{}
	done        chan struct{}
	interrupted atomic.Bool
}

// catchInterrupt starts Run's SIGINT handling for main, or returns nil
// where it does not apply. The goroutine decides about the second SIGINT
// itself, not through the loop, so that Ctrl-C ends even a program whose
// loop is stuck in a callback that never returns.
func (l *EventLoop) catchInterrupt(main *Task[struct{}]) *interruptWatch {
	if l.sig.noInterrupt || signal.Ignored(os.Interrupt) {
		return nil
	}
	w := &interruptWatch{ch: make(chan os.Signal, 1), stop: make(chan struct{}), done: make(chan struct{})}
	signal.Notify(w.ch, os.Interrupt)
	go func() {
		defer close(w.done)
		for {
			select {
			case <-w.ch:
				switch {
				case l.sig.handlesInterrupt.Load():
					// The program handles SIGINT itself.
				case w.interrupted.Swap(true):
					raiseInterrupt()
				default:
					main.Cancel()
				}
			case <-w.stop:
				return
			}
		}
	}()
	return w
}

// end stops w, once; it may be called on a nil w.
func (w *interruptWatch) end() {
	if w == nil || w.ch == nil {
		return
	}
	signal.Stop(w.ch)
	close(w.stop)
	<-w.done
	w.ch = nil
}

// result stops w and returns main's error, as an interruption if SIGINT
// cancelled main and main ended cancelled.
func (w *interruptWatch) result(err error) error {
	w.end()
	if w != nil && w.interrupted.Load() && errors.Is(err, ErrCancelled) {
		return &interruptedError{cancel: err}
	}
	return err
}
