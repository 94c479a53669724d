package asyncio_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// Every producer of ready work goes through the loop's verbs (soon, arm,
// disarm): only the loop's own files touch the ready queue and the timer
// heap, so that there is one rule for when work is queued.
func TestOnlyTheLoopTouchesTheReadyQueueAndTimers(t *testing.T) {
	loopFiles := map[string]bool{"sched.go": true, "loop.go": true, "dispatch.go": true, "threadsafe.go": true, "debug.go": true, "clock.go": true}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") || loopFiles[name] {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if inner, ok := sel.X.(*ast.SelectorExpr); ok && (inner.Sel.Name == "ready" || inner.Sel.Name == "timers") {
				t.Errorf("%s: %s.%s: schedule through soon, arm and disarm", fset.Position(sel.Pos()), inner.Sel.Name, sel.Sel.Name)
			}
			return true
		})
	}
}
