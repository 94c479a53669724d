// Command jobs ports a retrying job runner: each job runs under WaitFor with
// a timeout and is retried with a backoff; a TaskGroup runs them all.
//
// Bugs a port makes: the job keeps its ctx in a struct, the retry loop
// catches the cancellation and retries, and the backoff sleep's error is
// dropped.
package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/asyncio-go/asyncio"
)

type job struct {
	ctx  context.Context
	name string
	runs int
}

func (j *job) step(ctx context.Context) (string, error) {
	j.runs++
	if err := asyncio.Sleep(ctx, 10*time.Millisecond); err != nil {
		return "", err
	}
	if j.runs < 3 {
		return "", errors.New("flaky")
	}
	return j.name + " ok", nil
}

func retry(ctx context.Context, j *job) (string, error) {
	for attempt := 0; ; attempt++ {
		v, err := asyncio.WaitFor(ctx, asyncio.Coroutine[string](j.step), time.Second)
		if err == nil {
			return v, nil
		}
		if attempt == 5 {
			return "", err
		}
		asyncio.Sleep(ctx, time.Duration(attempt)*time.Millisecond) // want `the error of asyncio.Sleep is discarded`
	}
}

// retryDropsCancel retries whatever the failure, its own cancellation too.
func retryDropsCancel(ctx context.Context, j *job) (string, error) {
	for {
		v, err := j.step(ctx)
		if err == nil {
			return v, nil
		}
		err = asyncio.Sleep(ctx, time.Millisecond)
		if errors.Is(err, context.Canceled) { // want `cancellation matched and then dropped`
			continue
		}
	}
}

func main() {
	err := asyncio.Run(func(ctx context.Context) error {
		return asyncio.WithTaskGroup(ctx, func(ctx context.Context, tg *asyncio.TaskGroup) error {
			for _, name := range []string{"a", "b"} {
				j := &job{name: name}
				j.ctx = ctx // want `task ctx stored in a struct field`
				asyncio.CreateGroupTask(tg, func(ctx context.Context) (string, error) { return retry(ctx, j) })
				asyncio.CreateGroupTask(tg, func(ctx context.Context) (string, error) { return retryDropsCancel(ctx, j) })
			}
			return nil
		})
	})
	fmt.Println(err)
}
