// Package asynciotest runs coroutines on asyncio's virtual clock, for tests
// that are exact about time and take none: asyncio-go's counterpart of trio's
// MockClock, tokio's start_paused and Go's testing/synctest.
//
// On the virtual clock a loop that has nothing ready jumps straight to its
// next timer, so a test that sleeps an hour finishes in microseconds and
// observes exactly the deadlines it set.
package asynciotest

import (
	"context"
	"testing"

	"github.com/asyncio-go/asyncio"
)

// Run runs main with asyncio.Run on the virtual clock, with opts after it, and
// fails t with main's error, if any.
func Run(t testing.TB, main func(ctx context.Context) error, opts ...asyncio.Option) {
	t.Helper()
	if err := asyncio.Run(main, append([]asyncio.Option{asyncio.WithVirtualClock()}, opts...)...); err != nil {
		t.Fatalf("asynciotest.Run: %v", err)
	}
}

// NewLoop returns a new event loop on the virtual clock, closed when the test
// ends.
func NewLoop(t testing.TB, opts ...asyncio.Option) *asyncio.EventLoop {
	t.Helper()
	l := asyncio.NewEventLoop(append([]asyncio.Option{asyncio.WithVirtualClock()}, opts...)...)
	t.Cleanup(func() {
		if err := l.Close(); err != nil {
			t.Errorf("asynciotest: closing the loop: %v", err)
		}
	})
	return l
}

// Exceptions replaces l's exception handler with one that records what it is
// given, and returns a function that reports the records so far.
func Exceptions(l *asyncio.EventLoop) func() []asyncio.ExceptionContext {
	var got []asyncio.ExceptionContext
	l.SetExceptionHandler(func(_ *asyncio.EventLoop, c asyncio.ExceptionContext) { got = append(got, c) })
	return func() []asyncio.ExceptionContext { return got }
}
