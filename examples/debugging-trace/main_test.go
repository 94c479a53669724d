package main

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime/trace"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestTheTraceHoldsTasksAndSteps traces a short run: the trace names the
// tasks and the step regions.
func TestTheTraceHoldsTasksAndSteps(t *testing.T) {
	if trace.IsEnabled() {
		t.Skip("the tracer is already running")
	}
	path := filepath.Join(t.TempDir(), "trace.out")
	if err := run(path, 5); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"asyncio.Task producer", "asyncio.Task consumer-1", "asyncio.step"} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("the trace lacks %q", want)
		}
	}
}
