// Package asynciotest tests asyncio-go code deterministically: on the
// virtual clock, on a virtual network, under seeds that explore the orders
// asyncio leaves open, and with exact replay of a failing seed. It is
// asyncio-go's counterpart of trio's MockClock, tokio's start_paused and Go's
// testing/synctest, with the network inside the bubble.
//
// On the virtual clock a loop that has nothing ready jumps straight to its
// next timer, so a test that sleeps an hour finishes in microseconds and
// observes exactly the deadlines it set. A [Network] keeps connections in
// memory and delivers their bytes on the loop's timers, so networked code
// keeps that property. [Run] is the entry point of one test; [Explore] runs
// one under many seeds, and prints the command that replays a failing one.
package asynciotest

import "github.com/asyncio-go/asyncio"

// Exceptions replaces l's exception handler with one that records what it is
// given, and returns a function that reports the records so far.
func Exceptions(l *asyncio.EventLoop) func() []asyncio.ExceptionContext {
	var got []asyncio.ExceptionContext
	l.SetExceptionHandler(func(_ *asyncio.EventLoop, c asyncio.ExceptionContext) { got = append(got, c) })
	return func() []asyncio.ExceptionContext { return got }
}
