//go:build unix

package asyncio

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"syscall"

	"github.com/asyncio-go/asyncio/internal/sock"
	"golang.org/x/sys/unix"
)

// CreateSubprocessExec starts the program name with args (not including
// name itself) and returns its [Process]: asyncio.create_subprocess_exec. A
// name without a path separator is looked up in PATH, as exec.Command does.
// Each standard stream is inherited unless an option says otherwise (see
// [Stdio]); pipes are non-blocking file descriptors on the loop, read and
// written by its goroutine like sockets, so the child's streams are
// StreamReaders and a [StreamWriter] with their limit and Drain.
//
// The child is reaped when it exits, by a goroutine that waits for it and
// posts the exit to the loop; while it runs, the loop's virtual clock, if it
// has one, runs in real time (see [WithVirtualClock]).
//
// CreateSubprocessExec returns, with no descriptor left open, an error
// matching exec.ErrNotFound for a name not found in PATH, one matching
// fs.ErrNotExist for a path that does not exist, the system's error for a
// program that cannot be started, and an error matching [ErrInvalidState]
// for a [Stdio] that the stream cannot take (Stdout for stdin or stdout).
// Called where ctx's coroutine is not the caller it returns
// [ErrNotInCoroutine]. On systems other than unix it returns an error
// matching errors.ErrUnsupported.
func CreateSubprocessExec(ctx context.Context, name string, args []string, opts ...ProcessOption) (*Process, error) {
	t, err := runningTask(ctx)
	if err != nil {
		return nil, err
	}
	return startProcess(t.fut.loop, exec.Command(name, args...), opts)
}

// CreateSubprocessShell runs cmd with the shell, /bin/sh -c cmd, and returns
// its [Process]: asyncio.create_subprocess_shell. The options and errors are
// those of [CreateSubprocessExec]; a command the shell cannot find is the
// shell's failure, exit status 127, not an error.
func CreateSubprocessShell(ctx context.Context, cmd string, opts ...ProcessOption) (*Process, error) {
	t, err := runningTask(ctx)
	if err != nil {
		return nil, err
	}
	return startProcess(t.fut.loop, exec.Command("/bin/sh", "-c", cmd), opts)
}

// childStreams holds the descriptors of one start: the child's ends, closed
// in the parent once it has started, and the loop's ends, owned by their
// transports once made.
type childStreams struct {
	child []*os.File
	ours  []int
}

// stream returns what cmd gets for one standard stream (nil: os/exec's
// /dev/null) and, for a pipe, the loop's end of it (else -1). childWrites
// says whether the child writes the stream.
func (cs *childStreams) stream(s Stdio, std *os.File, childWrites bool) (*os.File, int, error) {
	switch s {
	case Inherit:
		return std, -1, nil
	case DevNull:
		return nil, -1, nil
	}
	r, w, err := newOSPipe()
	if err != nil {
		return nil, -1, err
	}
	child, ours := r, w
	if childWrites {
		child, ours = w, r
	}
	f := os.NewFile(uintptr(child), "|child")
	cs.child = append(cs.child, f)
	cs.ours = append(cs.ours, ours)
	if err := sock.SetNonblock(ours, true); err != nil {
		return nil, -1, err
	}
	return f, ours, nil
}

func (cs *childStreams) closeChild() {
	for _, f := range cs.child {
		_ = f.Close()
	}
	cs.child = nil
}

// newOSPipe makes a pipe whose ends are close-on-exec, under the fork lock,
// so that no child started meanwhile inherits them.
func newOSPipe() (r, w int, err error) {
	var p [2]int
	syscall.ForkLock.RLock()
	defer syscall.ForkLock.RUnlock()
	if err := unix.Pipe(p[:]); err != nil {
		return -1, -1, os.NewSyscallError("pipe", err)
	}
	unix.CloseOnExec(p[0])
	unix.CloseOnExec(p[1])
	return p[0], p[1], nil
}

// setStream sets one of cmd's streams, leaving it nil (os/exec's
// /dev/null) rather than a nil *os.File in a non-nil interface.
func setStream[T any](dst *T, f *os.File) {
	if f != nil {
		*dst = any(f).(T)
	}
}

func startProcess(l *EventLoop, cmd *exec.Cmd, opts []ProcessOption) (*Process, error) {
	cfg, err := newProcessConfig(opts)
	if err != nil {
		return nil, err
	}
	var cs childStreams
	fail := func(err error) (*Process, error) {
		cs.closeChild()
		for _, fd := range cs.ours {
			_ = sock.Close(fd)
		}
		return nil, fmt.Errorf("asyncio: cannot start %s: %w", cmd.Path, err)
	}
	stdin, inFd, err := cs.stream(cfg.stdin, os.Stdin, false)
	if err != nil {
		return fail(err)
	}
	stdout, outFd, err := cs.stream(cfg.stdout, os.Stdout, true)
	if err != nil {
		return fail(err)
	}
	stderr, errFd := stdout, -1
	if cfg.stderr != Stdout {
		if stderr, errFd, err = cs.stream(cfg.stderr, os.Stderr, true); err != nil {
			return fail(err)
		}
	}
	setStream(&cmd.Stdin, stdin)
	setStream(&cmd.Stdout, stdout)
	setStream(&cmd.Stderr, stderr)
	cmd.Env, cmd.Dir, cmd.SysProcAttr = cfg.env, cfg.dir, cfg.sys
	if err := cmd.Start(); err != nil {
		return fail(err)
	}
	cs.closeChild()
	p := &Process{l: l, proc: cmd.Process, pid: cmd.Process.Pid, leaveRunning: cfg.leaveRunning, reaped: make(chan struct{})}
	l.own(p)
	l.beginExternal()
	go p.reap()
	// From here the child runs and is reaped whatever happens; a pipe the
	// loop cannot watch kills it.
	var made []*sockTransport
	pipe := func(fd int, proto Protocol, end osPipeEnd) error {
		t, err := newPipeTransport(l, fd, proto, end)
		if err != nil {
			_ = p.Kill()
			for _, t := range made {
				t.Abort()
			}
			for _, fd := range cs.ours[len(made):] {
				_ = sock.Close(fd)
			}
			return fmt.Errorf("asyncio: cannot start %s: %w", cmd.Path, err)
		}
		made = append(made, t)
		return nil
	}
	if inFd >= 0 {
		proto := NewStreamReaderProtocol(nil, nil)
		if err := pipe(inFd, proto, writePipe); err != nil {
			return nil, err
		}
		p.stdin = NewStreamWriter(made[len(made)-1], proto, nil)
	}
	for _, s := range [...]struct {
		fd int
		r  **StreamReader
	}{{outFd, &p.stdout}, {errFd, &p.stderr}} {
		if s.fd < 0 {
			continue
		}
		r := NewStreamReader(cfg.limit)
		if err := pipe(s.fd, NewStreamReaderProtocol(r, nil), readPipe); err != nil {
			return nil, err
		}
		*s.r = r
	}
	return p, nil
}

// reap waits for the child to exit and posts its returncode to the loop;
// the post also ends the outside work that started with the child.
func (p *Process) reap() {
	defer close(p.reaped)
	state, err := p.proc.Wait()
	code := 255 // asyncio's returncode for a child it could not wait for
	if err == nil {
		ws, _ := state.Sys().(syscall.WaitStatus)
		code = ws.ExitStatus()
		if ws.Signaled() {
			code = -int(ws.Signal())
		}
	}
	p.status = code
	_, _ = p.l.CallSoonThreadsafe(func() {
		p.l.endExternal()
		if err != nil {
			p.l.handle(ExceptionContext{Message: fmt.Sprintf("cannot wait for process %d, its returncode is reported as 255", p.pid), Err: err})
		}
		p.exit(code)
	})
}

// release drops the loop's hold on an exited child.
func (p *Process) release() { p.l.disown(p) }

// closeWithLoop kills and reaps a child still running when its loop closes,
// and reports it: nothing outlives the loop. A child already killed (by a
// cancelled Wait, say) is only reaped.
func (p *Process) closeWithLoop() {
	select {
	case <-p.reaped:
	default:
		if !p.killed.Load() {
			_ = p.Kill()
			p.l.handle(ExceptionContext{Message: fmt.Sprintf("<Process %d> was still running when its loop closed: killed", p.pid)})
		}
		<-p.reaped
	}
	if !p.exited.Load() {
		p.code.Store(int64(p.status))
		p.exited.Store(true)
	}
}
