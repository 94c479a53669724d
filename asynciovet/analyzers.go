package asynciovet

import (
	"reflect"

	"golang.org/x/tools/go/analysis"
)

// Coroutines finds the package's coroutine bodies and the functions they
// reach, and records facts about its functions for the packages that import
// it. It reports nothing itself: the other analyzers require it and report
// its findings by rule, so that a driver can run any subset of them.
var Coroutines = &analysis.Analyzer{
	Name:       "asynciocoroutines",
	Doc:        "find asyncio coroutine bodies and what they reach (used by the other asynciovet analyzers)",
	Run:        runCoroutines,
	FactTypes:  []analysis.Fact{new(funcFact)},
	ResultType: reflect.TypeFor[*result](),
}

// Blocking reports blocking calls and channel operations in coroutines and in
// the functions they call, with the await to use instead.
var Blocking = ruleAnalyzer("asyncioblocking", ruleBlocking,
	"report code that blocks an asyncio event loop\n\n"+
		"A coroutine that blocks its goroutine (time.Sleep, a sync.Mutex, a channel operation, "+
		"a socket, file, process, HTTP or SQL call) blocks every coroutine of its loop. "+
		"Each report names the await to use instead.")

// Cancellation reports cancellations that are lost: an await whose error is
// discarded, and a coroutine that matches a cancellation and carries on.
var Cancellation = ruleAnalyzer("asynciocancel", ruleCancel,
	"report asyncio cancellations that are swallowed\n\n"+
		"An await's error carries the task's cancellation; discarding it, or matching "+
		"ErrCancelled and carrying on, makes a cancelled task run on as if nothing happened.")

// CtxEscape reports a task's ctx stored in a struct field or a global, or
// handed to a go statement: awaits with it anywhere but its own coroutine fail.
var CtxEscape = ruleAnalyzer("asyncioctx", ruleEscape,
	"report an asyncio task ctx that escapes its coroutine\n\n"+
		"A task's ctx is valid only in its coroutine: stored in a struct or a global, or used "+
		"by a go statement, its awaits return ErrNotInCoroutine at run time.")

// IgnoreComments reports //asynciovet:ignore comments that give no reason or
// silence nothing.
var IgnoreComments = ruleAnalyzer("asyncioignore", ruleIgnore,
	"report //asynciovet:ignore comments that give no reason or silence nothing")

// Analyzers are asynciovet's reporting analyzers, one a rule, for a driver
// such as multichecker that lets users turn each on and off.
var Analyzers = []*analysis.Analyzer{Blocking, Cancellation, CtxEscape, IgnoreComments}

// Analyzer reports every rule of Analyzers, for a driver that wants a single
// analyzer (a golangci-lint plugin, gopls). Do not run it beside Analyzers:
// each finding would be reported twice.
var Analyzer = ruleAnalyzer("asynciovet", ruleAll,
	"report code that blocks an asyncio event loop, swallowed cancellations, and task contexts that escape their coroutine")

// ruleAll selects every rule's findings.
const ruleAll rule = -1

func ruleAnalyzer(name string, r rule, doc string) *analysis.Analyzer {
	return &analysis.Analyzer{
		Name:     name,
		Doc:      doc,
		Requires: []*analysis.Analyzer{Coroutines},
		Run: func(pass *analysis.Pass) (any, error) {
			res := pass.ResultOf[Coroutines].(*result)
			for _, f := range res.findings {
				if r == ruleAll || f.rule == r {
					pass.Report(analysis.Diagnostic{Pos: f.node.Pos(), End: f.node.End(), Message: f.msg, SuggestedFixes: f.fixes})
				}
			}
			return nil, nil
		},
	}
}
