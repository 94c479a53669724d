package asynciovet

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"path/filepath"
	"reflect"
	"sort"
	"strings"

	"golang.org/x/tools/go/analysis"
)

// funcFact is what the analyzer records about a function for the packages
// that import it. Facts only flow from a package to its importers, so a
// package cannot learn that another one calls its helper from a coroutine;
// it records instead what the helper would do there, and the importer, which
// knows where it calls from, reports at the call.
type funcFact struct {
	// Blocks names the first blocking call the function makes, directly or
	// through its callees, or is empty; Suggest is the await to use instead
	// and At where the call is ("file.go:12").
	Blocks, Suggest, At string
	// CoroutineParams are the indexes of the parameters the function runs as
	// coroutines (asynciotest.Run's main): arguments passed there are
	// coroutine bodies.
	CoroutineParams []int
	// Awaits reports that the function awaits with its first parameter, a
	// ctx: calling it is an await, and its error carries cancellation.
	Awaits bool
}

// AFact marks funcFact as an analysis fact.
func (*funcFact) AFact() {}

func (f *funcFact) String() string {
	var parts []string
	if f.Blocks != "" {
		parts = append(parts, "blocks: "+f.Blocks)
	}
	if len(f.CoroutineParams) > 0 {
		parts = append(parts, fmt.Sprintf("coroutine params %v", f.CoroutineParams))
	}
	if f.Awaits {
		parts = append(parts, "awaits")
	}
	return strings.Join(parts, ", ")
}

// A blockOp is a blocking call or channel operation in a function body.
type blockOp struct {
	node ast.Node
	blocker
	via string // the callee it happens in, for a call to a blocking function
	at  string // where the blocking call is, for a call to a blocking function
}

// A fnInfo is a function of the package: a declaration or a literal.
type fnInfo struct {
	node   ast.Node // *ast.FuncDecl or *ast.FuncLit
	body   *ast.BlockStmt
	obj    *types.Func // nil for a literal
	sig    *types.Signature
	params []*types.Var
	skip   bool // part of the asyncio runtime itself

	coroutine bool // runs as a task's coroutine, or is called with a task ctx
	onLoop    bool // runs on the loop's goroutine: a coroutine or reached from one
	// where tells, in reports, how a helper or callback came to run on the
	// loop: " (in f, called at x.go:12 from g)". Empty for a coroutine body,
	// whose reports need no explanation.
	where     string
	awaits    bool
	coroParam map[int]bool

	calls []*ast.CallExpr // direct calls, not those a go statement makes
	// closed are the channels the function closes, as far as the scan has
	// read it: receiving from one of them later only drains its buffer.
	closed map[*types.Var]bool
	ops    []blockOp // direct blocking operations
	block  *blockOp  // first blocking operation, direct or through callees
}

// name names f for messages.
func (f *fnInfo) name(fset *token.FileSet) string {
	if f.obj != nil {
		return qualifiedName(f.obj)
	}
	return "func literal at " + shortPos(fset, f.node.Pos())
}

// caller names f as the caller in a helper's report; the call's position is
// given beside it, so a literal needs no position of its own.
func (f *fnInfo) caller() string {
	if f.obj != nil {
		return qualifiedName(f.obj)
	}
	return "a func literal"
}

// shortPos formats pos as file.go:line.
func shortPos(fset *token.FileSet, pos token.Pos) string {
	p := fset.Position(pos)
	return fmt.Sprintf("%s:%d", filepath.Base(p.Filename), p.Line)
}

// rule is the check a finding belongs to; each exported analyzer reports one.
type rule int

const (
	ruleBlocking rule = iota
	ruleCancel
	ruleEscape
	ruleIgnore
)

type reportKey struct {
	rule rule
	node ast.Node
}

type finding struct {
	rule  rule
	node  ast.Node
	msg   string
	fixes []analysis.SuggestedFix
}

// result is the Coroutines analyzer's result: every finding of the package,
// which the rule analyzers report by rule.
type result struct {
	findings []finding
}

// state is one run of the Coroutines analyzer over a package.
type state struct {
	pass    *analysis.Pass
	fns     []*fnInfo
	byNode  map[ast.Node]*fnInfo
	byObj   map[*types.Func]*fnInfo
	litVar  map[*types.Var]*ast.FuncLit    // a local bound once to a literal
	initOf  map[*types.Var]ast.Expr        // a local's defining value
	owner   map[*types.Var]*fnInfo         // the function a parameter belongs to
	errFrom map[*types.Var][]*ast.CallExpr // calls whose last result a variable is assigned
	taskCtx map[*types.Var]bool
	// seeds are expressions that are coroutine bodies whatever else is
	// known: conversions to Coroutine, returned Coroutines, values assigned
	// to Coroutine variables.
	seeds []ast.Expr
	ign   *ignores
	res   result
	// reported avoids reporting one node twice from two paths.
	reported map[reportKey]bool
}

// runCoroutines works in phases: collect the package's functions and what
// they call; mark coroutine bodies and spread "runs on the loop" and "is a
// task ctx" through the calls until nothing changes (each round can reveal
// more, as when a helper turns out to run its parameter as a coroutine);
// summarize what each function blocks on, for the facts; then check the
// rules.
func runCoroutines(pass *analysis.Pass) (any, error) {
	s := &state{
		pass:     pass,
		byNode:   map[ast.Node]*fnInfo{},
		byObj:    map[*types.Func]*fnInfo{},
		litVar:   map[*types.Var]*ast.FuncLit{},
		initOf:   map[*types.Var]ast.Expr{},
		owner:    map[*types.Var]*fnInfo{},
		errFrom:  map[*types.Var][]*ast.CallExpr{},
		taskCtx:  map[*types.Var]bool{},
		reported: map[reportKey]bool{},
	}
	if isStd(pass.Pkg.Path()) {
		return &s.res, nil
	}
	s.ign = parseIgnores(pass, &s.res)
	s.collect()
	for _, sd := range s.seeds {
		s.markCoroutine(sd)
	}
	for changed := true; changed; {
		changed = s.seedCalls()
		if s.propagate() {
			changed = true
		}
	}
	s.summarize()
	s.exportFacts()
	s.check()
	s.ign.reportUnused(&s.res)
	return &s.res, nil
}

// collect records every function of the package, its calls and blocking
// operations, and the expressions that are coroutines by their type.
func (s *state) collect() {
	info := s.pass.TypesInfo
	for _, file := range s.pass.Files {
		name := s.pass.Fset.File(file.Pos()).Name()
		skip := s.pass.Pkg.Path() == asyncioPath && !strings.HasSuffix(name, "_test.go")
		var stack []*fnInfo
		var nodes []ast.Node
		ast.Inspect(file, func(n ast.Node) bool {
			if n == nil {
				top := nodes[len(nodes)-1]
				nodes = nodes[:len(nodes)-1]
				switch top.(type) {
				case *ast.FuncDecl, *ast.FuncLit:
					stack = stack[:len(stack)-1]
				}
				return true
			}
			nodes = append(nodes, n)
			var cur *fnInfo
			if len(stack) > 0 {
				cur = stack[len(stack)-1]
			}
			switch n := n.(type) {
			case *ast.FuncDecl:
				f := &fnInfo{node: n, body: n.Body, skip: skip}
				f.obj, _ = info.Defs[n.Name].(*types.Func)
				if f.obj != nil {
					f.sig = f.obj.Type().(*types.Signature)
					s.byObj[f.obj] = f
				}
				s.addFn(f)
				stack = append(stack, f)
			case *ast.FuncLit:
				f := &fnInfo{node: n, body: n.Body, skip: skip}
				f.sig, _ = info.TypeOf(n).(*types.Signature)
				s.addFn(f)
				stack = append(stack, f)
			case *ast.AssignStmt:
				s.collectAssign(n.Lhs, n.Rhs, n.Tok == token.DEFINE)
			case *ast.ValueSpec:
				lhs := make([]ast.Expr, len(n.Names))
				for i, id := range n.Names {
					lhs[i] = id
				}
				s.collectAssign(lhs, n.Values, true)
			case *ast.ReturnStmt:
				if cur != nil && cur.sig != nil && len(n.Results) == cur.sig.Results().Len() {
					for i, r := range n.Results {
						if isCoroutineType(cur.sig.Results().At(i).Type()) {
							s.seeds = append(s.seeds, r)
						}
					}
				}
			case *ast.CallExpr:
				if tv, ok := info.Types[n.Fun]; ok && tv.IsType() && isCoroutineType(tv.Type) && len(n.Args) == 1 {
					s.seeds = append(s.seeds, n.Args[0])
				}
			}
			return true
		})
	}
	for _, f := range s.fns {
		if f.body != nil {
			s.scanBody(f)
		}
	}
}

func (s *state) addFn(f *fnInfo) {
	s.fns = append(s.fns, f)
	s.byNode[f.node] = f
	if f.sig != nil {
		for i := 0; i < f.sig.Params().Len(); i++ {
			p := f.sig.Params().At(i)
			f.params = append(f.params, p)
			s.owner[p] = f
		}
	}
}

// collectAssign records locals bound to a literal or to a value, and seeds the
// values assigned to variables of a Coroutine type.
func (s *state) collectAssign(lhs, rhs []ast.Expr, define bool) {
	info := s.pass.TypesInfo
	if len(rhs) == 1 && len(lhs) > 0 {
		if call, ok := ast.Unparen(rhs[0]).(*ast.CallExpr); ok {
			if id, ok := lhs[len(lhs)-1].(*ast.Ident); ok {
				if v, ok := info.ObjectOf(id).(*types.Var); ok {
					s.errFrom[v] = append(s.errFrom[v], call)
				}
			}
		}
	}
	if define && len(rhs) == 1 && len(lhs) > 1 {
		// sub, cancel := context.WithCancel(ctx): the first result is the
		// one derivations and readers are traced through.
		if id, ok := lhs[0].(*ast.Ident); ok {
			if v, ok := info.ObjectOf(id).(*types.Var); ok {
				s.initOf[v] = rhs[0]
			}
		}
	}
	for i, l := range lhs {
		id, ok := l.(*ast.Ident)
		if !ok {
			continue
		}
		v, ok := info.ObjectOf(id).(*types.Var)
		if !ok {
			continue
		}
		if len(rhs) != len(lhs) {
			continue
		}
		if isCoroutineType(v.Type()) {
			s.seeds = append(s.seeds, rhs[i])
		}
		if !define {
			// A local assigned again may hold another function by the time
			// it is called: give up on it.
			delete(s.litVar, v)
			delete(s.initOf, v)
			continue
		}
		s.initOf[v] = rhs[i]
		if lit, ok := ast.Unparen(rhs[i]).(*ast.FuncLit); ok {
			s.litVar[v] = lit
		}
	}
}

// inspectBody visits the nodes of body that run as part of the function
// itself: it does not enter function literals (each is a function of its own)
// and leaves go statements to visit, which decides.
func inspectBody(body ast.Node, visit func(ast.Node) bool) {
	ast.Inspect(body, func(n ast.Node) bool {
		if n == nil {
			return true
		}
		if _, ok := n.(*ast.FuncLit); ok && n != body {
			visit(n)
			return false
		}
		return visit(n)
	})
}

// scanBody records f's direct calls and blocking operations.
func (s *state) scanBody(f *fnInfo) {
	inspectBody(f.body, func(n ast.Node) bool { return s.scanNode(f, n) })
}

func (s *state) scanNode(f *fnInfo, n ast.Node) bool {
	switch n := n.(type) {
	case *ast.GoStmt:
		// The call runs on another goroutine; its arguments are evaluated
		// here but rarely block.
		return false
	case *ast.SelectStmt:
		hasDefault := false
		for _, c := range n.Body.List {
			if c.(*ast.CommClause).Comm == nil {
				hasDefault = true
			}
		}
		if !hasDefault {
			f.ops = append(f.ops, blockOp{node: n, blocker: blocker{"select without default", "asyncio.Recv or asyncio.Send (or add a default case)"}})
		}
		// The channel operations of the cases are the select's: reported
		// with it, or not blocking at all. Calls in them (case v :=
		// <-next(ctx):) and the case bodies run as usual.
		for _, c := range n.Body.List {
			cc := c.(*ast.CommClause)
			if cc.Comm != nil {
				inspectBody(cc.Comm, func(m ast.Node) bool {
					if c, ok := m.(*ast.CallExpr); ok {
						s.scanNode(f, c)
					}
					return true
				})
			}
			for _, st := range cc.Body {
				inspectBody(st, func(m ast.Node) bool { return s.scanNode(f, m) })
			}
		}
		return false
	case *ast.SendStmt:
		f.ops = append(f.ops, blockOp{node: n, blocker: blocker{"channel send", "asyncio.Send"}})
	case *ast.UnaryExpr:
		if n.Op == token.ARROW && !s.isClosed(f, n.X) {
			b := blocker{"channel receive", "asyncio.Recv"}
			if isTimeChan(s.pass.TypesInfo, n.X) {
				b.suggest = "asyncio.Sleep"
			}
			f.ops = append(f.ops, blockOp{node: n, blocker: b})
		}
	case *ast.RangeStmt:
		if t := s.pass.TypesInfo.TypeOf(n.X); t != nil && !s.isClosed(f, n.X) {
			if _, ok := t.Underlying().(*types.Chan); ok {
				f.ops = append(f.ops, blockOp{node: n, blocker: blocker{"range over a channel", "asyncio.Recv in a loop"}})
			}
		}
	case *ast.CallExpr:
		f.calls = append(f.calls, n)
		if id, ok := ast.Unparen(n.Fun).(*ast.Ident); ok && len(n.Args) == 1 {
			if b, ok := s.pass.TypesInfo.Uses[id].(*types.Builtin); ok && b.Name() == "close" {
				if v, ok := s.pass.TypesInfo.Uses[identOf(n.Args[0])].(*types.Var); ok {
					if f.closed == nil {
						f.closed = map[*types.Var]bool{}
					}
					f.closed[v] = true
				}
			}
		}
		if b, ok := s.blockingCall(n); ok {
			f.ops = append(f.ops, blockOp{node: n, blocker: b})
		}
	}
	return true
}

// isClosed reports whether ch is a channel f closed earlier in its body.
func (s *state) isClosed(f *fnInfo, ch ast.Expr) bool {
	id := identOf(ch)
	if id == nil {
		return false
	}
	v, ok := s.pass.TypesInfo.Uses[id].(*types.Var)
	return ok && f.closed[v]
}

// isTimeChan reports whether e is time.After(d) or time.Tick(d): waiting on it
// is a sleep.
func isTimeChan(info *types.Info, e ast.Expr) bool {
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok {
		return false
	}
	fn := calleeFunc(info, call)
	return fn != nil && fn.Pkg() != nil && fn.Pkg().Path() == "time" && (fn.Name() == "After" || fn.Name() == "Tick")
}

// calleeFunc returns the function or method call calls statically, or nil.
func calleeFunc(info *types.Info, call *ast.CallExpr) *types.Func {
	fun := ast.Unparen(call.Fun)
	switch f := fun.(type) {
	case *ast.IndexExpr:
		fun = f.X
	case *ast.IndexListExpr:
		fun = f.X
	}
	var id *ast.Ident
	switch f := fun.(type) {
	case *ast.Ident:
		id = f
	case *ast.SelectorExpr:
		id = f.Sel
	default:
		return nil
	}
	fn, _ := info.Uses[id].(*types.Func)
	if fn == nil {
		return nil
	}
	return fn.Origin()
}

// resolve finds the function e denotes: one of the package's, another
// package's, or a function-typed parameter of one of the package's.
func (s *state) resolve(e ast.Expr) (f *fnInfo, ext *types.Func, param *types.Var) {
	e = ast.Unparen(e)
	switch x := e.(type) {
	case *ast.IndexExpr:
		e = x.X
	case *ast.IndexListExpr:
		e = x.X
	}
	var id *ast.Ident
	switch x := e.(type) {
	case *ast.FuncLit:
		return s.byNode[x], nil, nil
	case *ast.Ident:
		id = x
	case *ast.SelectorExpr:
		id = x.Sel
	default:
		return nil, nil, nil
	}
	switch obj := s.pass.TypesInfo.Uses[id].(type) {
	case *types.Func:
		obj = obj.Origin()
		if f := s.byObj[obj]; f != nil {
			return f, nil, nil
		}
		if obj.Pkg() != nil && obj.Pkg() != s.pass.Pkg {
			return nil, obj, nil
		}
	case *types.Var:
		if lit := s.litVar[obj]; lit != nil {
			return s.byNode[lit], nil, nil
		}
		if s.owner[obj] != nil {
			return nil, nil, obj
		}
	}
	return nil, nil, nil
}

// fact returns the fact recorded for another package's function, or nil.
func (s *state) fact(fn *types.Func) *funcFact {
	if fn == nil || fn.Pkg() == nil || fn.Pkg().Path() == asyncioPath {
		return nil
	}
	var ff funcFact
	if s.pass.ImportObjectFact(fn, &ff) {
		return &ff
	}
	return nil
}

// markCoroutine records that e, a function, runs as a coroutine body.
func (s *state) markCoroutine(e ast.Expr) bool {
	f, ext, param := s.resolve(e)
	switch {
	case f != nil:
		changed := !f.coroutine
		f.coroutine, f.onLoop = true, true
		f.where = ""
		if len(f.params) > 0 && isContext(f.params[0].Type()) && !s.taskCtx[f.params[0]] {
			s.taskCtx[f.params[0]] = true
			changed = true
		}
		return changed
	case ext != nil:
		if ff := s.fact(ext); ff != nil && ff.Blocks != "" {
			s.add(ruleBlocking, e, fmt.Sprintf("%s runs as a coroutine but blocks the event loop: it calls %s (%s); use %s", s.display(ext), ff.Blocks, ff.At, ff.Suggest))
		}
	case param != nil:
		return s.setCoroParam(param)
	}
	return false
}

func (s *state) setCoroParam(param *types.Var) bool {
	o := s.owner[param]
	for i, p := range o.params {
		if p == param && !o.coroParam[i] {
			if o.coroParam == nil {
				o.coroParam = map[int]bool{}
			}
			o.coroParam[i] = true
			return true
		}
	}
	return false
}

// coroutineArgIndexes returns which of call's arguments are coroutine bodies.
func (s *state) coroutineArgIndexes(call *ast.CallExpr) []int {
	info := s.pass.TypesInfo
	var idx []int
	fn := calleeFunc(info, call)
	if name, ok := apiName(fn); ok {
		idx = append(idx, coroutineArgs[name]...)
	}
	if sig, ok := info.TypeOf(call.Fun).(*types.Signature); ok {
		for i := range call.Args {
			if pt := paramType(sig, i); pt != nil && isCoroutineType(pt) {
				idx = append(idx, i)
			}
		}
	}
	f, ext, _ := s.resolve(call.Fun)
	if f != nil {
		for i := range f.coroParam {
			idx = append(idx, i)
		}
	} else if ff := s.fact(ext); ff != nil {
		idx = append(idx, ff.CoroutineParams...)
	}
	return idx
}

// paramType returns the type of sig's parameter that argument i binds to.
func paramType(sig *types.Signature, i int) types.Type {
	n := sig.Params().Len()
	if n == 0 {
		return nil
	}
	if sig.Variadic() && i >= n-1 {
		if s, ok := sig.Params().At(n - 1).Type().(*types.Slice); ok {
			return s.Elem()
		}
		return nil
	}
	if i >= n {
		return nil
	}
	return sig.Params().At(i).Type()
}

// seedCalls marks the coroutine arguments of every call, and the functions
// that await with their ctx.
func (s *state) seedCalls() bool {
	changed := false
	for _, f := range s.fns {
		for _, call := range f.calls {
			for _, i := range s.coroutineArgIndexes(call) {
				if i < len(call.Args) && s.markCoroutine(call.Args[i]) {
					changed = true
				}
			}
		}
		if !f.awaits && len(f.params) > 0 && isContext(f.params[0].Type()) && s.awaitsWith(f, f.params[0]) {
			f.awaits = true
			changed = true
			if !f.coroutine {
				f.coroutine, f.onLoop = true, true
				f.where = ""
				s.taskCtx[f.params[0]] = true
			}
		}
	}
	return changed
}

// awaitsWith reports whether f makes an await with ctx.
func (s *state) awaitsWith(f *fnInfo, ctx *types.Var) bool {
	for _, call := range f.calls {
		if len(call.Args) == 0 || s.pass.TypesInfo.Uses[identOf(call.Args[0])] != ctx {
			continue
		}
		if s.isAwaitCall(call) {
			return true
		}
	}
	return false
}

// isAwaitCall reports whether call is an await: one of asyncio's, a call of a
// Coroutine value, or a call of a function that awaits with its ctx.
func (s *state) isAwaitCall(call *ast.CallExpr) bool {
	info := s.pass.TypesInfo
	if fn := calleeFunc(info, call); isAwait(fn) {
		return true
	}
	if t := info.TypeOf(call.Fun); t != nil && isCoroutineType(t) {
		return true
	}
	f, ext, _ := s.resolve(call.Fun)
	if f != nil {
		return f.awaits
	}
	ff := s.fact(ext)
	return ff != nil && ff.Awaits
}

func identOf(e ast.Expr) *ast.Ident {
	id, _ := ast.Unparen(e).(*ast.Ident)
	return id
}

// display names fn for messages: qualified by its package's name unless it
// is in the package being checked.
func (s *state) display(fn *types.Func) string {
	if fn.Pkg() == nil || fn.Pkg() == s.pass.Pkg {
		return qualifiedName(fn)
	}
	return fn.Pkg().Name() + "." + qualifiedName(fn)
}

// isTaskCtx reports whether e is a variable holding a task's ctx.
func (s *state) isTaskCtx(e ast.Expr) bool {
	id := identOf(e)
	if id == nil {
		return false
	}
	v, ok := s.pass.TypesInfo.Uses[id].(*types.Var)
	return ok && s.taskCtx[v]
}

// derivedCtx is the context package's constructors whose result carries the
// parent's task: awaits with it work, and it is just as bound to the task.
var derivedCtx = map[string]bool{
	"WithCancel": true, "WithCancelCause": true, "WithTimeout": true, "WithTimeoutCause": true,
	"WithDeadline": true, "WithDeadlineCause": true, "WithValue": true, "WithoutCancel": true,
}

// propagate spreads "runs on the loop" and "is a task ctx" from the
// coroutines to what they call.
func (s *state) propagate() bool {
	changed := false
	info := s.pass.TypesInfo
	for v, e := range s.initOf {
		if s.taskCtx[v] || !isContext(v.Type()) {
			continue
		}
		if call, ok := ast.Unparen(e).(*ast.CallExpr); ok && len(call.Args) > 0 && s.isTaskCtx(call.Args[0]) {
			if fn := calleeFunc(info, call); fn != nil && fn.Pkg() != nil && fn.Pkg().Path() == "context" && derivedCtx[fn.Name()] {
				s.taskCtx[v] = true
				changed = true
			}
		}
	}
	for _, f := range s.fns {
		if !f.onLoop || f.body == nil {
			continue
		}
		for _, call := range f.calls {
			if name, ok := apiName(calleeFunc(info, call)); ok {
				for _, i := range callbackArgs[name] {
					if i < len(call.Args) {
						if g, _, _ := s.resolve(call.Args[i]); g != nil && !g.onLoop {
							g.onLoop, g.where = true, " (in a loop callback)"
							changed = true
						}
					}
				}
			}
			g, _, param := s.resolve(call.Fun)
			if param != nil {
				for _, a := range call.Args {
					if s.isTaskCtx(a) && s.setCoroParam(param) {
						changed = true
					}
				}
				continue
			}
			if g == nil {
				continue
			}
			if !g.onLoop {
				g.onLoop = true
				g.where = " (in " + g.name(s.pass.Fset) + ", called at " + shortPos(s.pass.Fset, call.Pos()) + " from " + f.caller() + ")"
				changed = true
			}
			for i, a := range call.Args {
				if i < len(g.params) && isContext(g.params[i].Type()) && s.isTaskCtx(a) && !s.taskCtx[g.params[i]] {
					s.taskCtx[g.params[i]] = true
					g.coroutine = true
					changed = true
				}
			}
		}
	}
	return changed
}

// summarize finds, for every function, the first blocking operation it makes
// directly or through the package's functions and imported ones it calls.
func (s *state) summarize() {
	for _, f := range s.fns {
		if f.skip {
			continue
		}
		for i := range f.ops {
			if !s.ign.silenced(f.ops[i].node.Pos()) {
				f.block = &f.ops[i]
				break
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for _, f := range s.fns {
			if f.block != nil || f.skip {
				continue
			}
			for _, call := range f.calls {
				if op := s.calleeBlocks(call); op != nil && !s.ign.silenced(call.Pos()) {
					f.block = op
					changed = true
					break
				}
			}
		}
	}
}

// calleeBlocks returns the blocking operation a call of a function makes in
// that function, or nil.
func (s *state) calleeBlocks(call *ast.CallExpr) *blockOp {
	g, ext, _ := s.resolve(call.Fun)
	if g != nil && g.block != nil && !g.skip {
		at := g.block.at
		if at == "" {
			at = shortPos(s.pass.Fset, g.block.node.Pos())
		}
		return &blockOp{node: call, blocker: g.block.blocker, via: g.name(s.pass.Fset), at: at}
	}
	if ff := s.fact(ext); ff != nil && ff.Blocks != "" {
		return &blockOp{node: call, blocker: blocker{ff.Blocks, ff.Suggest}, via: s.display(ext), at: ff.At}
	}
	return nil
}

func (s *state) exportFacts() {
	for _, f := range s.fns {
		if f.obj == nil || f.skip {
			continue
		}
		ff := &funcFact{Awaits: f.awaits}
		if f.block != nil {
			ff.Blocks, ff.Suggest, ff.At = f.block.what, f.block.suggest, f.block.at
			if ff.At == "" {
				ff.At = shortPos(s.pass.Fset, f.block.node.Pos())
			}
		}
		for i := range f.coroParam {
			ff.CoroutineParams = append(ff.CoroutineParams, i)
		}
		sort.Ints(ff.CoroutineParams)
		if !reflect.DeepEqual(*ff, funcFact{}) {
			s.pass.ExportObjectFact(f.obj, ff)
		}
	}
}

// add records a finding unless an ignore comment silences its line.
func (s *state) add(r rule, n ast.Node, msg string, fixes ...analysis.SuggestedFix) {
	k := reportKey{r, n}
	if s.reported[k] || s.ign.silenced(n.Pos()) {
		return
	}
	s.reported[k] = true
	s.res.findings = append(s.res.findings, finding{rule: r, node: n, msg: msg, fixes: fixes})
}
