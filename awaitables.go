package asyncio

import "context"

// Awaitables converts a slice of one kind of awaitable, such as the
// []*Task[T] a loop of [CreateTask] calls builds, to the []Awaitable[T] that
// [Gather], [GatherReturnExceptions], [AsCompleted] and [AsCompletedTimeout]
// take: asyncio's gather(*tasks) is
//
//	results, err := asyncio.Gather(ctx, asyncio.Awaitables(tasks)...)
//
// Go has no conversion from []*Task[T] to []Awaitable[T]; Awaitables is the
// copy loop written once. Awaitables of an empty or nil slice is an empty
// slice. Nil elements are passed on, and refused by the call that takes them.
func Awaitables[T any, A Awaitable[T]](xs []A) []Awaitable[T] {
	out := make([]Awaitable[T], len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// Call binds a void coroutine that takes one argument to that argument, for a
// [Gather], [WaitFor], [Shield] or [EnsureFuture] that wants it as a value,
// the way Python passes asyncio.sleep(1) or worker(n) without awaiting it:
//
//	_, err := asyncio.Gather(ctx, asyncio.Call(asyncio.Sleep, time.Second), asyncio.Call(worker, 2))
//
// Nothing runs until the returned [Func] is awaited or started as a task.
// Call panics if f is nil. Its valued form is [CallValue].
func Call[A any](f func(ctx context.Context, arg A) error, arg A) Func {
	if f == nil {
		panic("asyncio: Call: nil coroutine")
	}
	return func(ctx context.Context) error { return f(ctx, arg) }
}

// CallValue binds a coroutine that takes one argument and returns a T to that
// argument, as [Call] does for a void one: fetch(url) not yet awaited is
// asyncio.CallValue(fetch, url). The result is a [Coroutine], so it can be
// awaited as a value ([Gather], [WaitFor]) or started ([CreateTask]). A
// generic function passes straight in, its type arguments inferred:
//
//	n, err := asyncio.WaitFor(ctx, asyncio.CallValue(fetch, url), 5*time.Second)
//
// CallValue panics if f is nil.
func CallValue[A, T any](f func(ctx context.Context, arg A) (T, error), arg A) Coroutine[T] {
	if f == nil {
		panic("asyncio: CallValue: nil coroutine")
	}
	return func(ctx context.Context) (T, error) { return f(ctx, arg) }
}
