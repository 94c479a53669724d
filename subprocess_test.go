//go:build unix

package asyncio_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

// startChild starts the test binary as the child called name (see
// child_test.go), with opts.
func startChild(ctx context.Context, name string, args []string, opts ...asyncio.ProcessOption) (*asyncio.Process, error) {
	path, argv, env := child(name, args...)
	return asyncio.CreateSubprocessExec(ctx, path, argv, append([]asyncio.ProcessOption{env}, opts...)...)
}

var pipes = []asyncio.ProcessOption{asyncio.WithStdin(asyncio.Pipe), asyncio.WithStdout(asyncio.Pipe), asyncio.WithStderr(asyncio.Pipe)}

func TestSP01_CommunicateEchoesInput(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		p, err := startChild(ctx, "echo", []string{"0"}, asyncio.WithStdin(asyncio.Pipe), asyncio.WithStdout(asyncio.Pipe))
		if err != nil {
			return err
		}
		out, errOut, err := p.Communicate(ctx, []byte("some data"))
		if err != nil {
			return err
		}
		code, ok := p.Returncode()
		if string(out) != "some data" || errOut != nil || code != 0 || !ok {
			t.Errorf("Communicate = %q, %q; Returncode = %d, %v; want \"some data\", nil, 0, true", out, errOut, code, ok)
		}
		return nil
	})
}

// A child copying 50 MB from stdin to stdout while it writes 50 MB to
// stderr: Communicate serves the three pipes at once, so none fills while
// another is waited for, and every byte arrives in order.
func TestSubprocessCommunicateFiftyMegabytesEachWay(t *testing.T) {
	const n = 50 << 20
	input := make([]byte, n)
	pattern(input, 12345)
	asynciotest.Run(t, func(ctx context.Context) error {
		p, err := startChild(ctx, "echo", []string{"52428800"}, pipes...)
		if err != nil {
			return err
		}
		out, errOut, err := p.Communicate(ctx, input)
		if err != nil {
			return err
		}
		if len(out) != n || sha256.Sum256(out) != sha256.Sum256(input) {
			t.Errorf("stdout: %d bytes, not the %d written to stdin", len(out), n)
		}
		if len(errOut) != n || sha256.Sum256(errOut) != patternSum(n) {
			t.Errorf("stderr: %d bytes, not the child's %d", len(errOut), n)
		}
		if code, _ := p.Returncode(); code != 0 {
			t.Errorf("returncode %d, want 0", code)
		}
		return nil
	})
}

// Output written just before the child exits is all there after Wait: the
// streams end at the pipe's EOF, not at the exit.
func TestSubprocessOutputAfterExitIsComplete(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		words := []string{"one", "two", strings.Repeat("x", 100<<10)}
		p, err := startChild(ctx, "print", words, asyncio.WithStdout(asyncio.Pipe))
		if err != nil {
			return err
		}
		// The child blocks on the full pipe until someone reads, so read
		// in a task of its own while Wait waits.
		read := asyncio.CreateTask(ctx, func(ctx context.Context) ([]byte, error) { return p.Stdout().Read(ctx, -1) })
		if code, err := p.Wait(ctx); err != nil || code != 0 {
			t.Errorf("Wait = %d, %v; want 0, nil", code, err)
		}
		out, err := read.Await(ctx)
		if want := strings.Join(words, "\n") + "\n"; err != nil || string(out) != want {
			t.Errorf("stdout: %d bytes, %v; want %d bytes", len(out), err, len(want))
		}
		return nil
	})
}

func TestSubprocessNotFound(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		_, err := asyncio.CreateSubprocessExec(ctx, "asyncio-no-such-command", nil, pipes...)
		if !errors.Is(err, exec.ErrNotFound) {
			t.Errorf("a command not in PATH: %v, want exec.ErrNotFound", err)
		}
		_, err = asyncio.CreateSubprocessExec(ctx, "/nonexistent/asyncio-no-such-command", nil, pipes...)
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("a path that does not exist: %v, want fs.ErrNotExist", err)
		}
		return nil
	})
}

func TestSP03_KillAndTerminateReportTheSignal(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		for _, c := range []struct {
			stop func(*asyncio.Process) error
			want int
		}{{(*asyncio.Process).Kill, -9}, {(*asyncio.Process).Terminate, -15}} {
			p, err := startChild(ctx, "sleep", nil)
			if err != nil {
				return err
			}
			if _, ok := p.Returncode(); ok {
				t.Errorf("Returncode reports an exit while the child runs")
			}
			if err := c.stop(p); err != nil {
				return err
			}
			if code, err := p.Wait(ctx); code != c.want || err != nil {
				t.Errorf("Wait = %d, %v; want %d", code, err, c.want)
			}
			if err := p.Kill(); !errors.Is(err, os.ErrProcessDone) {
				t.Errorf("Kill after the exit: %v, want os.ErrProcessDone", err)
			}
		}
		return nil
	})
}

func TestSP04_ConcurrentWaitsAllSeeTheExit(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		p, err := startChild(ctx, "exit", []string{"0"})
		if err != nil {
			return err
		}
		var waits []asyncio.Awaitable[int]
		for range 10 {
			waits = append(waits, asyncio.CreateTask(ctx, p.Wait))
		}
		codes, err := asyncio.Gather(ctx, waits...)
		if err != nil {
			return err
		}
		for i, c := range codes {
			if c != 0 {
				t.Errorf("wait %d: %d, want 0", i, c)
			}
		}
		return nil
	})
}

func TestSubprocessShellExitStatusAndEnv(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		p, err := asyncio.CreateSubprocessShell(ctx, `echo "$FOO"; exit 3`, asyncio.WithStdout(asyncio.Pipe), asyncio.WithEnv([]string{"FOO=baz"}))
		if err != nil {
			return err
		}
		out, _, err := p.Communicate(ctx, nil)
		code, _ := p.Returncode()
		if err != nil || string(out) != "baz\n" || code != 3 {
			t.Errorf("Communicate = %q, %v; returncode %d; want \"baz\\n\", 3", out, err, code)
		}
		return nil
	})
}

func TestSubprocessStderrToStdoutAndDir(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		p, err := asyncio.CreateSubprocessShell(ctx, `pwd; echo err >&2`, asyncio.WithStdout(asyncio.Pipe), asyncio.WithStderr(asyncio.Stdout), asyncio.WithDir("/"))
		if err != nil {
			return err
		}
		if p.Stderr() != nil {
			t.Errorf("Stderr() is a reader; stderr goes to stdout")
		}
		out, _, err := p.Communicate(ctx, nil)
		if err != nil || string(out) != "/\nerr\n" {
			t.Errorf("Communicate = %q, %v; want \"/\\nerr\\n\"", out, err)
		}
		return nil
	})
}

// A child that exits without reading its input: Drain reports the broken
// pipe, and Communicate ignores it.
func TestSP06_StdinBrokenPipe(t *testing.T) {
	input := bytes.Repeat([]byte("x"), 4<<20)
	asynciotest.Run(t, func(ctx context.Context) error {
		p, err := startChild(ctx, "exit", []string{"0"}, asyncio.WithStdin(asyncio.Pipe))
		if err != nil {
			return err
		}
		err = p.Stdin().Write(input)
		if err == nil {
			err = p.Stdin().Drain(ctx)
		}
		if !errors.Is(err, syscall.EPIPE) && !errors.Is(err, syscall.ECONNRESET) {
			t.Errorf("Write and Drain to a child that exited: %v, want EPIPE or ECONNRESET", err)
		}
		if _, err := p.Wait(ctx); err != nil {
			return err
		}
		p, err = startChild(ctx, "exit", []string{"0"}, asyncio.WithStdin(asyncio.Pipe))
		if err != nil {
			return err
		}
		if _, _, err := p.Communicate(ctx, input); err != nil {
			t.Errorf("Communicate with a child that does not read: %v, want nil", err)
		}
		if code, _ := p.Returncode(); code != 0 {
			t.Errorf("returncode %d, want 0", code)
		}
		return nil
	})
}

// Cancelling a Wait kills the child by default, and a later Wait sees it
// killed; WithKillOnCancel(false) leaves it running, as asyncio does.
func TestSP08_CancelledWaitKillsUnlessAsked(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		for _, kill := range []bool{true, false} {
			p, err := startChild(ctx, "sleep", nil, asyncio.WithKillOnCancel(kill))
			if err != nil {
				return err
			}
			w := asyncio.CreateTask(ctx, p.Wait)
			if err := asyncio.Sleep(ctx, 0); err != nil {
				return err
			}
			w.Cancel()
			if _, err := w.Await(ctx); !errors.Is(err, asyncio.ErrCancelled) {
				t.Errorf("cancelled Wait: %v, want the cancellation", err)
			}
			if !kill {
				if err := asyncio.Sleep(ctx, 20*time.Millisecond); err != nil {
					return err
				}
				if _, ok := p.Returncode(); ok {
					t.Errorf("WithKillOnCancel(false): the child exited after a cancelled Wait")
				}
				if err := p.Kill(); err != nil {
					return err
				}
			}
			if code, err := p.Wait(ctx); code != -9 || err != nil {
				t.Errorf("Wait after the cancelled one (kill on cancel %v) = %d, %v; want -9", kill, code, err)
			}
		}
		return nil
	})
}

func TestSubprocessCancelledCommunicateKillsTheChild(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		p, err := startChild(ctx, "sleep", nil, pipes...)
		if err != nil {
			return err
		}
		c := asyncio.Go(ctx, func(ctx context.Context) error {
			_, _, err := p.Communicate(ctx, []byte("input"))
			return err
		})
		if err := asyncio.Sleep(ctx, time.Millisecond); err != nil {
			return err
		}
		c.Cancel()
		if _, err := c.Await(ctx); !errors.Is(err, asyncio.ErrCancelled) {
			t.Errorf("cancelled Communicate: %v, want the cancellation", err)
		}
		if code, err := p.Wait(ctx); code != -9 || err != nil {
			t.Errorf("Wait = %d, %v; want -9", code, err)
		}
		return nil
	})
}

// A Timeout around Wait, on the virtual clock: the clock runs in real time
// while the child runs, the deadline expires, and the child is killed.
func TestSubprocessTimeoutKillsTheChild(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		p, err := startChild(ctx, "sleep", nil)
		if err != nil {
			return err
		}
		l := runningLoop(t, ctx)
		start := l.Time()
		err = asyncio.Timeout(ctx, 50*time.Millisecond, func(ctx context.Context) error {
			_, err := p.Wait(ctx)
			return err
		})
		if !errors.Is(err, asyncio.ErrTimeout) || l.Time()-start < 50*time.Millisecond {
			t.Errorf("Timeout around Wait: %v after %v, want ErrTimeout after 50ms", err, l.Time()-start)
		}
		if code, err := p.Wait(ctx); code != -9 || err != nil {
			t.Errorf("Wait = %d, %v; want -9", code, err)
		}
		return nil
	})
}

// A child still running when Run returns is killed and reaped by the loop's
// Close, which reports it.
func TestSubprocessRunningWhenTheLoopClosesIsKilled(t *testing.T) {
	var pid int
	var got []string
	err := asyncio.Run(func(ctx context.Context) error {
		l := runningLoop(t, ctx)
		l.SetExceptionHandler(func(_ *asyncio.EventLoop, c asyncio.ExceptionContext) { got = append(got, c.Message) })
		p, err := startChild(ctx, "sleep", nil, asyncio.WithStdout(asyncio.Pipe))
		pid = p.PID()
		return err
	}, asyncio.WithVirtualClock())
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("the child is still there after Run: kill(%d, 0) = %v", pid, err)
	}
	if len(got) != 1 || !strings.Contains(got[0], "still running when its loop closed") {
		t.Errorf("the exception handler got %q, want one report of the killed child", got)
	}
}

func TestSubprocessMisuse(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		for _, o := range []asyncio.ProcessOption{asyncio.WithStdin(asyncio.Stdout), asyncio.WithStdout(asyncio.Stdout), asyncio.WithStderr(asyncio.Stdio(9))} {
			if _, err := startChild(ctx, "exit", []string{"0"}, o); !errors.Is(err, asyncio.ErrInvalidState) {
				t.Errorf("a bad Stdio: %v, want ErrInvalidState", err)
			}
		}
		p, err := startChild(ctx, "exit", []string{"0"})
		if err != nil {
			return err
		}
		if _, _, err := p.Communicate(ctx, []byte("x")); !errors.Is(err, asyncio.ErrInvalidState) {
			t.Errorf("Communicate with input and no stdin pipe: %v, want ErrInvalidState", err)
		}
		if _, err := p.Wait(context.Background()); !errors.Is(err, asyncio.ErrNotInCoroutine) {
			t.Errorf("Wait outside a coroutine: %v, want ErrNotInCoroutine", err)
		}
		werr := make(chan error, 1)
		go func() {
			_ = asyncio.Run(func(octx context.Context) error {
				//asynciovet:ignore octx is the running coroutine of the other loop, which this goroutine runs
				_, err := p.Wait(octx)
				return asyncio.Send(octx, werr, err)
			})
		}()
		got, _, err := asyncio.Recv(ctx, werr)
		if err != nil {
			return err
		}
		if !errors.Is(got, asyncio.ErrWrongLoop) {
			t.Errorf("Wait from another loop: %v, want ErrWrongLoop", got)
		}
		if _, err := asyncio.CreateSubprocessExec(context.Background(), "true", nil); !errors.Is(err, asyncio.ErrNotInCoroutine) {
			t.Errorf("CreateSubprocessExec outside a coroutine: %v, want ErrNotInCoroutine", err)
		}
		_, err = p.Wait(ctx)
		return err
	})
}
