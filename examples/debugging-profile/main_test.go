//go:build unix

package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestTheProfileIsWritten runs the server under load briefly: the profile is
// written and every task ends.
func TestTheProfileIsWritten(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cpu.pprof")
	if err := run(path, 100*time.Millisecond, 2); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
		t.Fatalf("profile: %v, %v", fi, err)
	}
}
