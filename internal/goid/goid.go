// Package goid identifies the running goroutine cheaply.
//
// The loop must refuse calls made from the wrong goroutine (a plain goroutine
// holding a task's ctx, another task's coroutine) without taxing the calls made
// from the right one, which sit on the hot path of every await. The runtime
// exposes no goroutine identity, so on amd64 and arm64 Get reads the address
// of the runtime's g structure in one instruction; elsewhere it parses the
// goroutine number out of runtime.Stack, which is correct but slow.
//
// An identity is only meaningful while its goroutine lives: the runtime reuses
// g structures for new goroutines once old ones exit.
package goid
