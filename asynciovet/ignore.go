package asynciovet

import (
	"bytes"
	"go/ast"
	"go/token"
	"os"
	"strings"

	"golang.org/x/tools/go/analysis"
)

// ignorePrefix starts the comment that silences one line: on that line, or
// alone on the line above it.
const ignorePrefix = "//asynciovet:ignore"

// An ignore is one ignore comment.
type ignore struct {
	comment *ast.Comment
	reason  string
	used    bool // it silenced a finding, or a blocking call in a summary
}

// ignores are the lines of a package that ignore comments silence.
type ignores struct {
	fset  *token.FileSet
	lines map[string]map[int]*ignore
	all   []*ignore
}

// parseIgnores reads the package's ignore comments and records a finding for
// each that gives no reason: a silenced check with no reason is a bug waiting
// for the next reader to trust it.
func parseIgnores(pass *analysis.Pass, res *result) *ignores {
	ig := &ignores{fset: pass.Fset, lines: map[string]map[int]*ignore{}}
	for _, file := range pass.Files {
		for _, cg := range file.Comments {
			for _, c := range cg.List {
				rest, ok := strings.CutPrefix(c.Text, ignorePrefix)
				if !ok || rest != "" && rest[0] != ' ' && rest[0] != '\t' {
					continue
				}
				in := &ignore{comment: c, reason: strings.TrimSpace(rest)}
				ig.all = append(ig.all, in)
				p := pass.Fset.Position(c.Pos())
				if ig.lines[p.Filename] == nil {
					ig.lines[p.Filename] = map[int]*ignore{}
				}
				ig.lines[p.Filename][p.Line] = in
				if aloneOnLine(pass, p) {
					ig.lines[p.Filename][p.Line+1] = in
				}
				if in.reason == "" {
					res.findings = append(res.findings, finding{rule: ruleIgnore, node: c,
						msg: ignorePrefix + " needs a reason: say why blocking, or dropping the error, is right here"})
				}
			}
		}
	}
	return ig
}

// aloneOnLine reports whether only blanks precede the comment at p on its
// line: such a comment speaks for the line below, while one after code speaks
// only for its own.
func aloneOnLine(pass *analysis.Pass, p token.Position) bool {
	read := pass.ReadFile
	if read == nil {
		read = os.ReadFile
	}
	src, err := read(p.Filename)
	if err != nil || p.Offset > len(src) {
		return true
	}
	start := bytes.LastIndexByte(src[:p.Offset], '\n') + 1
	return len(bytes.TrimSpace(src[start:p.Offset])) == 0
}

// silenced reports whether an ignore comment covers pos's line, and marks the
// comment used. Call it only for a finding about to be made.
func (ig *ignores) silenced(pos token.Pos) bool {
	p := ig.fset.Position(pos)
	in := ig.lines[p.Filename][p.Line]
	if in == nil {
		return false
	}
	in.used = true
	return true
}

// reportUnused records a finding for each ignore comment that silenced
// nothing: the code it excused has changed, and a stale excuse would silence
// whatever the line holds next.
func (ig *ignores) reportUnused(res *result) {
	for _, in := range ig.all {
		if !in.used && in.reason != "" {
			res.findings = append(res.findings, finding{rule: ruleIgnore, node: in.comment,
				msg: ignorePrefix + " silences nothing: remove it"})
		}
	}
}
