// Command workers ports asyncio's Queue example: three workers take jobs from
// a queue, sleep for each, and main waits with Join then cancels them.
//
// Bugs a port makes: time.Sleep for the work, a cancellation caught and
// dropped, a counter guarded by a sync.Mutex (the loop already serialises
// the coroutines), a worker ignoring Put's error.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"sync"
	"time"

	"github.com/asyncio-go/asyncio"
)

type stats struct {
	mu   sync.Mutex
	done int
}

func (s *stats) add() {
	s.mu.Lock() // want `sync.Mutex.Lock blocks the event loop \(in stats.add, called at main.go:\d+ from worker`
	s.done++
	s.mu.Unlock()
}

func worker(ctx context.Context, name string, q *asyncio.Queue[time.Duration], s *stats) error {
	for {
		d, err := q.Get(ctx)
		if errors.Is(err, asyncio.ErrCancelled) { // want `cancellation matched and then dropped`
			log.Printf("%s: cancelled", name)
			return nil
		}
		if err != nil {
			return err
		}
		time.Sleep(d) // want `time.Sleep blocks the event loop; use asyncio.Sleep`
		s.add()
		if err := q.TaskDone(); err != nil {
			return err
		}
	}
}

// politeWorker is the correct port.
func politeWorker(ctx context.Context, q *asyncio.Queue[time.Duration], done *int) error {
	for {
		d, err := q.Get(ctx)
		if err != nil {
			return err // a cancellation ends the task cancelled
		}
		if err := asyncio.Sleep(ctx, d); err != nil {
			return err
		}
		*done++
		if err := q.TaskDone(); err != nil {
			return err
		}
	}
}

func main() {
	err := asyncio.Run(func(ctx context.Context) error {
		q := asyncio.NewQueue[time.Duration](0)
		for i := range 10 {
			q.Put(ctx, time.Duration(i)*time.Millisecond) // want `the error of asyncio.Queue.Put is discarded`
		}
		s := &stats{}
		n := 0
		var tasks []*asyncio.Task[struct{}]
		for i := range 3 {
			tasks = append(tasks, asyncio.Go(ctx, func(ctx context.Context) error { return worker(ctx, fmt.Sprint("w", i), q, s) }))
		}
		tasks = append(tasks, asyncio.Go(ctx, func(ctx context.Context) error { return politeWorker(ctx, q, &n) }))
		if err := q.Join(ctx); err != nil {
			return err
		}
		for _, t := range tasks {
			t.Cancel()
		}
		_, err := asyncio.Gather(ctx, tasksAsAwaitables(tasks)...)
		if !errors.Is(err, asyncio.ErrCancelled) {
			return err
		}
		fmt.Println(s.done+n, "jobs")
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
}

func tasksAsAwaitables(ts []*asyncio.Task[struct{}]) []asyncio.Awaitable[struct{}] {
	out := make([]asyncio.Awaitable[struct{}], len(ts))
	for i, t := range ts {
		out[i] = t
	}
	return out
}
