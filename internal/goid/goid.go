// Package goid identifies the running goroutine cheaply.
//
// The loop must refuse calls made from the wrong goroutine (a plain goroutine
// holding a task's ctx, another task's coroutine) without taxing the calls made
// from the right one, which sit on the hot path of every await. The runtime
// exposes no goroutine identity, so on amd64 and arm64 Get reads the address
// of the runtime's g structure in one instruction; elsewhere it parses the
// goroutine number out of runtime.Stack, which is correct but slow.
//
// # The cost of the fallback
//
// runtime.Stack formats a traceback of the calling goroutine, and Get is
// called at least once per await. Measured on one amd64 machine (AMD EPYC,
// Go 1.26) with the fallback forced by the build tag asyncio_goidfallback:
// Get takes about 10 µs instead of 4 ns, and the package's
// BenchmarkSleep0 (one Sleep(ctx, 0) round trip) about 10.4 µs instead of
// 130 ns, some 80 times slower. A whole test run on GOARCH=386 takes minutes
// for that reason. Programs that await a lot should run on amd64 or arm64.
//
// Build with -tags asyncio_goidfallback to use the fallback on amd64 and
// arm64 too; test.sh does so to keep it tested.
//
// An identity is only meaningful while its goroutine lives: the runtime reuses
// g structures for new goroutines once old ones exit.
package goid
