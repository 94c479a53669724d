//go:build unix

package asyncio_test

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
)

// guardInterrupt asks os/signal for SIGINT for the rest of the test, so that
// a SIGINT the code under test fails to catch cannot kill the test binary.
func guardInterrupt(t *testing.T) chan os.Signal {
	ch := make(chan os.Signal, 4)
	signal.Notify(ch, os.Interrupt)
	t.Cleanup(func() { signal.Stop(ch) })
	return ch
}

func TestAddSignalHandlerRunsOnTheLoop(t *testing.T) {
	err := asyncio.Run(func(ctx context.Context) error {
		l := runningLoop(t, ctx)
		got := new(asyncio.Event)
		if err := l.AddSignalHandler(syscall.SIGUSR1, func() {
			if err := got.Set(); err != nil { // Set is loop-bound: fn runs on the loop
				t.Errorf("Set in the handler: %v", err)
			}
		}); err != nil {
			return err
		}
		if err := syscall.Kill(os.Getpid(), syscall.SIGUSR1); err != nil {
			return err
		}
		if err := waitEvent(ctx, got); err != nil {
			t.Errorf("the handler did not run: %v", err)
		}
		if ok, err := l.RemoveSignalHandler(syscall.SIGUSR1); !ok || err != nil {
			t.Errorf("RemoveSignalHandler = %v, %v; want true, nil", ok, err)
		}
		if ok, err := l.RemoveSignalHandler(syscall.SIGUSR1); ok || err != nil {
			t.Errorf("RemoveSignalHandler again = %v, %v; want false, nil", ok, err)
		}
		// One left installed is removed by the loop's Close (goleak checks
		// that its goroutine is gone).
		return l.AddSignalHandler(syscall.SIGUSR2, func() {})
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestAddSignalHandlerMisuse(t *testing.T) {
	var l *asyncio.EventLoop
	err := asyncio.Run(func(ctx context.Context) error {
		l = runningLoop(t, ctx)
		for _, sig := range []os.Signal{syscall.SIGKILL, syscall.SIGSTOP, syscall.Signal(1000)} {
			if err := l.AddSignalHandler(sig, func() {}); !errors.Is(err, asyncio.ErrUncatchableSignal) {
				t.Errorf("AddSignalHandler(%v): %v, want ErrUncatchableSignal", sig, err)
			}
		}
		if err := l.AddSignalHandler(syscall.SIGUSR1, nil); err == nil {
			t.Errorf("AddSignalHandler with a nil handler: no error")
		}
		errc := make(chan error, 2)
		go func() {
			errc <- l.AddSignalHandler(syscall.SIGUSR1, func() {})
			_, err := l.RemoveSignalHandler(syscall.SIGUSR1)
			errc <- err
		}()
		for range 2 {
			got, _, err := asyncio.Recv(ctx, errc)
			if err != nil {
				return err
			}
			if !errors.Is(got, asyncio.ErrWrongGoroutine) {
				t.Errorf("from another goroutine: %v, want ErrWrongGoroutine", got)
			}
		}
		return nil
	}, asyncio.WithVirtualClock())
	if err != nil {
		t.Fatal(err)
	}
	if err := l.AddSignalHandler(syscall.SIGUSR1, func() {}); !errors.Is(err, asyncio.ErrLoopClosed) {
		t.Errorf("on a closed loop: %v, want ErrLoopClosed", err)
	}
}

// SIGINT during Run cancels the main task: its cleanup runs, and Run
// returns the cancellation, marked as an interruption.
func TestRunSIGINTCancelsTheMainTask(t *testing.T) {
	guardInterrupt(t)
	cleanedUp := false
	err := asyncio.Run(func(ctx context.Context) error {
		defer func() { cleanedUp = true }()
		if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
			return err
		}
		err := asyncio.Sleep(ctx, time.Minute)
		// Unwinding may still await: the cancellation was delivered once.
		if err := asyncio.Sleep(ctx, time.Millisecond); err != nil {
			t.Errorf("an await while unwinding: %v", err)
		}
		return err
	})
	if !errors.Is(err, asyncio.ErrInterrupted) || !errors.Is(err, asyncio.ErrCancelled) || !errors.Is(err, context.Canceled) {
		t.Errorf("Run = %v, want an interruption matching ErrInterrupted, ErrCancelled and context.Canceled", err)
	}
	if !cleanedUp {
		t.Errorf("the main task's deferred cleanup did not run")
	}
}

// A Runner handles SIGINT in each Run, and goes on after one.
func TestRunnerSIGINTCancelsOneRun(t *testing.T) {
	guardInterrupt(t)
	r := asyncio.NewRunner()
	defer r.Close()
	err := r.Run(func(ctx context.Context) error {
		if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
			return err
		}
		return asyncio.Sleep(ctx, time.Minute)
	})
	if !errors.Is(err, asyncio.ErrInterrupted) {
		t.Errorf("Runner.Run = %v, want ErrInterrupted", err)
	}
	if err := r.Run(func(ctx context.Context) error { return asyncio.Sleep(ctx, time.Millisecond) }); err != nil {
		t.Errorf("the next Run: %v", err)
	}
}

// A program's own SIGINT handler takes SIGINT from Run, and
// WithSignalHandling(false) leaves it to the process.
func TestRunLeavesSIGINTToTheProgram(t *testing.T) {
	guard := guardInterrupt(t)
	err := asyncio.Run(func(ctx context.Context) error {
		l := runningLoop(t, ctx)
		got := new(asyncio.Event)
		if err := l.AddSignalHandler(os.Interrupt, func() { _ = got.Set() }); err != nil {
			return err
		}
		if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
			return err
		}
		return waitEvent(ctx, got)
	})
	if err != nil {
		t.Errorf("Run with a SIGINT handler of its own: %v", err)
	}
	<-guard
	err = asyncio.Run(func(ctx context.Context) error {
		if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
			return err
		}
		_, _, err := asyncio.Recv(ctx, guard) // the SIGINT reached the program, not Run
		return err
	}, asyncio.WithSignalHandling(false))
	if err != nil {
		t.Errorf("Run WithSignalHandling(false): %v", err)
	}
}

// In a child: the first SIGINT starts the unwinding, Run returns
// ErrInterrupted; a second SIGINT while it unwinds kills the process.
func TestRunSecondSIGINTEndsTheProcess(t *testing.T) {
	err := asyncio.Run(func(ctx context.Context) error {
		for _, c := range []struct {
			arg, out string
			code     int
		}{{"once", "ready\nunwinding\ninterrupted: true\n", 130}, {"twice", "ready\nunwinding\n", -2}} {
			p, err := startChild(ctx, "sigint", []string{c.arg}, asyncio.WithStdout(asyncio.Pipe))
			if err != nil {
				return err
			}
			var out strings.Builder
			for _, line := range []string{"ready\n", "unwinding\n"} {
				got, err := p.Stdout().ReadLine(ctx)
				if err != nil || string(got) != line {
					t.Errorf("%s: read %q, %v; want %q", c.arg, got, err, line)
				}
				out.Write(got)
				if line == "unwinding\n" && c.arg == "once" {
					break
				}
				if err := p.SendSignal(os.Interrupt); err != nil {
					return err
				}
			}
			rest, err := p.Stdout().Read(ctx, -1)
			if err != nil {
				return err
			}
			out.Write(rest)
			code, err := p.Wait(ctx)
			if err != nil || out.String() != c.out || code != c.code {
				t.Errorf("%s: output %q, returncode %d, %v; want %q, %d", c.arg, out.String(), code, err, c.out, c.code)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// waitEvent waits for e, for at most 10 s (a signal that never comes).
func waitEvent(ctx context.Context, e *asyncio.Event) error {
	_, err := asyncio.WaitFor(ctx, asyncio.Func(e.Wait), 10*time.Second)
	return err
}
