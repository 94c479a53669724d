//go:build unix

package main

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestRunAllReportsEveryCommand runs quick commands, one failing: each is
// reported, and a failing command is not an error of the run.
func TestRunAllReportsEveryCommand(t *testing.T) {
	err := asyncio.Run(func(ctx context.Context) error {
		return runAll(ctx, []string{"echo hello", "exit 3", "ls /nonexistent-dir"}, time.Minute)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestRunAllKillsAtTheTimeout: a command still running at the timeout is
// killed, and the run ends with the timeout.
func TestRunAllKillsAtTheTimeout(t *testing.T) {
	err := asyncio.Run(func(ctx context.Context) error {
		return runAll(ctx, []string{"sleep 30", "echo quick"}, 100*time.Millisecond)
	})
	if !errors.Is(err, asyncio.ErrTimeout) {
		t.Fatalf("got %v, want the timeout", err)
	}
}
