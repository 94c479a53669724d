//go:build !asyncio_coroswitch

package coro

import "iter"

// A Coro is a coroutine: Init gives it its body, Resume runs the body until
// it yields or returns. The zero Coro must be given a body with Init first.
type Coro struct {
	next  func() (struct{}, bool)
	stop  func()
	yield func(struct{}) bool
	body  Body
}

// Init makes c the coroutine of body, whose goroutine starts at the first
// Resume. Init must be called once, before any other method.
func (c *Coro) Init(body Body) {
	c.body = body
	c.next, c.stop = iter.Pull(c.seq)
}

func (c *Coro) seq(yield func(struct{}) bool) {
	c.yield = yield
	c.body.Run(c)
}

// Resume switches to c until its body yields, and reports true, or ends, and
// reports false; it reports false at once for a body that has ended. A panic
// of the body is raised again here, and a body's runtime.Goexit ends the
// caller's goroutine the same way.
func (c *Coro) Resume() bool {
	_, ok := c.next()
	return ok
}

// Yield, called by the body, switches back to its resumer until the next
// Resume, and reports true; once Stop has been called it reports false at
// once.
func (c *Coro) Yield() bool { return c.yield(struct{}{}) }

// Stop ends c: its pending Yield, and every later one, reports false, and
// Stop returns once the body has run to its end (at once if it never
// started or has ended). A panic or Goexit of the body passes on as in Resume.
func (c *Coro) Stop() { c.stop() }
