package asynciovet

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"
)

// blockingCall reports whether call is a blocking call the analyzer knows, and
// what to use instead.
func (s *state) blockingCall(call *ast.CallExpr) (blocker, bool) {
	info := s.pass.TypesInfo
	fn := calleeFunc(info, call)
	if fn == nil || fn.Pkg() == nil {
		return blocker{}, false
	}
	pkg, q := fn.Pkg().Path(), qualifiedName(fn)
	if b, ok := blockingFuncs[pkg][q]; ok {
		return b, true
	}
	sel, _ := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	isMethod := fn.Type().(*types.Signature).Recv() != nil
	switch pkg {
	case "net":
		if !netBlocking[fn.Name()] {
			break
		}
		if !isMethod {
			return blocker{"net." + fn.Name(), blockingAwait}, true
		}
		if sel != nil {
			return blocker{s.typeName(sel.X) + "." + fn.Name(), blockingAwait}, true
		}
	case "os":
		if isMethod && q == "File."+fn.Name() && fileBlocking[fn.Name()] && sel != nil && !isStdStream(info, sel.X) {
			return blocker{"os.File." + fn.Name(), blockingAwait}, true
		}
	case "bufio":
		if bufioReads[q] && sel != nil {
			if src := s.readerSource(sel.X); src != nil && s.isBlockingIO(src) {
				return blocker{"bufio." + q + " over " + s.ioName(src), blockingAwait}, true
			}
		}
	case "io":
		if ioHelpers[fn.Name()] {
			for _, a := range call.Args {
				if s.isBlockingIO(a) {
					return blocker{"io." + fn.Name() + " on " + s.ioName(a), blockingAwait}, true
				}
			}
		}
	case "fmt":
		if fmtIO[fn.Name()] && len(call.Args) > 0 && s.isBlockingIO(call.Args[0]) {
			return blocker{"fmt." + fn.Name() + " on " + s.ioName(call.Args[0]), blockingAwait}, true
		}
	}
	return blocker{}, false
}

// typeName names e's type for messages, without its pointer.
func (s *state) typeName(e ast.Expr) string {
	t := s.pass.TypesInfo.TypeOf(e)
	if t == nil {
		return "value"
	}
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	return types.TypeString(t, types.RelativeTo(s.pass.Pkg))
}

// ioName names the reader or writer e for messages: "a net.Conn".
func (s *state) ioName(e ast.Expr) string {
	if isResponseBody(s.pass.TypesInfo, e) {
		return "an HTTP response body"
	}
	name := s.typeName(e)
	if strings.ContainsRune("aeiouAEIOU", rune(name[0])) {
		return "an " + name
	}
	return "a " + name
}

// isResponseBody reports whether e is the Body of an *http.Response, which
// reads from the network as the response arrives.
func isResponseBody(info *types.Info, e ast.Expr) bool {
	sel, ok := ast.Unparen(e).(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "Body" {
		return false
	}
	p, ok := info.TypeOf(sel.X).(*types.Pointer)
	if !ok {
		return false
	}
	n, ok := types.Unalias(p.Elem()).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "net/http" && n.Obj().Name() == "Response"
}

// isStdStream reports whether e is os.Stdout or os.Stderr. Writes to them are
// left alone, as asyncio's linters leave print alone: they are the program's
// log, and a terminal or pipe that stalls them is rare and loud.
func isStdStream(info *types.Info, e ast.Expr) bool {
	sel, ok := ast.Unparen(e).(*ast.SelectorExpr)
	if !ok {
		return false
	}
	v, ok := info.Uses[sel.Sel].(*types.Var)
	return ok && v.Pkg() != nil && v.Pkg().Path() == "os" && (v.Name() == "Stdout" || v.Name() == "Stderr")
}

// readerSource returns the reader a bufio.Scanner or bufio.Reader was made
// over, when e is one made in this function by bufio.NewScanner,
// bufio.NewReader or bufio.NewReaderSize, or nil.
func (s *state) readerSource(e ast.Expr) ast.Expr {
	e = ast.Unparen(e)
	if id, ok := e.(*ast.Ident); ok {
		v, _ := s.pass.TypesInfo.Uses[id].(*types.Var)
		if v == nil || s.initOf[v] == nil {
			return nil
		}
		e = ast.Unparen(s.initOf[v])
	}
	call, ok := e.(*ast.CallExpr)
	if !ok || len(call.Args) == 0 {
		return nil
	}
	fn := calleeFunc(s.pass.TypesInfo, call)
	if fn == nil || fn.Pkg() == nil || fn.Pkg().Path() != "bufio" {
		return nil
	}
	switch fn.Name() {
	case "NewScanner", "NewReader", "NewReaderSize":
		return call.Args[0]
	}
	return nil
}

// isBlockingIO reports whether e is a reader or writer whose reads and writes
// wait: a file (but not os.Stdout or os.Stderr), a pipe, a network connection,
// an HTTP response body, or a bufio reader over one.
func (s *state) isBlockingIO(e ast.Expr) bool {
	info := s.pass.TypesInfo
	if isStdStream(info, e) {
		return false
	}
	if src := s.readerSource(e); src != nil {
		return s.isBlockingIO(src)
	}
	if isResponseBody(info, e) {
		return true
	}
	t := info.TypeOf(e)
	if t == nil {
		return false
	}
	if p, ok := t.(*types.Pointer); ok {
		if n, ok := types.Unalias(p.Elem()).(*types.Named); ok && n.Obj().Pkg() != nil {
			switch n.Obj().Pkg().Path() + "." + n.Obj().Name() {
			case "os.File", "io.PipeReader", "io.PipeWriter":
				return true
			}
		}
	}
	for _, m := range []string{"Read", "Write"} {
		obj, _, _ := types.LookupFieldOrMethod(t, true, nil, m)
		if fn, ok := obj.(*types.Func); ok && fn.Pkg() != nil && fn.Pkg().Path() == "net" {
			return true
		}
	}
	return false
}

// check records the findings of every rule for the package's functions.
func (s *state) check() {
	for _, f := range s.fns {
		if f.body == nil || f.skip {
			continue
		}
		s.checkSwallowed(f)
		if !f.onLoop {
			continue
		}
		for _, op := range f.ops {
			s.add(ruleBlocking, op.node, fmt.Sprintf("%s blocks the event loop%s; use %s", op.what, f.where, op.suggest))
		}
		for _, call := range f.calls {
			if g, _, _ := s.resolve(call.Fun); g != nil {
				continue // reported inside g, which runs on the loop too
			}
			if op := s.calleeBlocks(call); op != nil {
				s.add(ruleBlocking, call, fmt.Sprintf("%s blocks the event loop%s: it calls %s (%s); use %s", op.via, f.where, op.what, op.at, op.suggest))
			}
		}
		s.checkEscape(f)
		s.checkCancelMatch(f)
	}
}

// checkSwallowed reports awaits whose error, which carries the task's
// cancellation, is discarded.
func (s *state) checkSwallowed(f *fnInfo) {
	info := s.pass.TypesInfo
	inspectBody(f.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.GoStmt, *ast.DeferStmt:
			return false
		case *ast.ExprStmt:
			if call, ok := ast.Unparen(n.X).(*ast.CallExpr); ok && s.isErrAwait(call) {
				s.add(ruleCancel, call, fmt.Sprintf("the error of %s is discarded, and with it the task's cancellation; check it and return it", s.awaitName(call)), s.returnErrFix(f, n, call)...)
			}
		case *ast.AssignStmt:
			if len(n.Rhs) != 1 {
				break
			}
			call, ok := ast.Unparen(n.Rhs[0]).(*ast.CallExpr)
			if !ok || !s.isErrAwait(call) || !isBlank(n.Lhs[len(n.Lhs)-1]) {
				break
			}
			var fixes []analysis.SuggestedFix
			if len(n.Lhs) == 1 {
				fixes = s.returnErrFix(f, n, call)
			}
			s.add(ruleCancel, call, fmt.Sprintf("the error of %s is assigned to _, and with it the task's cancellation; check it and return it", s.awaitName(call)), fixes...)
		case *ast.RangeStmt:
			call, ok := ast.Unparen(n.X).(*ast.CallExpr)
			if !ok {
				break
			}
			if name, ok := apiName(calleeFunc(info, call)); ok && strings.HasPrefix(name, "AsCompleted") && (n.Value == nil || isBlank(n.Value)) {
				s.add(ruleCancel, n, fmt.Sprintf("the errors asyncio.%s yields are discarded, and with them the task's cancellation; range over v, err and check err", name))
			}
		}
		return true
	})
}

func isBlank(e ast.Expr) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	return ok && id.Name == "_"
}

// isErrAwait reports whether call is an await whose last result is an error.
func (s *state) isErrAwait(call *ast.CallExpr) bool {
	if !s.isAwaitCall(call) {
		return false
	}
	sig, ok := s.pass.TypesInfo.TypeOf(call.Fun).(*types.Signature)
	return ok && lastIsError(sig)
}

func (s *state) awaitName(call *ast.CallExpr) string {
	if fn := calleeFunc(s.pass.TypesInfo, call); fn != nil {
		return s.display(fn)
	}
	return "the coroutine call"
}

// returnErrFix returns the fix that checks call's error and returns it, for a
// statement that discards it, when f's results end in an error and the others
// have zero values the fix can spell.
func (s *state) returnErrFix(f *fnInfo, stmt ast.Stmt, call *ast.CallExpr) []analysis.SuggestedFix {
	if f.sig == nil || !lastIsError(f.sig) {
		return nil
	}
	var results []string
	for i := 0; i < f.sig.Results().Len()-1; i++ {
		z := s.zeroValue(f.sig.Results().At(i).Type())
		if z == "" {
			return nil
		}
		results = append(results, z)
	}
	results = append(results, "err")
	sig, ok := s.pass.TypesInfo.TypeOf(call.Fun).(*types.Signature)
	if !ok {
		return nil
	}
	var buf bytes.Buffer
	if err := format.Node(&buf, s.pass.Fset, call); err != nil {
		return nil
	}
	lhs := strings.Repeat("_, ", sig.Results().Len()-1) + "err"
	text := fmt.Sprintf("if %s := %s; err != nil {\n\treturn %s\n}", lhs, buf.String(), strings.Join(results, ", "))
	return []analysis.SuggestedFix{{
		Message:   "return the error",
		TextEdits: []analysis.TextEdit{{Pos: stmt.Pos(), End: stmt.End(), NewText: []byte(text)}},
	}}
}

// zeroValue spells the zero value of t, or returns "" when it cannot.
func (s *state) zeroValue(t types.Type) string {
	switch u := t.Underlying().(type) {
	case *types.Basic:
		switch {
		case u.Info()&types.IsBoolean != 0:
			return "false"
		case u.Info()&types.IsString != 0:
			return `""`
		case u.Info()&types.IsNumeric != 0:
			return "0"
		}
	case *types.Pointer, *types.Slice, *types.Map, *types.Chan, *types.Signature, *types.Interface:
		if _, ok := t.(*types.TypeParam); !ok {
			return "nil"
		}
	case *types.Struct, *types.Array:
		if _, ok := types.Unalias(t).(*types.Named); ok {
			return types.TypeString(t, types.RelativeTo(s.pass.Pkg)) + "{}"
		}
	}
	return ""
}

// checkEscape reports a task ctx stored in a struct field or a global, or
// handed to a go statement.
func (s *state) checkEscape(f *fnInfo) {
	info := s.pass.TypesInfo
	inspectBody(f.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if len(n.Lhs) != len(n.Rhs) {
				break
			}
			for i, r := range n.Rhs {
				if !s.isTaskCtx(r) {
					continue
				}
				switch l := ast.Unparen(n.Lhs[i]).(type) {
				case *ast.SelectorExpr:
					if sel := info.Selections[l]; sel != nil && sel.Kind() == types.FieldVal {
						s.add(ruleEscape, n, "task ctx stored in a struct field: it is valid only in its own coroutine; pass ctx as the first parameter instead")
					}
				case *ast.Ident:
					if v, ok := info.Uses[l].(*types.Var); ok && v.Parent() == s.pass.Pkg.Scope() {
						s.add(ruleEscape, n, "task ctx stored in a global: it is valid only in its own coroutine; pass ctx as the first parameter instead")
					}
				}
			}
		case *ast.CompositeLit:
			if t := info.TypeOf(n); t == nil {
				break
			} else if _, ok := t.Underlying().(*types.Struct); !ok {
				break
			}
			for _, e := range n.Elts {
				if kv, ok := e.(*ast.KeyValueExpr); ok {
					e = kv.Value
				}
				if s.isTaskCtx(e) {
					s.add(ruleEscape, e, "task ctx stored in a struct field: it is valid only in its own coroutine; pass ctx as the first parameter instead")
				}
			}
		case *ast.CallExpr:
			// ToThread's and RunInExecutor's fn runs on a goroutine of the
			// executor's; watching the task's ctx from there is fine,
			// awaiting with it is not.
			if name, fnArg, ok := offLoopFuncArg(info, n); ok {
				if lit, ok := ast.Unparen(fnArg).(*ast.FuncLit); ok {
					ast.Inspect(lit.Body, func(m ast.Node) bool {
						if c, ok := m.(*ast.CallExpr); ok && len(c.Args) > 0 && s.isTaskCtx(c.Args[0]) && s.isAwaitCall(c) {
							s.add(ruleEscape, c.Args[0], "task ctx awaited with inside asyncio."+name+"'s fn, which runs on another goroutine: the await returns ErrNotInCoroutine")
						}
						return true
					})
				}
			}
		case *ast.GoStmt:
			const msg = "task ctx used by a go statement: awaits with it on another goroutine return ErrNotInCoroutine; run blocking work with " + blockingAwait + " or pass the goroutine plain values"
			for _, a := range n.Call.Args {
				if s.isTaskCtx(a) {
					s.add(ruleEscape, a, msg)
					return false
				}
			}
			if lit, ok := ast.Unparen(n.Call.Fun).(*ast.FuncLit); ok {
				if id := s.ctxUseIn(lit.Body); id != nil {
					s.add(ruleEscape, id, msg)
				}
			}
			return false
		}
		return true
	})
}

// ctxMethods are the methods of context.Context that are safe from any
// goroutine and do not await: a goroutine may watch a task's ctx with them.
var ctxMethods = map[string]bool{"Done": true, "Err": true, "Deadline": true, "Value": true}

// ctxUseIn returns the first use of a task ctx in body other than a call of
// one of ctxMethods, or nil.
func (s *state) ctxUseIn(body ast.Node) *ast.Ident {
	var found *ast.Ident
	ast.Inspect(body, func(n ast.Node) bool {
		if found != nil {
			return false
		}
		if sel, ok := n.(*ast.SelectorExpr); ok && ctxMethods[sel.Sel.Name] && s.isTaskCtx(sel.X) {
			return false
		}
		if id, ok := n.(*ast.Ident); ok && s.isTaskCtx(id) {
			found = id
		}
		return true
	})
	return found
}

// checkCancelMatch reports a coroutine that matches a cancellation and then
// carries on: the task would end as if it had not been cancelled, and whoever
// cancelled it (a Timeout, a TaskGroup, Run's shutdown) would wait for ever or
// mistake it for a normal return.
func (s *state) checkCancelMatch(f *fnInfo) {
	s.cancelStmts(f, f.body.List, nil)
}

func (s *state) cancelStmts(f *fnInfo, list []ast.Stmt, rests [][]ast.Stmt) {
	for i, st := range list {
		inner := append(append([][]ast.Stmt(nil), rests...), list[i+1:])
		s.cancelStmt(f, st, inner)
	}
}

func (s *state) cancelStmt(f *fnInfo, st ast.Stmt, rests [][]ast.Stmt) {
	switch st := st.(type) {
	case *ast.IfStmt:
		s.checkIf(f, st, rests)
		s.cancelStmts(f, st.Body.List, rests)
		if st.Else != nil {
			s.cancelStmt(f, st.Else, rests)
		}
	case *ast.BlockStmt:
		s.cancelStmts(f, st.List, rests)
	case *ast.ForStmt:
		s.cancelStmts(f, st.Body.List, rests)
	case *ast.RangeStmt:
		s.cancelStmts(f, st.Body.List, rests)
	case *ast.LabeledStmt:
		s.cancelStmt(f, st.Stmt, rests)
	case *ast.SwitchStmt:
		for _, c := range st.Body.List {
			s.cancelStmts(f, c.(*ast.CaseClause).Body, rests)
		}
	case *ast.TypeSwitchStmt:
		for _, c := range st.Body.List {
			s.cancelStmts(f, c.(*ast.CaseClause).Body, rests)
		}
	case *ast.SelectStmt:
		for _, c := range st.Body.List {
			s.cancelStmts(f, c.(*ast.CommClause).Body, rests)
		}
	}
}

const cancelMsg = "cancellation matched and then dropped: the task carries on as if it had not been cancelled; return the error (or call Uncancel if carrying on is intended)"

func (s *state) checkIf(f *fnInfo, st *ast.IfStmt, rests [][]ast.Stmt) {
	v, neg, ok := s.cancelMatch(st.Cond)
	if !ok || !s.holdsOwnCancel(v) {
		return
	}
	restPropagates := func() bool {
		for _, r := range rests {
			if s.propagates(r, v) {
				return true
			}
		}
		return false
	}
	if neg {
		// if !errors.Is(err, ErrCancelled) { return err }: the cancelled
		// case is the one that goes on.
		if st.Else == nil && terminates(st.Body.List) && !restPropagates() {
			s.add(ruleCancel, st.Cond, cancelMsg)
		}
		return
	}
	if s.propagates(st.Body.List, v) {
		return
	}
	if terminates(st.Body.List) || !restPropagates() {
		s.add(ruleCancel, st.Cond, cancelMsg, s.returnNilFix(f, st.Body.List, v)...)
	}
}

// returnNilFix turns the `return nil` that ends a cancellation branch into
// `return err`.
func (s *state) returnNilFix(f *fnInfo, body []ast.Stmt, v *types.Var) []analysis.SuggestedFix {
	if len(body) == 0 || f.sig == nil || f.sig.Results().Len() != 1 || !lastIsError(f.sig) {
		return nil
	}
	ret, ok := body[len(body)-1].(*ast.ReturnStmt)
	if !ok || len(ret.Results) != 1 {
		return nil
	}
	if id, ok := ret.Results[0].(*ast.Ident); !ok || id.Name != "nil" {
		return nil
	}
	return []analysis.SuggestedFix{{
		Message:   "return the cancellation",
		TextEdits: []analysis.TextEdit{{Pos: ret.Results[0].Pos(), End: ret.Results[0].End(), NewText: []byte(v.Name())}},
	}}
}

var errorType = types.Universe.Lookup("error").Type().Underlying().(*types.Interface)

// ownCancelAwaits are the awaits whose cancellation error can only be the
// calling task's own. Await, Gather, WaitFor and the like also return the
// cancellation of what they wait for, which the caller may match and handle
// without being cancelled itself (the tour's Gather of tasks it cancels), so a
// match on their error is not a swallowed cancellation.
var ownCancelAwaits = map[string]bool{
	"Sleep": true, "Recv": true, "Send": true, "ToThread": true,
	"Lock.Acquire": true, "Semaphore.Acquire": true, "BoundedSemaphore.Acquire": true, "Condition.Acquire": true,
	"Event.Wait": true, "Condition.Wait": true, "Condition.WaitFor": true, "Barrier.Wait": true,
	"Queue.Get": true, "Queue.Put": true, "Queue.Join": true,
	"LifoQueue.Get": true, "LifoQueue.Put": true, "LifoQueue.Join": true,
	"PriorityQueue.Get": true, "PriorityQueue.Put": true, "PriorityQueue.Join": true,
}

// holdsOwnCancel reports whether v is assigned the error of an await in
// ownCancelAwaits: only then does matching a cancellation in it mean the task
// itself was cancelled. A helper that classifies an error it was handed is
// left alone.
func (s *state) holdsOwnCancel(v *types.Var) bool {
	for _, call := range s.errFrom[v] {
		if name, ok := apiName(calleeFunc(s.pass.TypesInfo, call)); ok && ownCancelAwaits[name] {
			return true
		}
	}
	return false
}

// cancelMatch reports whether cond tests whether a variable holds a
// cancellation (errors.Is with ErrCancelled or context.Canceled, errors.As
// with a *CancelledError, ==), and whether the test is negated.
func (s *state) cancelMatch(cond ast.Expr) (v *types.Var, neg, ok bool) {
	info := s.pass.TypesInfo
	switch c := ast.Unparen(cond).(type) {
	case *ast.UnaryExpr:
		if c.Op == token.NOT {
			v, neg, ok = s.cancelMatch(c.X)
			return v, !neg, ok
		}
	case *ast.BinaryExpr:
		switch c.Op {
		case token.LAND:
			if v, neg, ok = s.cancelMatch(c.X); ok {
				return
			}
			return s.cancelMatch(c.Y)
		case token.EQL, token.NEQ:
			for _, pair := range [][2]ast.Expr{{c.X, c.Y}, {c.Y, c.X}} {
				if id := identOf(pair[0]); id != nil && isCancelSentinel(info, pair[1]) {
					if v, ok := info.Uses[id].(*types.Var); ok {
						return v, c.Op == token.NEQ, true
					}
				}
			}
		}
	case *ast.CallExpr:
		fn := calleeFunc(info, c)
		if fn == nil || fn.Pkg() == nil || fn.Pkg().Path() != "errors" || len(c.Args) != 2 {
			break
		}
		id := identOf(c.Args[0])
		if id == nil {
			break
		}
		v, isVar := info.Uses[id].(*types.Var)
		if !isVar {
			break
		}
		switch fn.Name() {
		case "Is":
			if isCancelSentinel(info, c.Args[1]) {
				return v, false, true
			}
		case "As":
			if t, ok := info.TypeOf(c.Args[1]).(*types.Pointer); ok && isCancelledErrorPtr(t.Elem()) {
				return v, false, true
			}
		}
	}
	return nil, false, false
}

// isCancelSentinel reports whether e is asyncio.ErrCancelled or
// context.Canceled.
func isCancelSentinel(info *types.Info, e ast.Expr) bool {
	var id *ast.Ident
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident:
		id = x
	case *ast.SelectorExpr:
		id = x.Sel
	default:
		return false
	}
	v, ok := info.Uses[id].(*types.Var)
	if !ok || v.Pkg() == nil {
		return false
	}
	return v.Pkg().Path() == asyncioPath && v.Name() == "ErrCancelled" || v.Pkg().Path() == "context" && v.Name() == "Canceled"
}

func isCancelledErrorPtr(t types.Type) bool {
	p, ok := t.(*types.Pointer)
	if !ok {
		return false
	}
	n, ok := types.Unalias(p.Elem()).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == asyncioPath && n.Obj().Name() == "CancelledError"
}

// propagates reports whether stmts hand a cancellation on: they return v or a
// cancellation error, call Uncancel, or panic. A break or goto leaves for code
// this check does not follow, so it counts as handing on: a false report there
// would teach users to ignore the rule.
func (s *state) propagates(stmts []ast.Stmt, v *types.Var) bool {
	info := s.pass.TypesInfo
	found := false
	for _, st := range stmts {
		ast.Inspect(st, func(n ast.Node) bool {
			if found {
				return false
			}
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.BranchStmt:
				if n.Tok == token.BREAK || n.Tok == token.GOTO {
					found = true
				}
			case *ast.ReturnStmt:
				if len(n.Results) == 0 {
					found = true // named results may carry it
				}
				// Failing with another error ends the task too: it is not
				// carrying on, and the failure reaches whoever waits.
				if len(n.Results) > 0 {
					if id, ok := ast.Unparen(n.Results[len(n.Results)-1]).(*ast.Ident); !ok || id.Name != "nil" {
						if t := info.TypeOf(n.Results[len(n.Results)-1]); t != nil && types.Implements(t, errorType) {
							found = true
						}
					}
				}
				for _, r := range n.Results {
					ast.Inspect(r, func(m ast.Node) bool {
						switch m := m.(type) {
						case *ast.Ident:
							if info.Uses[m] == v || isCancelSentinel(info, m) {
								found = true
							}
						case *ast.SelectorExpr:
							if isCancelSentinel(info, m) {
								found = true
							}
						}
						return !found
					})
				}
			case *ast.CallExpr:
				switch fun := ast.Unparen(n.Fun).(type) {
				case *ast.SelectorExpr:
					if fun.Sel.Name == "Uncancel" {
						found = true
					}
				case *ast.Ident:
					if b, ok := info.Uses[fun].(*types.Builtin); ok && b.Name() == "panic" {
						found = true
					}
				}
			}
			return !found
		})
	}
	return found
}

// terminates reports whether stmts end by leaving the branch: a return, or a
// continue that carries on with the loop.
func terminates(stmts []ast.Stmt) bool {
	if len(stmts) == 0 {
		return false
	}
	switch st := stmts[len(stmts)-1].(type) {
	case *ast.ReturnStmt:
		return true
	case *ast.BranchStmt:
		return st.Tok == token.CONTINUE
	}
	return false
}
