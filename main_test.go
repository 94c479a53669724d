package asyncio_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if any test leaves a goroutine behind: a loop's
// coroutine goroutines must all exit when it closes.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
