// Command report turns the raw lines of a bench/run into the cross-runtime
// table: the median of the passes, their spread and each runtime's ratio to
// asyncio-go. It prints the markdown, replaces the generated section of
// bench/RESULTS.md and draws bench/results.svg.
//
// Usage: report -in DIR [-results bench/RESULTS.md] [-svg bench/results.svg] [-readme README.md]
//
// DIR holds meta.jsonl (machine, versions, skipped runtimes) and one
// pass-N.jsonl per pass (result, noise and error lines).
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/asyncio-go/asyncio/bench/peers/internal/peer"
)

// The generated section of RESULTS.md lies between these markers; report
// replaces it and leaves the rest of the file alone.
const (
	beginMarker = "<!-- bench/run: begin generated section -->"
	endMarker   = "<!-- bench/run: end generated section -->"
	beginReadme = "<!-- bench/run: begin summary -->"
	endReadme   = "<!-- bench/run: end summary -->"
)

const baseline = "asyncio-go"

// fallback is the echo baseline while asyncio-go has no server of its own.
const fallback = "go-gmp1"

// runtimes is the column order: asyncio-go first, then roughly the peers from
// the closest to the farthest in design.
var runtimes = []string{
	"asyncio-go", "asyncio-go-default", "asyncio-go-gmp2", "asyncio-go-readinto", "go-iterpull", "go-gmp1", "go-default",
	"tokio", "node", "uvloop", "uvloop-proto", "asyncio", "asyncio-proto", "trio",
}

type metric struct {
	workload, field, label, unit string
	higher                       bool // a larger value is better
}

var metrics = []metric{
	{"switch", "value", "A. switch", "ns per switch", false},
	{"pingpong", "value", "B. ping-pong", "ns per round trip", false},
	{"spawn", "value", "C. spawn + gather", "ns per task", false},
	{"spawn", "bytes_per_task", "C. spawn, memory", "bytes per task", false},
	{"sleepers", "value", "D. sleepers", "ms beyond the longest delay", false},
	{"sleepers", "bytes_per_task", "D. sleepers, memory", "bytes per task", false},
	{"queue", "value", "F. bounded queue", "ns per item", false},
	{"echo-1k", "value", "E. echo 1 KiB", "requests/s", true},
	{"echo-1k", "server_cpu_us_per_req", "E. echo 1 KiB, server CPU", "µs per request", false},
	{"echo-64k", "mb_s", "E. echo 64 KiB", "MB/s", true},
}

type record map[string]any

func (r record) str(k string) string { s, _ := r[k].(string); return s }

func (r record) num(k string) (float64, bool) { v, ok := r[k].(float64); return v, ok }

// cell is one (metric, runtime) over the passes.
type cell struct {
	values      []float64
	hwmKiB      []float64
	n           int
	badChecksum int
	clientBound int
	median      float64
	spread      float64
	ratio       float64 // > 1: better than the metric's baseline
}

type table struct {
	passes   int
	meta     []record
	noise    []record
	problems []string // errors and skips, one line each
	cells    map[string]map[string]*cell
	base     map[string]string // metric label → baseline runtime
}

func main() {
	in := flag.String("in", "", "directory of a bench/run's raw lines")
	resultsMD := flag.String("results", "", "RESULTS.md whose generated section to replace")
	svgPath := flag.String("svg", "", "SVG chart to write")
	readme := flag.String("readme", "", "README whose summary table to replace (only if it has the markers)")
	section := flag.String("section", "", "name of the RESULTS.md section to replace instead of the main one (bench/run --only echo uses \"echo\")")
	flag.Parse()
	begin, end := beginMarker, endMarker
	if *section != "" {
		begin = "<!-- bench/run --only " + *section + ": begin generated section -->"
		end = "<!-- bench/run --only " + *section + ": end generated section -->"
	}
	t, err := load(*in)
	if err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
	md := t.markdown()
	fmt.Print(md)
	if *resultsMD != "" {
		if err := replaceSection(*resultsMD, begin, end, md, true); err != nil {
			fmt.Fprintln(os.Stderr, "report:", err)
			os.Exit(1)
		}
	}
	if *readme != "" {
		if err := replaceSection(*readme, beginReadme, endReadme, t.summary(), false); err != nil {
			fmt.Fprintln(os.Stderr, "report:", err)
			os.Exit(1)
		}
	}
	if *svgPath != "" {
		if err := os.WriteFile(*svgPath, t.svg(), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "report:", err)
			os.Exit(1)
		}
	}
}

func readLines(path string, each func(record)) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 || line[0] != '{' {
			continue
		}
		var r record
		if json.Unmarshal(line, &r) == nil {
			each(r)
		}
	}
	return sc.Err()
}

func load(dir string) (*table, error) {
	t := &table{cells: map[string]map[string]*cell{}, base: map[string]string{}}
	if err := readLines(filepath.Join(dir, "meta.jsonl"), func(r record) {
		if r.str("kind") == "skip" {
			t.problems = append(t.problems, fmt.Sprintf("%s: skipped: %s", r.str("runtime"), r.str("reason")))
			return
		}
		t.meta = append(t.meta, r)
	}); err != nil && !os.IsNotExist(err) {
		return nil, err
	}
	files, _ := filepath.Glob(filepath.Join(dir, "pass-*.jsonl"))
	if len(files) == 0 {
		return nil, fmt.Errorf("no pass-*.jsonl in %q", dir)
	}
	skipped := map[string]bool{}
	for _, f := range files {
		pass, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "pass-"), ".jsonl"))
		t.passes = max(t.passes, pass)
		err := readLines(f, func(r record) {
			switch {
			case r.str("kind") == "noise":
				t.noise = append(t.noise, r)
			case r.str("kind") == "error":
				t.problems = append(t.problems, fmt.Sprintf("%s %s, pass %d: failed: %s", r.str("runtime"), r.str("workload"), pass, r.str("reason")))
			case r.str("skipped") != "":
				key := r.str("runtime") + " " + r.str("workload")
				if !skipped[key] {
					skipped[key] = true
					t.problems = append(t.problems, fmt.Sprintf("%s %s: skipped: %s", r.str("runtime"), r.str("workload"), r.str("skipped")))
				}
			default:
				t.add(r)
			}
		})
		if err != nil {
			return nil, err
		}
	}
	t.summarise()
	return t, nil
}

func (t *table) add(r record) {
	rt, w := r.str("runtime"), r.str("workload")
	n, _ := r.num("n")
	warm, _ := r.num("warmup")
	sum, _ := r.num("checksum")
	want, known := peer.Expected(w, int(n), int(warm))
	bad := known && int64(sum) != want
	for _, m := range metrics {
		if m.workload != w {
			continue
		}
		v, ok := r.num(m.field)
		if !ok {
			continue
		}
		row := t.cells[m.label]
		if row == nil {
			row = map[string]*cell{}
			t.cells[m.label] = row
		}
		c := row[rt]
		if c == nil {
			c = &cell{}
			row[rt] = c
		}
		c.n = int(n)
		if bad {
			c.badChecksum++
			continue
		}
		c.values = append(c.values, v)
		if h, ok := r.num("hwm_kib"); ok {
			c.hwmKiB = append(c.hwmKiB, h)
		}
		if b, _ := r["client_bound"].(bool); b {
			c.clientBound++
		}
	}
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func (t *table) summarise() {
	for _, m := range metrics {
		row := t.cells[m.label]
		for _, c := range row {
			if len(c.values) == 0 {
				c.median = math.NaN()
				continue
			}
			c.median = median(c.values)
			c.spread = (slices.Max(c.values) - slices.Min(c.values)) / c.median
		}
		base := baseline
		if b := row[base]; b == nil || len(b.values) == 0 {
			base = fallback
		}
		t.base[m.label] = base
		b := row[base]
		for _, c := range row {
			c.ratio = math.NaN()
			if b == nil || len(c.values) == 0 || len(b.values) == 0 || c.median == 0 {
				continue
			}
			if m.higher {
				c.ratio = c.median / b.median
			} else {
				c.ratio = b.median / c.median
			}
		}
	}
}

// present returns the runtimes with at least one figure, in column order.
func (t *table) present() []string {
	var out []string
	for _, rt := range runtimes {
		for _, row := range t.cells {
			if c := row[rt]; c != nil && len(c.values) > 0 {
				out = append(out, rt)
				break
			}
		}
	}
	return out
}

func num(v float64) string {
	switch a := math.Abs(v); {
	case math.IsNaN(v):
		return "—"
	case a >= 1000:
		s := strconv.FormatInt(int64(math.Round(v)), 10)
		for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
			s = s[:i] + "," + s[i:]
		}
		return s
	case a >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case a >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	default:
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
}

func count(n int) string {
	if n == 0 {
		return "—"
	}
	return num(float64(n))
}

func ratio(r float64) string {
	switch {
	case math.IsNaN(r):
		return "—"
	case r >= 10:
		return strconv.FormatFloat(r, 'f', 1, 64) + "×"
	case r >= 0.1:
		return strconv.FormatFloat(r, 'f', 2, 64) + "×"
	default:
		return strconv.FormatFloat(r, 'f', 3, 64) + "×"
	}
}

func (t *table) metaText(kind string) []record {
	var out []record
	for _, r := range t.meta {
		if r.str("kind") == kind {
			out = append(out, r)
		}
	}
	return out
}

// summary is the table of medians and ratios, one row per metric; the
// README carries it too.
func (t *table) summary() string {
	var b strings.Builder
	cols := t.present()
	where := ""
	for _, r := range t.metaText("machine") {
		if n := r.str("name"); n == "Date" || n == "CPU" {
			where += ", " + r.str("text")
		}
	}
	worst := 0.0
	for _, r := range t.noise {
		pct, _ := r.num("lost_pct")
		worst = max(worst, pct)
	}
	fmt.Fprintf(&b, "Median of %d pass(es)%s; the worst host-noise probe lost %.1f%% of a CPU. In parentheses each runtime's ratio to asyncio-go (GOMAXPROCS=1), where > 1× is better than asyncio-go (faster, less memory, more requests/s). The best figure of each row is in bold.\n\n", t.passes, where, worst)
	b.WriteString("| workload | unit |")
	for _, rt := range cols {
		fmt.Fprintf(&b, " %s |", rt)
	}
	b.WriteString("\n| --- | --- |" + strings.Repeat(" ---: |", len(cols)) + "\n")
	footnote := false
	for _, m := range metrics {
		row := t.cells[m.label]
		if row == nil {
			continue
		}
		best := ""
		for _, rt := range cols {
			c := row[rt]
			if c == nil || len(c.values) == 0 {
				continue
			}
			if bc := row[best]; best == "" || (m.higher && c.median > bc.median) || (!m.higher && c.median < bc.median) {
				best = rt
			}
		}
		label := m.label
		if t.base[m.label] != baseline {
			label += " ¹"
			footnote = true
		}
		fmt.Fprintf(&b, "| %s | %s |", label, m.unit)
		for _, rt := range cols {
			c := row[rt]
			if c == nil || len(c.values) == 0 {
				b.WriteString(" — |")
				continue
			}
			v := num(c.median)
			if rt == best {
				v = "**" + v + "**"
			}
			if rt != t.base[m.label] {
				v += " (" + ratio(c.ratio) + ")"
			}
			fmt.Fprintf(&b, " %s |", v)
		}
		b.WriteString("\n")
	}
	if footnote {
		fmt.Fprintf(&b, "\n¹ asyncio-go has no network I/O yet, so the echo ratios are to %s.\n", fallback)
	}
	return b.String()
}

func (t *table) markdown() string {
	var b strings.Builder
	b.WriteString(t.summary())

	b.WriteString("\n### Every figure\n\n")
	b.WriteString("| workload | runtime | median | spread | vs baseline | peak RSS, MiB | n | notes |\n| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |\n")
	for _, m := range metrics {
		row := t.cells[m.label]
		for _, rt := range runtimes {
			c := row[rt]
			if c == nil {
				continue
			}
			var notes []string
			if c.badChecksum > 0 {
				notes = append(notes, fmt.Sprintf("wrong checksum in %d pass(es), left out", c.badChecksum))
			}
			if c.clientBound > 0 {
				notes = append(notes, fmt.Sprintf("client-bound? in %d of %d", c.clientBound, len(c.values)))
			}
			if len(c.values) < t.passes {
				notes = append(notes, fmt.Sprintf("%d of %d passes", len(c.values), t.passes))
			}
			fmt.Fprintf(&b, "| %s | %s | %s %s | %.0f%% | %s | %s | %s | %s |\n", m.label, rt, num(c.median), m.unit,
				100*c.spread, ratio(c.ratio), num(median(c.hwmKiB)/1024), count(c.n), strings.Join(notes, "; "))
		}
	}

	b.WriteString("\n### Machine and versions\n\n")
	for _, r := range t.metaText("machine") {
		fmt.Fprintf(&b, "- %s: %s\n", r.str("name"), r.str("text"))
	}
	for _, r := range t.metaText("version") {
		fmt.Fprintf(&b, "- %s: %s\n", r.str("runtime"), r.str("text"))
	}

	b.WriteString("\n### Host noise\n\nTime a spinning thread pinned to each CPU lost to gaps over 100 µs, at the start and the end of each pass.\n\n| pass | when | CPU | lost | gaps |\n| ---: | --- | ---: | ---: | ---: |\n")
	worst := 0.0
	for _, r := range t.noise {
		p, _ := r.num("pass")
		cpu, _ := r.num("cpu")
		pct, _ := r.num("lost_pct")
		gaps, _ := r.num("gaps")
		worst = max(worst, pct)
		fmt.Fprintf(&b, "| %d | %s | %d | %.2f%% | %d |\n", int(p), r.str("when"), int(cpu), pct, int(gaps))
	}
	fmt.Fprintf(&b, "\nWorst probe: %.2f%% of a CPU lost.\n", worst)

	if len(t.problems) > 0 {
		b.WriteString("\n### Skipped and failed\n\n")
		seen := map[string]bool{}
		for _, p := range t.problems {
			if !seen[p] {
				seen[p] = true
				fmt.Fprintf(&b, "- %s\n", p)
			}
		}
	}
	return b.String()
}

// replaceSection replaces what lies between the markers begin and end in the
// file at path with md. Where the markers are missing it appends a new
// section if add is set and leaves the file alone otherwise.
func replaceSection(path, begin, end, md string, add bool) error {
	old, err := os.ReadFile(path)
	if err != nil && (!add || !os.IsNotExist(err)) {
		return err
	}
	section := begin + "\n" + md + end
	s := string(old)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	switch {
	case i >= 0 && j > i:
		s = s[:i] + section + s[j+len(end):]
	case add:
		s = strings.TrimRight(s, "\n") + "\n\n## Cross-runtime peers\n\n" + section + "\n"
	default:
		return nil
	}
	return os.WriteFile(path, []byte(s), 0o644)
}
