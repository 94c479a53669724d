// Command subprocess runs shell commands at once on one event loop, the
// asyncio documentation's subprocess examples put together: each command's
// output is collected with Communicate and reported, with its exit status,
// as soon as it ends, so the fast ones report first.
//
//	go run ./examples/subprocess                       # ls /, ls /zzz, sleep 1; echo "hello"
//	go run ./examples/subprocess 'sleep 3' 'date'      # commands of your own
//	go run ./examples/subprocess -timeout 500ms 'sleep 10'
//
// A command still running at the -timeout is killed: the Timeout cancels
// its Communicate, which kills the child (see asyncio.WithKillOnCancel).
// Ctrl-C cancels every command the same way, and the program exits with
// status 130; a second Ctrl-C while it unwinds ends it at once.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/asyncio-go/asyncio"
)

var timeout = flag.Duration("timeout", time.Minute, "kill the commands still running after this long")

func main() {
	flag.Parse()
	cmds := flag.Args()
	if len(cmds) == 0 {
		cmds = []string{"ls /", "ls /zzz", `sleep 1; echo "hello"`}
	}
	err := asyncio.Run(func(ctx context.Context) error { return runAll(ctx, cmds, *timeout) })
	switch {
	case errors.Is(err, asyncio.ErrInterrupted):
		fmt.Fprintln(os.Stderr, "interrupted")
		os.Exit(130)
	case err != nil:
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// runAll runs every command at once and waits for them all, for at most d.
func runAll(ctx context.Context, cmds []string, d time.Duration) error {
	return asyncio.Timeout(ctx, d, func(ctx context.Context) error {
		return asyncio.WithTaskGroup(ctx, func(ctx context.Context, tg *asyncio.TaskGroup) error {
			for _, cmd := range cmds {
				tg.Go(func(ctx context.Context) error { return run(ctx, cmd) })
			}
			return nil
		})
	})
}

// run runs cmd with the shell and reports its exit status and output.
func run(ctx context.Context, cmd string) error {
	proc, err := asyncio.CreateSubprocessShell(ctx, cmd,
		asyncio.WithStdout(asyncio.Pipe), asyncio.WithStderr(asyncio.Pipe))
	if err != nil {
		return err
	}
	stdout, stderr, err := proc.Communicate(ctx, nil)
	if err != nil {
		fmt.Printf("[%q killed: %v]\n", cmd, err)
		return err
	}
	code, _ := proc.Returncode()
	fmt.Printf("[%q exited with %d]\n", cmd, code)
	if len(stdout) > 0 {
		fmt.Printf("[stdout]\n%s", stdout)
	}
	if len(stderr) > 0 {
		fmt.Printf("[stderr]\n%s", stderr)
	}
	return nil
}
