package asyncio

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"syscall"
)

// Stdio says what one of a child's standard streams is connected to, for
// [WithStdin], [WithStdout] and [WithStderr]: asyncio.subprocess's PIPE,
// DEVNULL and STDOUT, or None. The zero Stdio is Inherit.
type Stdio int

const (
	// Inherit gives the child the parent's own stream (os.Stdin, os.Stdout
	// or os.Stderr): asyncio's default, None.
	Inherit Stdio = iota
	// Pipe connects the stream to a pipe on the loop: the child's stdin
	// becomes [Process.Stdin], a *StreamWriter, and its stdout and stderr
	// [Process.Stdout] and [Process.Stderr], *StreamReaders.
	Pipe
	// DevNull connects the stream to os.DevNull.
	DevNull
	// Stdout, for stderr only, sends the child's stderr where its stdout
	// goes (asyncio.subprocess.STDOUT, the shell's 2>&1).
	Stdout
)

func (s Stdio) String() string {
	switch s {
	case Inherit:
		return "Inherit"
	case Pipe:
		return "Pipe"
	case DevNull:
		return "DevNull"
	case Stdout:
		return "Stdout"
	}
	return fmt.Sprintf("Stdio(%d)", int(s))
}

// A ProcessOption configures a child started by [CreateSubprocessExec] or
// [CreateSubprocessShell]: asyncio's keyword arguments, in os/exec's terms.
// The zero ProcessOption changes nothing.
type ProcessOption struct {
	apply func(*processConfig)
}

type processConfig struct {
	stdin, stdout, stderr Stdio
	env                   []string
	dir                   string
	sys                   *syscall.SysProcAttr
	limit                 int  // the StreamReaders' limit
	leaveRunning          bool // a cancelled Wait or Communicate does not kill the child
}

func newProcessConfig(opts []ProcessOption) (processConfig, error) {
	var c processConfig
	for _, o := range opts {
		if o.apply != nil {
			o.apply(&c)
		}
	}
	for _, s := range [...]struct {
		name string
		s    Stdio
	}{{"stdin", c.stdin}, {"stdout", c.stdout}, {"stderr", c.stderr}} {
		if s.s < Inherit || s.s > Stdout || (s.s == Stdout && s.name != "stderr") {
			return c, fmt.Errorf("asyncio: %s cannot be %v: %w", s.name, s.s, ErrInvalidState)
		}
	}
	return c, nil
}

// WithStdin connects the child's standard input: Inherit (the default),
// Pipe or DevNull.
func WithStdin(s Stdio) ProcessOption { return ProcessOption{func(c *processConfig) { c.stdin = s }} }

// WithStdout connects the child's standard output: Inherit (the default),
// Pipe or DevNull.
func WithStdout(s Stdio) ProcessOption { return ProcessOption{func(c *processConfig) { c.stdout = s }} }

// WithStderr connects the child's standard error: Inherit (the default),
// Pipe, DevNull or Stdout (wherever stdout goes).
func WithStderr(s Stdio) ProcessOption { return ProcessOption{func(c *processConfig) { c.stderr = s }} }

// WithEnv sets the child's environment, as exec.Cmd.Env does: each entry
// "key=value"; nil (the default) passes the parent's environment.
func WithEnv(env []string) ProcessOption {
	return ProcessOption{func(c *processConfig) { c.env = env }}
}

// WithDir runs the child in directory dir, as exec.Cmd.Dir does; "" (the
// default) is the parent's working directory.
func WithDir(dir string) ProcessOption { return ProcessOption{func(c *processConfig) { c.dir = dir }} }

// WithSysProcAttr passes system-specific attributes to the child, as
// exec.Cmd.SysProcAttr does: on unix, Setpgid puts the child in a process
// group of its own (asyncio's process_group=0), and Setsid in a new session
// (start_new_session=True).
func WithSysProcAttr(attr *syscall.SysProcAttr) ProcessOption {
	return ProcessOption{func(c *processConfig) { c.sys = attr }}
}

// WithStreamLimit sets the buffer limit of the child's stdout and stderr
// StreamReaders, [DefaultStreamLimit] by default: asyncio's limit.
func WithStreamLimit(n int) ProcessOption {
	return ProcessOption{func(c *processConfig) { c.limit = n }}
}

// WithKillOnCancel says whether a Wait or Communicate that stops waiting
// because its task was cancelled (or its ctx done, or a Timeout expired)
// kills the child, as exec.CommandContext does: true by default. With
// false the child is left running, as asyncio leaves it.
func WithKillOnCancel(on bool) ProcessOption {
	return ProcessOption{func(c *processConfig) { c.leaveRunning = !on }}
}

// A Process is a child process started by [CreateSubprocessExec] or
// [CreateSubprocessShell]: asyncio.subprocess.Process. Its streams are on
// the loop that started it, and it is reaped when it exits, whether or not
// anyone waits for it.
//
// PID, Stdin, Stdout, Stderr, Returncode, SendSignal, Terminate, Kill and
// String may be called from any goroutine; Wait and Communicate must run in
// a coroutine of the process's loop. A Process must not be copied. The zero
// Process is not usable.
//
// # When the loop closes
//
// A child still running when its loop closes is killed (SIGKILL) and reaped
// by Close, which reports it to the exception handler, as asyncio's
// subprocess transport kills its child when closed.
type Process struct {
	l              *EventLoop
	proc           *os.Process
	pid            int
	stdin          *StreamWriter
	stdout, stderr *StreamReader
	leaveRunning   bool
	killed         atomic.Bool // Kill was called: the exit is on its way

	code    atomic.Int64 // the returncode, once exited
	exited  atomic.Bool  // the loop has seen the exit; set after code
	waiters waitq        // the coroutines in Wait (loop goroutine only)

	// reaped is closed by the goroutine that waits for the child, once it
	// has tried to post the exit to the loop; status is its returncode,
	// written before.
	reaped chan struct{}
	status int
}

// PID returns the child's process id.
func (p *Process) PID() int { return p.pid }

// Stdin returns the child's standard input, or nil unless it was started
// WithStdin(Pipe). Closing it (Close or WriteEOF) closes the pipe: the
// child reads EOF.
func (p *Process) Stdin() *StreamWriter { return p.stdin }

// Stdout returns the child's standard output, or nil unless it was started
// WithStdout(Pipe). It delivers everything the child wrote: the end of the
// stream is the pipe's EOF, not the child's exit.
func (p *Process) Stdout() *StreamReader { return p.stdout }

// Stderr returns the child's standard error, or nil unless it was started
// WithStderr(Pipe).
func (p *Process) Stderr() *StreamReader { return p.stderr }

// Returncode returns the child's exit status and true once its loop has
// seen it exit, or 0 and false while it runs (asyncio's None). A child
// killed by a signal reports the negative signal number, as asyncio does:
// -9 after Kill.
func (p *Process) Returncode() (code int, exited bool) {
	if !p.exited.Load() {
		return 0, false
	}
	return int(p.code.Load()), true
}

// Wait waits for the child to exit and returns its returncode (see
// [Process.Returncode]). Any number of coroutines may wait at once.
//
// Wait does not read the child's pipes: a child that fills a pipe nobody
// reads blocks for ever, and Wait with it. Use [Process.Communicate], or
// read the streams in other tasks.
//
// # Cancellation
//
// A Wait whose task is cancelled (or whose ctx is done) kills the child
// unless it was started WithKillOnCancel(false), and returns the
// cancellation at once; the child's exit is recorded when it comes, and a
// later Wait returns it (-9).
//
// Wait returns [ErrNotInCoroutine] where ctx's coroutine is not the caller,
// and an error matching [ErrWrongLoop] from a coroutine of another loop.
func (p *Process) Wait(ctx context.Context) (int, error) {
	if err := p.enter(ctx); err != nil {
		return 0, err
	}
	return p.wait(ctx)
}

func (p *Process) wait(ctx context.Context) (int, error) {
	for !p.exited.Load() {
		if _, err := p.waiters.wait(ctx, p.l, p, "Process", "Wait"); err != nil {
			p.stopWaiting()
			return 0, err
		}
	}
	return int(p.code.Load()), nil
}

// stopWaiting kills the child that a cancelled Wait or Communicate leaves
// behind, unless told not to.
func (p *Process) stopWaiting() {
	if !p.leaveRunning && !p.exited.Load() {
		_ = p.Kill()
	}
}

// enter checks that ctx's coroutine, the caller, runs on p's loop.
func (p *Process) enter(ctx context.Context) error {
	t, err := runningTask(ctx)
	if err != nil {
		return err
	}
	if t.fut.loop != p.l {
		return wrongLoop("Process %d", p.pid)
	}
	return nil
}

// communicateChunk is how much input Communicate writes before it drains:
// the transport copies only what the pipe does not take at once, so the
// input is never copied whole.
const communicateChunk = 256 << 10

// Communicate writes input to the child's stdin and closes it, reads its
// stdout and stderr to the end, waits for it to exit, and returns what it
// read: asyncio's communicate. The three streams are served at once, each
// by a task of its own, so no pipe fills while another is waited for,
// however much each carries. stdout (stderr) is nil unless the child was
// started WithStdout(Pipe) (WithStderr(Pipe)); the exit status is
// [Process.Returncode]. A child that exits without reading all its input
// is not an error: as asyncio, Communicate ignores the broken pipe.
//
// Communicate returns the error of a stream that failed, an error matching
// [ErrInvalidState] when input is not empty and stdin is not a pipe, and
// the misuse errors of [Process.Wait].
//
// # Cancellation
//
// A cancelled Communicate stops its three tasks, kills the child as a
// cancelled Wait does, and returns the cancellation with nothing read: the
// bytes received so far stay in the StreamReaders.
func (p *Process) Communicate(ctx context.Context, input []byte) (stdout, stderr []byte, err error) {
	if err := p.enter(ctx); err != nil {
		return nil, nil, err
	}
	if len(input) > 0 && p.stdin == nil {
		return nil, nil, fmt.Errorf("asyncio: Process.Communicate: input for a child whose stdin is not a pipe: %w", ErrInvalidState)
	}
	var out, errOut []byte
	err = WithTaskGroup(ctx, func(ctx context.Context, tg *TaskGroup) error {
		if p.stdin != nil {
			tg.Go(func(ctx context.Context) error { return p.feed(ctx, input) })
		}
		if p.stdout != nil {
			tg.Go(func(ctx context.Context) (err error) { out, err = p.stdout.Read(ctx, -1); return err })
		}
		if p.stderr != nil {
			tg.Go(func(ctx context.Context) (err error) { errOut, err = p.stderr.Read(ctx, -1); return err })
		}
		return nil
	})
	if err != nil {
		if errors.Is(err, ErrCancelled) || ctx.Err() != nil {
			p.stopWaiting()
		}
		return nil, nil, err
	}
	if _, err := p.wait(ctx); err != nil {
		return nil, nil, err
	}
	return out, errOut, nil
}

// feed writes input to stdin, draining as it goes, and closes stdin; a
// child that stops reading is not an error (asyncio's _feed_stdin).
func (p *Process) feed(ctx context.Context, input []byte) error {
	for len(input) > 0 {
		n := min(len(input), communicateChunk)
		err := p.stdin.Write(input[:n])
		if err == nil {
			err = p.stdin.Drain(ctx)
		}
		if err != nil {
			if brokenPipe(err) {
				break
			}
			return err
		}
		input = input[n:]
	}
	_ = p.stdin.Close()
	return nil
}

// brokenPipe reports an error that means the reader of a pipe has gone.
func brokenPipe(err error) bool {
	return errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, ErrTransportClosing) || errors.Is(err, ErrConnectionLost)
}

// SendSignal sends sig to the child: asyncio's send_signal. Once the child
// has exited it returns an error matching os.ErrProcessDone (asyncio raises
// ProcessLookupError); on Linux the signal goes through a pidfd, so it can
// never reach another process that reused the PID.
func (p *Process) SendSignal(sig os.Signal) error { return p.proc.Signal(sig) }

// Terminate sends SIGTERM to the child: asyncio's terminate.
func (p *Process) Terminate() error { return p.SendSignal(syscall.SIGTERM) }

// Kill sends SIGKILL to the child: asyncio's kill. Like the other signals,
// it reaches the child only, not the children the child started (a shell's
// commands): to stop them all, start the child in a process group of its own
// ([WithSysProcAttr] with Setpgid) and signal the group, syscall.Kill(-pid,
// sig).
func (p *Process) Kill() error {
	p.killed.Store(true)
	return p.SendSignal(os.Kill)
}

// String describes p: "<Process 1234 running>" or "<Process 1234
// returncode=0>".
func (p *Process) String() string {
	if code, ok := p.Returncode(); ok {
		return fmt.Sprintf("<Process %d returncode=%d>", p.pid, code)
	}
	return fmt.Sprintf("<Process %d running>", p.pid)
}

// exit records the child's exit, on the loop, and wakes every Wait.
func (p *Process) exit(code int) {
	if p.exited.Load() {
		return
	}
	p.code.Store(int64(code))
	p.exited.Store(true)
	p.release()
	p.waiters.wakeAll()
}
