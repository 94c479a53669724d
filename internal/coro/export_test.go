package coro

import "runtime"

func runtimeGoexit() { runtime.Goexit() }

// bodyFunc makes a func a Body, for the tests.
type bodyFunc func(*Coro)

func (f bodyFunc) Run(c *Coro) { f(c) }
