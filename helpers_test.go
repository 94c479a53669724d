package asyncio_test

// Helpers shared by the test files of this package, for what asynciotest does
// not provide. Use asynciotest.Run to run a main coroutine on the virtual
// clock, asynciotest.NewLoop for a loop of the test's own and
// asynciotest.Exceptions to record what reaches a loop's exception handler.

import (
	"bytes"
	"context"
	"errors"
	"log"
	"log/slog"
	"testing"

	"github.com/asyncio-go/asyncio"
	"github.com/asyncio-go/asyncio/asynciotest"
)

// runningLoop returns the loop running ctx's coroutine. It reports a failure
// with t.Errorf, never t.Fatal, so it may be called on a coroutine's goroutine.
func runningLoop(t testing.TB, ctx context.Context) *asyncio.EventLoop {
	t.Helper()
	l, err := asyncio.GetRunningLoop(ctx)
	if err != nil {
		t.Errorf("GetRunningLoop: %v", err)
	}
	return l
}

// runWithLoop runs main as the main coroutine of asyncio.Run on the virtual
// clock, handing it the running loop. main runs on a coroutine's goroutine:
// it must report failures with t.Error, never t.Fatal.
func runWithLoop(t testing.TB, main func(ctx context.Context, loop *asyncio.EventLoop)) {
	t.Helper()
	asynciotest.Run(t, func(ctx context.Context) error {
		loop, err := asyncio.GetRunningLoop(ctx)
		if err != nil {
			return err
		}
		main(ctx, loop)
		return nil
	})
}

// recoverFrom calls f and returns what it panicked with, or nil.
func recoverFrom(f func()) (r any) {
	defer func() { r = recover() }()
	f()
	return nil
}

// yieldN yields to the loop n times.
func yieldN(ctx context.Context, n int) error {
	for range n {
		if err := asyncio.Sleep(ctx, 0); err != nil {
			return err
		}
	}
	return nil
}

// captureLogs sends the default slog logger's output to the buffer returned,
// until the test ends: the default exception handler and debug mode log there.
func captureLogs(t testing.TB) *bytes.Buffer {
	t.Helper()
	buf := new(bytes.Buffer)
	oldLogger, oldWriter, oldFlags := slog.Default(), log.Writer(), log.Flags()
	slog.SetDefault(slog.New(slog.NewTextHandler(buf, nil)))
	t.Cleanup(func() {
		slog.SetDefault(oldLogger)
		log.SetOutput(oldWriter) // slog.SetDefault redirected the log package
		log.SetFlags(oldFlags)
	})
	return buf
}

// runPassingGoexitOn runs main under Run on a goroutine of its own and fails
// t unless a runtime.Goexit in it (t.Fatal in a coroutine) ends that
// goroutine instead of letting Run return.
func runPassingGoexitOn(t *testing.T, main func(ctx context.Context) error) {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		defer close(done)
		_ = asyncio.Run(main, asyncio.WithVirtualClock())
		done <- errors.New("Run returned instead of passing the Goexit on")
	}()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
