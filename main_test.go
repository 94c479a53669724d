package asyncio_test

import (
	"os"
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if any test leaves a goroutine behind: a loop's
// coroutine goroutines must all exit when it closes. Started with
// ASYNCIO_TEST_CHILD set, the test binary is instead a child process for the
// subprocess tests (see child_test.go).
func TestMain(m *testing.M) {
	if name := os.Getenv(childEnv); name != "" {
		os.Exit(runChild(name, os.Args[1:]))
	}
	goleak.VerifyTestMain(m)
}
