package main

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// captureStdout returns what run prints.
func captureStdout(t *testing.T, run func() error) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout := os.Stdout
	os.Stdout = w
	runErr := run()
	os.Stdout = stdout
	w.Close()
	var out bytes.Buffer
	if _, err := io.Copy(&out, r); err != nil {
		t.Fatal(err)
	}
	if runErr != nil {
		t.Fatal(runErr)
	}
	return out.String()
}

// The tutorial's display_time/print_nums pair must print its interleaving
// exactly, on the virtual clock.
func TestGatherTasksPrintsTheTutorialsInterleaving(t *testing.T) {
	*virtual = true
	t.Cleanup(func() { *virtual = false })
	got := captureStdout(t, gatherTasks)
	want := strings.Join([]string{
		"0 seconds have passed...", "1", "2", "3", "4", "5", "6",
		"3 seconds have passed...", "7", "8", "9", "10", "11", "12",
		"6 seconds have passed...", "13", "14", "(stopped after 7s)", "",
	}, "\n")
	if got != want {
		t.Errorf("gather section printed\n%s\nwant\n%s", got, want)
	}
}

func TestEverySectionRunsOnTheVirtualClock(t *testing.T) {
	*virtual = true
	t.Cleanup(func() { *virtual = false })
	for _, s := range sections {
		if out := captureStdout(t, s.run); out == "" {
			t.Errorf("section %q printed nothing", s.title)
		}
	}
}
