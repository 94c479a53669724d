// Command subproc ports asyncio.create_subprocess_exec code: run a few
// commands concurrently and collect their output.
//
// Bugs a port makes: exec's Output on the loop, a results channel sent to
// from the coroutines, a sync.WaitGroup to wait for them.
package main

import (
	"context"
	"fmt"
	"os/exec"
	"sync"

	"github.com/asyncio-go/asyncio"
)

func runAllBlocking(ctx context.Context, cmds [][]string) []string {
	results := make(chan string, len(cmds))
	var wg sync.WaitGroup
	for _, c := range cmds {
		wg.Add(1)
		asyncio.Go(ctx, func(ctx context.Context) error {
			defer wg.Done()
			out, err := exec.Command(c[0], c[1:]...).Output() // want `exec.Cmd.Output blocks the event loop; use asyncio.ToThread`
			if err != nil {
				return err
			}
			// A false positive: the buffer has a slot per command, so this
			// send never waits.
			results <- string(out) // want `channel send blocks the event loop`
			return nil
		})
	}
	wg.Wait() // want `sync.WaitGroup.Wait blocks the event loop`
	close(results)
	var outs []string
	for r := range results { // closed above: the range only drains the buffer
		outs = append(outs, r)
	}
	return outs
}

// runAll is the correct port: a TaskGroup waits, each task keeps its result.
func runAll(ctx context.Context, cmds [][]string) ([]string, error) {
	outs := make([]string, len(cmds))
	err := asyncio.WithTaskGroup(ctx, func(ctx context.Context, tg *asyncio.TaskGroup) error {
		for i, c := range cmds {
			tg.Go(func(ctx context.Context) error {
				out, err := asyncio.ToThread(ctx, func(ctx context.Context) ([]byte, error) {
					return exec.CommandContext(ctx, c[0], c[1:]...).Output()
				})
				outs[i] = string(out)
				return err
			})
		}
		return nil
	})
	return outs, err
}

func main() {
	cmds := [][]string{{"echo", "a"}, {"echo", "b"}}
	fmt.Println(asyncio.RunValue(func(ctx context.Context) ([]string, error) {
		fmt.Println(runAllBlocking(ctx, cmds))
		return runAll(ctx, cmds)
	}))
}
