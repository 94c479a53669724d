package asyncio_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/asyncio-go/asyncio"
)

// This example guards a read-modify-write that spans an await with a Lock:
// without it, the three tasks would all read 0 and the counter would end at 1.
func ExampleLock() {
	asyncio.Run(func(ctx context.Context) error {
		var mu asyncio.Lock
		counter := 0
		increment := func(ctx context.Context) error {
			if err := mu.Acquire(ctx); err != nil {
				return err
			}
			defer mu.Release()
			v := counter
			if err := asyncio.Sleep(ctx, time.Millisecond); err != nil { // other tasks run here
				return err
			}
			counter = v + 1
			return nil
		}
		_, err := asyncio.Gather(ctx, asyncio.Func(increment), asyncio.Func(increment), asyncio.Func(increment))
		fmt.Println("counter:", counter, err)
		return nil
	})
	// Output: counter: 3 <nil>
}

// This example releases several waiting tasks at once with an Event.
func ExampleEvent() {
	asyncio.Run(func(ctx context.Context) error {
		var ready asyncio.Event
		worker := func(name string) asyncio.Func {
			return func(ctx context.Context) error {
				if err := ready.Wait(ctx); err != nil {
					return err
				}
				fmt.Println(name, "started")
				return nil
			}
		}
		w := []asyncio.Awaitable[struct{}]{asyncio.Go(ctx, worker("a")), asyncio.Go(ctx, worker("b"))}
		if err := asyncio.Sleep(ctx, 0); err != nil { // both are waiting now
			return err
		}
		fmt.Println("setting the event")
		ready.Set()
		_, err := asyncio.Gather(ctx, w...)
		return err
	})
	// Output:
	// setting the event
	// a started
	// b started
}

// This example has a consumer wait on a Condition until a producer has put
// something in a shared slice.
func ExampleCondition() {
	asyncio.Run(func(ctx context.Context) error {
		var c asyncio.Condition
		var items []string
		consumer := asyncio.CreateTask(ctx, func(ctx context.Context) (string, error) {
			if err := c.Acquire(ctx); err != nil {
				return "", err
			}
			defer c.Release()
			if err := c.WaitFor(ctx, func() bool { return len(items) > 0 }); err != nil {
				return "", err
			}
			item := items[0]
			items = items[1:]
			return item, nil
		})
		if err := c.Acquire(ctx); err != nil {
			return err
		}
		items = append(items, "parcel")
		c.Notify(1)
		c.Release()
		fmt.Println(consumer.Await(ctx))
		return nil
	})
	// Output: parcel <nil>
}

// This example bounds how many fetches run at once with a Semaphore: five
// fetches of 100ms each, two at a time, take 300ms.
func ExampleSemaphore() {
	asyncio.Run(func(ctx context.Context) error {
		loop, _ := asyncio.GetRunningLoop(ctx)
		sem := asyncio.NewSemaphore(2)
		running, most := 0, 0
		fetch := func(ctx context.Context) error {
			if err := sem.Acquire(ctx); err != nil {
				return err
			}
			defer sem.Release()
			running++
			most = max(most, running)
			defer func() { running-- }()
			return asyncio.Sleep(ctx, 100*time.Millisecond)
		}
		var fetches []asyncio.Awaitable[struct{}]
		for range 5 {
			fetches = append(fetches, asyncio.Func(fetch))
		}
		_, err := asyncio.Gather(ctx, fetches...)
		fmt.Printf("at most %d at once, %v in all, err %v\n", most, loop.Time().Round(100*time.Millisecond), err)
		return nil
	}, asyncio.WithVirtualClock())
	// Output: at most 2 at once, 300ms in all, err <nil>
}

// This example lines three tasks up at a Barrier: none goes on before all
// have arrived, and each learns its arrival index.
func ExampleBarrier() {
	asyncio.Run(func(ctx context.Context) error {
		b := asyncio.NewBarrier(3)
		party := func(name string, delay time.Duration) asyncio.Coroutine[string] {
			return func(ctx context.Context) (string, error) {
				if err := asyncio.Sleep(ctx, delay); err != nil {
					return "", err
				}
				i, err := b.Wait(ctx)
				return fmt.Sprintf("%s arrived %d", name, i), err
			}
		}
		got, err := asyncio.Gather(ctx, party("a", 30*time.Millisecond), party("b", 10*time.Millisecond), party("c", 20*time.Millisecond))
		fmt.Println(got, err)
		return nil
	}, asyncio.WithVirtualClock())
	// Output: [a arrived 2 b arrived 0 c arrived 1] <nil>
}

// This example moves work from a producer to two consumers over a bounded
// Queue, waits with Join until every item is processed, then shuts the queue
// down so that the consumers return.
func ExampleQueue_producerConsumer() {
	asyncio.Run(func(ctx context.Context) error {
		q := asyncio.NewQueue[int](2)
		total := 0
		consumer := func(ctx context.Context) error {
			for {
				n, err := q.Get(ctx)
				if errors.Is(err, asyncio.ErrQueueShutDown) {
					return nil
				} else if err != nil {
					return err
				}
				total += n
				q.TaskDone()
			}
		}
		consumers := []asyncio.Awaitable[struct{}]{asyncio.Go(ctx, consumer), asyncio.Go(ctx, consumer)}
		for n := 1; n <= 10; n++ {
			if err := q.Put(ctx, n); err != nil { // waits while two items are queued
				return err
			}
		}
		if err := q.Join(ctx); err != nil {
			return err
		}
		fmt.Println("total:", total)
		q.Shutdown(false)
		_, err := asyncio.Gather(ctx, consumers...)
		return err
	})
	// Output: total: 55
}

// This example serves jobs by priority; jobs of equal priority come out in
// the order they were put.
func ExamplePriorityQueue() {
	type job struct {
		priority int
		name     string
	}
	q := asyncio.NewPriorityQueue(0, func(a, b job) bool { return a.priority < b.priority })
	q.PutNowait(job{2, "write report"})
	q.PutNowait(job{1, "fix outage"})
	q.PutNowait(job{2, "review code"})
	q.PutNowait(job{3, "tidy desk"})
	for !q.Empty() {
		j, _ := q.GetNowait()
		fmt.Println(j.priority, j.name)
	}
	// Output:
	// 1 fix outage
	// 2 write report
	// 2 review code
	// 3 tidy desk
}

// This example receives from a Go channel fed by an ordinary goroutine: Recv
// suspends the coroutine, not the loop, until a value or the close arrives.
func ExampleRecv() {
	asyncio.Run(func(ctx context.Context) error {
		results := make(chan string)
		go func() { // plain Go code, outside the loop
			for _, r := range []string{"alpha", "beta"} {
				results <- r
			}
			close(results)
		}()
		for {
			r, ok, err := asyncio.Recv(ctx, results)
			if err != nil {
				return err
			}
			if !ok {
				fmt.Println("closed")
				return nil
			}
			fmt.Println("got", r)
		}
	})
	// Output:
	// got alpha
	// got beta
	// closed
}
