//go:build unix

package asyncio_test

import (
	"context"
	"syscall"
	"testing"

	"github.com/asyncio-go/asyncio/asynciotest"
)

// The Process and signal-handler rows of the cross-goroutine table
// (TestEveryMethodFromAPlainGoroutineWorksOrRefuses), on a running child.
func TestEveryProcessMethodFromAPlainGoroutineWorksOrRefuses(t *testing.T) {
	asynciotest.Run(t, func(ctx context.Context) error {
		l := runningLoop(t, ctx)
		p, err := startChild(ctx, "sleep", nil, pipes...)
		if err != nil {
			return err
		}
		ok := func(fn func()) func() error { return func() error { fn(); return nil } }
		calls := []foreignCall{
			{"Process.PID", works, ok(func() { p.PID() })},
			{"Process.Stdin", works, ok(func() { p.Stdin() })},
			{"Process.Stdout", works, ok(func() { p.Stdout() })},
			{"Process.Stderr", works, ok(func() { p.Stderr() })},
			{"Process.Returncode", works, ok(func() { p.Returncode() })},
			{"Process.String", works, ok(func() { _ = p.String() })},
			{"Process.Wait", refuses, func() error { _, err := p.Wait(ctx); return err }},
			{"Process.Communicate", refuses, func() error { _, _, err := p.Communicate(ctx, nil); return err }},
			{"Process.SendSignal", works, func() error { return p.SendSignal(syscall.SIGCONT) }},
			{"Process.Terminate", works, p.Terminate},
			{"Process.Kill", works, p.Kill},
			{"EventLoop.AddSignalHandler", refuses, func() error { return l.AddSignalHandler(syscall.SIGUSR1, func() {}) }},
			{"EventLoop.RemoveSignalHandler", refuses, func() error { _, err := l.RemoveSignalHandler(syscall.SIGUSR1); return err }},
		}
		if err := callFromAPlainGoroutine(ctx, t, calls); err != nil {
			return err
		}
		_, err = p.Wait(ctx)
		return err
	})
}
