package asyncio_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/asyncio-go/asyncio"
)

// This example runs a coroutine to completion on a new loop, as asyncio.run
// does.
func ExampleRun() {
	err := asyncio.Run(func(ctx context.Context) error {
		fmt.Println("hello")
		if err := asyncio.Sleep(ctx, 10*time.Millisecond); err != nil {
			return err
		}
		fmt.Println("world")
		return nil
	})
	fmt.Println("err:", err)
	// Output:
	// hello
	// world
	// err: <nil>
}

// This example returns a value from the top-level coroutine.
func ExampleRunValue() {
	answer, err := asyncio.RunValue(func(ctx context.Context) (int, error) {
		return 42, nil
	})
	fmt.Println(answer, err)
	// Output: 42 <nil>
}

// This example shows that a task starts in a later loop iteration, not inside
// CreateTask, and that awaiting it returns its result.
func ExampleCreateTask() {
	asyncio.Run(func(ctx context.Context) error {
		task := asyncio.CreateTask(ctx, func(ctx context.Context) (string, error) {
			fmt.Println("task running")
			return "done", nil
		})
		fmt.Println("task created")
		v, err := task.Await(ctx)
		fmt.Println(v, err)
		return nil
	})
	// Output:
	// task created
	// task running
	// done <nil>
}

// This example starts two tasks with no result that take turns at each
// Sleep(ctx, 0).
func ExampleGo() {
	asyncio.Run(func(ctx context.Context) error {
		worker := func(name string) func(context.Context) error {
			return func(ctx context.Context) error {
				for i := range 3 {
					fmt.Println(name, i)
					if err := asyncio.Sleep(ctx, 0); err != nil {
						return err
					}
				}
				return nil
			}
		}
		a, b := asyncio.Go(ctx, worker("a")), asyncio.Go(ctx, worker("b"))
		_, err := asyncio.Gather(ctx, a, b)
		return err
	})
	// Output:
	// a 0
	// b 0
	// a 1
	// b 1
	// a 2
	// b 2
}

// This example gathers coroutines that finish in a different order from the
// one they were given in; the results keep the argument order.
func ExampleGather() {
	asyncio.Run(func(ctx context.Context) error {
		after := func(d time.Duration, v string) asyncio.Coroutine[string] {
			return func(ctx context.Context) (string, error) {
				err := asyncio.Sleep(ctx, d)
				fmt.Println("finished", v)
				return v, err
			}
		}
		vals, err := asyncio.Gather(ctx, after(30*time.Millisecond, "a"), after(10*time.Millisecond, "b"), after(20*time.Millisecond, "c"))
		fmt.Println(vals, err)
		return nil
	}, asyncio.WithVirtualClock())
	// Output:
	// finished b
	// finished c
	// finished a
	// [a b c] <nil>
}

// This example collects every outcome, errors included, as asyncio's
// gather(..., return_exceptions=True) does.
func ExampleGatherReturnExceptions() {
	asyncio.Run(func(ctx context.Context) error {
		ok := asyncio.Coroutine[int](func(ctx context.Context) (int, error) { return 1, nil })
		bad := asyncio.Coroutine[int](func(ctx context.Context) (int, error) { return 0, errors.New("bad input") })
		vals, errs, err := asyncio.GatherReturnExceptions(ctx, ok, bad, ok)
		fmt.Println(vals, errs, err)
		return nil
	})
	// Output: [1 0 1] [<nil> bad input <nil>] <nil>
}

// This example cancels a sleeping task with a message; the task's await
// returns the CancelledError, and the task ends cancelled.
func ExampleTask_Cancel() {
	asyncio.Run(func(ctx context.Context) error {
		task := asyncio.Go(ctx, func(ctx context.Context) error {
			err := asyncio.Sleep(ctx, time.Hour)
			fmt.Println("sleep returned:", err)
			return err
		})
		//asynciovet:ignore nothing cancels the example's main task, and the example keeps to its point
		asyncio.Sleep(ctx, 0) // let it start
		task.CancelWithMessage("shutting down")
		_, err := task.Await(ctx)
		fmt.Println(task.Cancelled(), errors.Is(err, context.Canceled))
		return nil
	}, asyncio.WithVirtualClock())
	// Output:
	// sleep returned: asyncio: cancelled: shutting down
	// true true
}

// This example completes a Future from a callback while a coroutine awaits it.
func ExampleFuture() {
	asyncio.Run(func(ctx context.Context) error {
		loop, _ := asyncio.GetRunningLoop(ctx)
		fut := asyncio.NewFuture[string](loop)
		loop.CallLater(time.Second, func() { fut.SetResult("ready") })
		v, err := fut.Await(ctx)
		fmt.Println(v, err, loop.Time())
		return nil
	}, asyncio.WithVirtualClock())
	// Output: ready <nil> 1s
}

// This example drives a loop by hand, the pre-asyncio.run way.
func ExampleEventLoop_RunUntilComplete() {
	loop := asyncio.NewEventLoop()
	defer loop.Close()
	task := loop.Go(func(ctx context.Context) error {
		fmt.Println("running in", loop)
		return nil
	})
	fmt.Println(loop.RunUntilComplete(task))
	// Output:
	// running in <EventLoop running=true closed=false debug=false>
	// <nil>
}

// This example schedules plain callbacks: CallSoon ones run first-in
// first-out, CallLater ones when their time comes.
func ExampleEventLoop_CallLater() {
	loop := asyncio.NewEventLoop(asyncio.WithVirtualClock())
	defer loop.Close()
	loop.CallLater(2*time.Second, func() { fmt.Println("later", loop.Time()); loop.Stop() })
	loop.CallSoon(func() { fmt.Println("soon 1") })
	loop.CallSoon(func() { fmt.Println("soon 2") })
	loop.RunForever()
	// Output:
	// soon 1
	// soon 2
	// later 2s
}

// This example posts work to a running loop from another goroutine.
func ExampleEventLoop_CallSoonThreadsafe() {
	asyncio.Run(func(ctx context.Context) error {
		loop, _ := asyncio.GetRunningLoop(ctx)
		fut := asyncio.NewFuture[int](loop)
		go func() {
			result := 6 * 7 // work done off the loop
			loop.CallSoonThreadsafe(func() { fut.SetResult(result) })
		}()
		v, err := fut.Await(ctx)
		fmt.Println(v, err)
		return nil
	})
	// Output: 42 <nil>
}

// This example runs two top-level coroutines on one loop.
func ExampleRunner() {
	r := asyncio.NewRunner()
	defer r.Close()
	for i := range 2 {
		r.Run(func(ctx context.Context) error {
			fmt.Println("run", i, asyncio.CurrentTask(ctx).Name())
			return nil
		})
	}
	// Output:
	// run 0 Task-1
	// run 1 Task-2
}

// This example shows the error an await returns outside a coroutine.
func ExampleSleep_outsideCoroutine() {
	err := asyncio.Sleep(context.Background(), time.Second)
	fmt.Println(errors.Is(err, asyncio.ErrNotInCoroutine))
	// Output: true
}

// This example shows a panicking task: the panic becomes the task's error and
// the loop carries on.
func ExamplePanicError() {
	asyncio.Run(func(ctx context.Context) error {
		task := asyncio.Go(ctx, func(ctx context.Context) error { panic("oops") })
		_, err := task.Await(ctx)
		var pe *asyncio.PanicError
		fmt.Println(errors.As(err, &pe), pe.Value)
		return nil
	})
	// Output: true oops
}
