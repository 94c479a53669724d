package main

import (
	"testing"

	"github.com/asyncio-go/asyncio"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestPipelineRunsToTheEnd runs the example with its default flags on the
// virtual clock: every URL is fetched, every task ends, nothing leaks.
func TestPipelineRunsToTheEnd(t *testing.T) {
	if err := asyncio.Run(run, asyncio.WithVirtualClock()); err != nil {
		t.Fatal(err)
	}
}
