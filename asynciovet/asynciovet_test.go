package asynciovet_test

import (
	"testing"

	"github.com/asyncio-go/asyncio/asynciovet"
	"go.uber.org/goleak"
	"golang.org/x/tools/go/analysis/analysistest"
)

// TestMain fails the package if a test leaves a goroutine behind.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// TestAnalyzer checks every rule against the // want comments of testdata.
// The packages are loaded together, in one Run: loading type-checks the
// standard library from source, which costs far more than the analysis.
//
//   - blocking: each blocking call, in each kind of coroutine body and in
//     helpers reached from them.
//   - cancel: discarded await errors and matched-then-dropped cancellations.
//   - escape: a task ctx stored in a field or a global, or used by a go
//     statement.
//   - lib, app: app's coroutines call lib's functions; lib is judged in app.
//   - ignore: the silencing comment, and one without a reason.
func TestAnalyzer(t *testing.T) {
	t.Parallel()
	analysistest.Run(t, analysistest.TestData(), asynciovet.Analyzer,
		"example.com/blocking", "example.com/cancel", "example.com/escape",
		"example.com/lib", "example.com/app", "example.com/ignore")
}

// TestSuggestedFixes applies the fixes of package cancel and compares the
// result with cancel.go.golden. It runs the Cancellation analyzer alone, which
// also checks that a rule's analyzer reports its rule's findings.
func TestSuggestedFixes(t *testing.T) {
	t.Parallel()
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), asynciovet.Cancellation, "example.com/cancel")
}
