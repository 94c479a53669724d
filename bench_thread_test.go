package asyncio_test

import (
	"context"
	"testing"

	"github.com/asyncio-go/asyncio"
)

// The bridge between the loop and other goroutines, against Go's own
// hand-off: run them together, at -cpu 1,2, and compare within one run.

// BenchmarkChanRoundTrip is the reference: a goroutine hands a trivial job
// to another goroutine over a channel and waits for the answer on another.
func BenchmarkChanRoundTrip(b *testing.B) {
	jobs, answers := make(chan func() int), make(chan int)
	go func() {
		for job := range jobs {
			answers <- job()
		}
		close(answers)
	}()
	job := func() int { return 1 }
	for b.Loop() {
		jobs <- job
		<-answers
	}
	close(jobs)
	<-answers
}

// BenchmarkToThreadRoundTrip: a task hands a trivial job to the default
// executor with ToThread and awaits it, one round trip per op.
func BenchmarkToThreadRoundTrip(b *testing.B) {
	job := func(context.Context) (int, error) { return 1, nil }
	err := asyncio.Run(func(ctx context.Context) error {
		for b.Loop() {
			if _, err := asyncio.ToThread(ctx, job); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkRunCoroutineThreadsafe: a plain goroutine submits a trivial
// coroutine to a running loop and waits for its result, one per op.
func BenchmarkRunCoroutineThreadsafe(b *testing.B) {
	loops := make(chan *asyncio.EventLoop)
	stop := make(chan struct{})
	finished := make(chan error)
	go func() {
		finished <- asyncio.Run(func(ctx context.Context) error {
			loop, _ := asyncio.GetRunningLoop(ctx)
			if err := asyncio.Send(ctx, loops, loop); err != nil {
				return err
			}
			_, _, err := asyncio.Recv(ctx, stop)
			return err
		})
	}()
	loop := <-loops
	coro := asyncio.Coroutine[int](func(context.Context) (int, error) { return 1, nil })
	for b.Loop() {
		f, err := asyncio.RunCoroutineThreadsafe(coro, loop)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := f.Result(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	close(stop)
	if err := <-finished; err != nil {
		b.Fatal(err)
	}
}
