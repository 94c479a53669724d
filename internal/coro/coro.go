// Package coro runs a function as a coroutine: on a goroutine of its own that
// executes only while its resumer waits, switched to and from with the
// runtime's coroutine switch, the mechanism behind iter.Pull.
//
// iter.Pull wraps that switch for iterators: each Pull allocates its state,
// three closures and the runtime's record, and each switch goes through a
// closure and checks meant for values passed back and forth. An event loop
// passes no values and makes its own checks, so building with
// -tags asyncio_coroswitch (and -ldflags=-checklinkname=0, since the linker
// admits the runtime's newcoro and coroswitch for package iter only)
// switches with those two directly. The default build runs the same API
// over iter.Pull; test.sh tests both.
//
// The contract is iter.Pull's: a Coro is driven by one goroutine at a time,
// the body's panic or runtime.Goexit passes on to the goroutine that resumed
// it, and a stopped body sees every Yield return false.
package coro

// A Body is what a Coro runs: Run is called on the coroutine's goroutine at
// its first Resume, and the coroutine ends when Run returns. (An interface
// rather than a func, so that a caller's own record can be the body without
// a closure allocated for it.)
type Body interface {
	Run(c *Coro)
}
