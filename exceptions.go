package asyncio

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"slices"
	"strings"
	"unsafe"
	"weak"
)

// loop hands it to its exception handler: a panicking callback, a task error
// that no one retrieved, a task destroyed while pending.
//
// The zero ExceptionContext reports nothing: the default handler logs it as
// an error with an empty message.
type ExceptionContext struct {
	Message string    // what happened, in asyncio's words
	Err     error     // the error, if any
	Future  AnyFuture // the future or task concerned, if still reachable
	Task    AnyTask   // the task concerned, if any
	Handle  *Handle   // the callback concerned, if any
	Source  string    // where the task was created (debug mode only)
}

// SetExceptionHandler makes h the loop's exception handler; nil restores the
// default, [DefaultExceptionHandler]. A panic in h is recovered and logged with
// the default handler. It may be called from any goroutine; h runs on the
// loop's goroutine.
func (l *EventLoop) SetExceptionHandler(h func(*EventLoop, ExceptionContext)) {
	if h == nil {
		l.handler.Store(nil)
		return
	}
	l.handler.Store(&h)
}

// CallExceptionHandler passes c to the loop's exception handler, which runs
// on the loop's goroutine: called from another goroutine, it hands c to the
// loop with CallSoonThreadsafe (on a closed loop, the handler runs at once).
func (l *EventLoop) CallExceptionHandler(c ExceptionContext) {
	if err := l.threadsafe(func() { l.handle(c) }); err != nil {
		l.handle(c)
	}
}

// handle runs the exception handler on c, on the loop's goroutine.
func (l *EventLoop) handle(c ExceptionContext) {
	h := l.handler.Load()
	if h == nil {
		DefaultExceptionHandler(l, c)
		return
	}
	defer func() {
		if r := recover(); r != nil {
			DefaultExceptionHandler(l, ExceptionContext{
				Message: "Unhandled error in exception handler",
				Err:     newPanicError(r),
			})
			DefaultExceptionHandler(l, c)
		}
	}()
	(*h)(l, c)
}

// DefaultExceptionHandler logs c at error level with log/slog's default
// logger, including a panic's stack.
func DefaultExceptionHandler(l *EventLoop, c ExceptionContext) {
	attrs := []any{}
	if c.Err != nil {
		attrs = append(attrs, "error", c.Err)
		var pe *PanicError
		if errors.As(c.Err, &pe) {
			attrs = append(attrs, "stack", string(pe.Stack))
		}
	}
	if c.Future != nil {
		attrs = append(attrs, "future", c.Future.String())
	}
	if c.Handle != nil {
		attrs = append(attrs, "handle", c.Handle.String())
	}
	if c.Source != "" {
		attrs = append(attrs, "source", c.Source)
	}
	slog.Error(c.Message, attrs...)
}

// runCallback runs a Handle's function, reporting a panic instead of dying.
func (l *EventLoop) runCallback(h *Handle, fn func()) {
	defer func() {
		if r := recover(); r != nil {
			l.handle(ExceptionContext{
				Message: "Exception in callback " + h.String(),
				Err:     newPanicError(r),
				Handle:  h,
			})
		}
	}()
	fn()
}

func (l *EventLoop) reportDestroyedPending(t *taskCore) {
	l.handle(ExceptionContext{
		Message: "Task was destroyed but it is pending!",
		Future:  t.body,
		Task:    t.body,
		Source:  formatStack(t.source()),
	})
}

// unretrieved records a failed future until someone looks at its error. It
// does not keep the future alive: if the future is garbage collected first,
// the error is reported then; whatever is left is reported when the loop
// closes.
type unretrieved struct {
	loop    *EventLoop
	key     uintptr // the future's address: the record must not keep it alive
	seq     uint64
	err     error
	message string
	owner   func() AnyFuture // weak: nil once the future is collected
	source  []uintptr
	cleanup runtime.Cleanup
}

// trackFailure starts watching for nobody retrieving f's error.
func trackFailure[P interface {
	*E
	AnyFuture
}, E any](c *futureCore, owner P, message string, source []uintptr) {
	l := c.loop
	if c.retrieved || c.tracked || l.closed.Load() {
		return
	}
	wp := weak.Make((*E)(owner))
	l.cbSeq++
	u := &unretrieved{
		loop: l, key: uintptr(unsafe.Pointer(c)), seq: l.cbSeq, err: c.err(), message: message, source: source,
		owner: func() AnyFuture {
			if p := wp.Value(); p != nil {
				return P(p)
			}
			return nil
		},
	}
	u.cleanup = runtime.AddCleanup((*E)(owner), (*unretrieved).collected, u)
	if old := l.unretrieved[u.key]; old != nil {
		l.reportOne(old) // a collected future whose report is still on its way
	}
	c.tracked = true
	l.unretrieved[u.key] = u
}

// collected runs on the runtime's cleanup goroutine once the future is gone.
func (u *unretrieved) collected() {
	u.loop.CallSoonThreadsafe(func() { u.loop.reportOne(u) })
}

func (l *EventLoop) untrackUnretrieved(c *futureCore) {
	c.tracked = false
	key := uintptr(unsafe.Pointer(c))
	if u := l.unretrieved[key]; u != nil {
		u.cleanup.Stop()
		delete(l.unretrieved, key)
	}
}

func (l *EventLoop) reportOne(u *unretrieved) {
	if l.unretrieved[u.key] != u {
		return
	}
	delete(l.unretrieved, u.key)
	u.cleanup.Stop()
	c := ExceptionContext{Message: u.message, Err: u.err, Future: u.owner(), Source: formatStack(u.source)}
	if t, ok := c.Future.(AnyTask); ok {
		c.Task = t
	}
	l.handle(c)
}

// reportUnretrieved reports, oldest first, every error still unretrieved.
func (l *EventLoop) reportUnretrieved() {
	left := make([]*unretrieved, 0, len(l.unretrieved))
	for _, u := range l.unretrieved {
		left = append(left, u)
	}
	slices.SortFunc(left, func(a, b *unretrieved) int { return cmp.Compare(a.seq, b.seq) })
	for _, u := range left {
		l.reportOne(u)
	}
}

func formatStack(pcs []uintptr) string {
	if len(pcs) == 0 {
		return ""
	}
	var b strings.Builder
	frames := runtime.CallersFrames(pcs)
	for {
		f, more := frames.Next()
		fmt.Fprintf(&b, "%s\n\t%s:%d\n", f.Function, f.File, f.Line)
		if !more {
			return b.String()
		}
	}
}
