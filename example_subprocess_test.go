//go:build unix

package asyncio_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/asyncio-go/asyncio"
)

// These examples are the subprocess and signal examples of asyncio's
// documentation ("Subprocesses", "Event Loop"), written with asyncio-go.
// The documentation's `ls /zzz` and the current date become shell commands
// whose output is known, so that the output below is exact.

// run is the documentation's run(cmd): it runs cmd with the shell, collects
// its output with Communicate and reports its exit status.
func run(ctx context.Context, cmd string) error {
	proc, err := asyncio.CreateSubprocessShell(ctx, cmd,
		asyncio.WithStdout(asyncio.Pipe), asyncio.WithStderr(asyncio.Pipe))
	if err != nil {
		return err
	}
	stdout, stderr, err := proc.Communicate(ctx, nil)
	if err != nil {
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

// This example is asyncio's first subprocess example: a shell command run
// with CreateSubprocessShell, its output read with Communicate, and its exit
// status from Returncode.
func ExampleCreateSubprocessShell() {
	err := asyncio.Run(func(ctx context.Context) error {
		return run(ctx, "echo hello; echo 'no such file' >&2; exit 2")
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// ["echo hello; echo 'no such file' >&2; exit 2" exited with 2]
	// [stdout]
	// hello
	// [stderr]
	// no such file
}

// This example runs two commands at once with Gather, as the documentation
// does: the one that finishes first reports first, whatever the order they
// were started in.
func ExampleCreateSubprocessShell_gather() {
	err := asyncio.Run(func(ctx context.Context) error {
		_, err := asyncio.Gather(ctx,
			asyncio.Func(func(ctx context.Context) error { return run(ctx, `sleep 0.5; echo "world"`) }),
			asyncio.Func(func(ctx context.Context) error { return run(ctx, `echo "hello"`) }),
		)
		return err
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// ["echo \"hello\"" exited with 0]
	// [stdout]
	// hello
	// ["sleep 0.5; echo \"world\"" exited with 0]
	// [stdout]
	// world
}

// This example is the documentation's get_date: it starts a program with
// CreateSubprocessExec (the shell computing a number stands in for Python
// printing the date), reads one line of its output from the Stdout stream,
// and waits for it to exit.
func ExampleCreateSubprocessExec() {
	err := asyncio.Run(func(ctx context.Context) error {
		proc, err := asyncio.CreateSubprocessExec(ctx, "sh", []string{"-c", "echo $((6 * 7))"},
			asyncio.WithStdout(asyncio.Pipe))
		if err != nil {
			return err
		}
		data, err := proc.Stdout().ReadLine(ctx)
		if err != nil {
			return err
		}
		if _, err := proc.Wait(ctx); err != nil {
			return err
		}
		fmt.Printf("Answer: %s", data)
		return nil
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// Answer: 42
}

// This example is the documentation's add_signal_handler example: handlers
// for SIGINT and SIGTERM end the program, which would otherwise sleep for an
// hour. Here the program sends itself SIGTERM instead of waiting for Ctrl-C.
func ExampleEventLoop_AddSignalHandler() {
	err := asyncio.Run(func(ctx context.Context) error {
		loop, err := asyncio.GetRunningLoop(ctx)
		if err != nil {
			return err
		}
		main := asyncio.CurrentTask(ctx)
		for _, s := range []struct {
			name string
			sig  os.Signal
		}{{"SIGINT", syscall.SIGINT}, {"SIGTERM", syscall.SIGTERM}} {
			if err := loop.AddSignalHandler(s.sig, func() {
				fmt.Printf("got signal %s: exit\n", s.name)
				main.Cancel()
			}); err != nil {
				return err
			}
		}
		fmt.Println("Event loop running for 1 hour, press Ctrl+C to interrupt.")
		if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
			return err
		}
		return asyncio.Sleep(ctx, time.Hour)
	})
	fmt.Println(err)
	// Output:
	// Event loop running for 1 hour, press Ctrl+C to interrupt.
	// got signal SIGTERM: exit
	// asyncio: cancelled
}

// This example shows what Ctrl-C does to Run, as asyncio.run does since
// Python 3.11: the first SIGINT cancels the main task, its cleanup runs, and
// Run returns an error matching ErrInterrupted. A command-line program exits
// with status 130 on it. Here the program interrupts itself.
func ExampleRun_interrupt() {
	err := asyncio.Run(func(ctx context.Context) error {
		defer fmt.Println("cleanup")
		if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
			return err
		}
		return asyncio.Sleep(ctx, time.Hour)
	})
	fmt.Println("interrupted:", errors.Is(err, asyncio.ErrInterrupted))
	// Output:
	// cleanup
	// interrupted: true
}
