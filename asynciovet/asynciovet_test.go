package asynciovet_test

import (
	"testing"

	"github.com/asyncio-go/asyncio/asynciovet"
	"go.uber.org/goleak"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"
)

// TestMain fails the package if a test leaves a goroutine behind.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// TestAnalyzer checks every rule against the // want comments of testdata,
// and the suggested fixes against the .golden files beside the sources:
//
//   - blocking: each blocking call, in each kind of coroutine body and in
//     helpers reached from them.
//   - cancel: discarded await errors and matched-then-dropped cancellations.
//   - escape: a task ctx stored in a field or a global, or used by a go
//     statement.
//   - lib, app: app's coroutines call lib's functions; lib is judged in app.
//   - ignore: the silencing comment, and one without a reason.
//   - corpus/...: small programs ported from typical asyncio code.
//
// The packages are loaded in one call: loading type-checks the standard
// library from source, which costs far more than the analysis.
func TestAnalyzer(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), asynciovet.Analyzer,
		"example.com/blocking", "example.com/cancel", "example.com/escape",
		"example.com/lib", "example.com/app", "example.com/ignore", "example.com/corpus/...")
}

// TestAnalyzersAreValid checks what a driver checks before it runs them:
// names, docs, and that the facts and results they declare are consistent.
func TestAnalyzersAreValid(t *testing.T) {
	if err := analysis.Validate(append(asynciovet.Analyzers, asynciovet.Analyzer)); err != nil {
		t.Fatal(err)
	}
}
