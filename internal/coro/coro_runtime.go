//go:build asyncio_coroswitch

package coro

import (
	"runtime"
	"unsafe"
)

// rcoro is the runtime's coroutine record, seen through the linknames only.
type rcoro struct{}

//go:linkname newcoro runtime.newcoro
func newcoro(func(*rcoro)) *rcoro

//go:linkname coroswitch runtime.coroswitch
func coroswitch(*rcoro)

// A Coro is a coroutine: Init gives it its body, Resume runs the body until
// it yields or returns. The zero Coro must be given a body with Init first.
type Coro struct {
	rc       *rcoro
	body     Body
	stopped  bool // Stop was called: Yield returns false without switching
	ended    bool // the body returned, panicked or exited its goroutine
	returned bool // the body returned normally
	panicked any  // the body's panic, to pass on once to the resumer
	racer    int  // what the race detector synchronises the two sides on
}

// Init makes c the coroutine of body, whose goroutine starts at the first
// Resume. Init must be called once, before any other method.
func (c *Coro) Init(body Body) {
	c.body = body
	c.rc = newcoro(c.start)
}

// start is the body of the coroutine's goroutine.
func (c *Coro) start(*rcoro) {
	raceAcquire(unsafe.Pointer(&c.racer))
	defer c.end()
	if !c.stopped {
		c.body.Run(c)
	}
	c.returned = true
}

// end records how the body ended, on its way out of the goroutine.
func (c *Coro) end() {
	if p := recover(); p != nil {
		c.panicked = p
	}
	c.ended = true
	raceRelease(unsafe.Pointer(&c.racer))
}

// Resume switches to c until its body yields, and reports true, or ends, and
// reports false; it reports false at once for a body that has ended. A panic
// of the body is raised again here, and a body's runtime.Goexit ends the
// caller's goroutine the same way.
func (c *Coro) Resume() bool {
	if c.ended {
		return false
	}
	raceRelease(unsafe.Pointer(&c.racer))
	coroswitch(c.rc)
	raceAcquire(unsafe.Pointer(&c.racer))
	if c.ended {
		c.passOn()
		return false
	}
	return true
}

// Yield, called by the body, switches back to its resumer until the next
// Resume, and reports true; once Stop has been called it reports false at
// once.
func (c *Coro) Yield() bool {
	if c.stopped {
		return false
	}
	raceRelease(unsafe.Pointer(&c.racer))
	coroswitch(c.rc)
	raceAcquire(unsafe.Pointer(&c.racer))
	return !c.stopped
}

// Stop ends c: its pending Yield, and every later one, reports false, and
// Stop returns once the body has run to its end (at once if it never
// started or has ended). A panic or Goexit of the body passes on as in Resume.
func (c *Coro) Stop() {
	if c.ended || c.stopped {
		return
	}
	c.stopped = true
	raceRelease(unsafe.Pointer(&c.racer))
	coroswitch(c.rc)
	raceAcquire(unsafe.Pointer(&c.racer))
	c.passOn()
}

// passOn raises in the resumer what ended the body, if not a return.
func (c *Coro) passOn() {
	switch {
	case c.panicked != nil:
		p := c.panicked
		c.panicked = nil
		panic(p)
	case !c.returned && c.ended:
		c.returned = true // pass a Goexit on once
		runtime.Goexit()
	}
}
