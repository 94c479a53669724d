//go:build linux

package asyncio_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

// children counts the processes whose parent is this one, and how many of
// them are zombies (exited, not reaped).
func children(t *testing.T) (n, zombies int) {
	t.Helper()
	procs, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	me := strconv.Itoa(os.Getpid())
	for _, p := range procs {
		stat, err := os.ReadFile("/proc/" + p.Name() + "/stat")
		if err != nil {
			continue // not a process, or gone
		}
		// pid (comm) state ppid ...; comm may hold spaces, so split after ')'.
		s := string(stat)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(f) > 1 && f[1] == me {
			n++
			if f[0] == "Z" {
				zombies++
			}
		}
	}
	return n, zombies
}

// 200 short-lived children, each with three pipes: every descriptor is
// closed and every child reaped, including the ones nobody waits for.
func TestSubprocessManyChildrenLeakNoFDsOrZombies(t *testing.T) {
	before := openFDs(t)
	asynciotest.Run(t, func(ctx context.Context) error {
		var unwaited []*asyncio.Process
		for i := range 200 {
			// The shell starts in a fraction of the time the test binary
			// takes under -race.
			p, err := asyncio.CreateSubprocessShell(ctx, "cat; printf 0123456789 >&2", pipes...)
			if err != nil {
				return err
			}
			if i%2 == 1 { // left alone: its pipes close at EOF, its exit is reaped
				unwaited = append(unwaited, p)
				if err := p.Stdin().Close(); err != nil {
					return err
				}
				continue
			}
			out, errOut, err := p.Communicate(ctx, []byte("hello"))
			if err != nil || string(out) != "hello" || len(errOut) != 10 {
				t.Errorf("child %d: Communicate = %q, %d bytes, %v", i, out, len(errOut), err)
			}
		}
		// Give the unwaited ones time to exit, without waiting on them.
		for _, p := range unwaited {
			for {
				if _, ok := p.Returncode(); ok {
					break
				}
				if err := asyncio.Sleep(ctx, 0); err != nil {
					return err
				}
			}
		}
		if n, z := children(t); n != 0 || z != 0 {
			t.Errorf("%d children left, %d of them zombies", n, z)
		}
		return nil
	})
	checkNoFDLeak(t, before)
}

// A command that does not exist leaves no descriptor open.
func TestSubprocessNotFoundLeaksNoFDs(t *testing.T) {
	before := openFDs(t)
	asynciotest.Run(t, func(ctx context.Context) error {
		for range 10 {
			if _, err := asyncio.CreateSubprocessExec(ctx, "asyncio-no-such-command", nil, pipes...); !errors.Is(err, exec.ErrNotFound) {
				t.Errorf("got %v, want exec.ErrNotFound", err)
			}
			if _, err := asyncio.CreateSubprocessExec(ctx, "/nonexistent/x", nil, pipes...); err == nil {
				t.Errorf("a missing path started")
			}
		}
		return nil
	})
	checkNoFDLeak(t, before)
}
