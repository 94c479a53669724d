package main

import (
	"fmt"
	"html"
	"math"
	"slices"
	"strings"
)

var colours = map[string]string{
	"asyncio-go": "#c0392b", "asyncio-go-default": "#e8867c", "go-iterpull": "#7f8c8d",
	"go-gmp1": "#1f5f99", "go-default": "#7fb3d5", "tokio": "#e67e22", "node": "#27ae60",
	"uvloop": "#7d3c98", "uvloop-proto": "#c39bd3", "asyncio": "#b7950b", "asyncio-proto": "#f4d03f",
	"trio": "#148f77",
}

const (
	chartW  = 1100
	panelW  = 535
	panelGX = 30
	labelW  = 130
	textW   = 120
	rowH    = 17
	barH    = 12
)

type scale struct {
	log    bool
	lo, hi float64
	ticks  []float64
}

// pick uses a log scale when the ratios in a panel span more than 5x, where a
// linear one would squash the slow runtimes into slivers.
func pick(rs []float64) scale {
	lo, hi := 1.0, 1.0
	for _, r := range rs {
		lo, hi = min(lo, r), max(hi, r)
	}
	if hi/lo > 5 {
		s := scale{log: true, lo: math.Pow(10, math.Floor(math.Log10(lo)+1e-9)), hi: math.Pow(10, math.Ceil(math.Log10(hi)-1e-9))}
		if s.hi <= s.lo {
			s.hi = s.lo * 10
		}
		decades := math.Round(math.Log10(s.hi / s.lo))
		for d := s.lo; d <= s.hi*1.0001; d *= 10 {
			s.ticks = append(s.ticks, d)
			if decades <= 2 && d*2 < s.hi {
				s.ticks = append(s.ticks, d*2, d*5)
			}
		}
		return s
	}
	step := 0.25
	for _, st := range []float64{0.25, 0.5, 1, 2} {
		step = st
		if hi*1.1/st <= 6 {
			break
		}
	}
	s := scale{lo: 0, hi: math.Ceil(hi*1.1/step) * step}
	for v := 0.0; v <= s.hi+1e-9; v += step {
		s.ticks = append(s.ticks, v)
	}
	return s
}

func (s scale) x(r, x0, w float64) float64 {
	if s.log {
		return x0 + (math.Log10(r)-math.Log10(s.lo))/(math.Log10(s.hi)-math.Log10(s.lo))*w
	}
	return x0 + (r-s.lo)/(s.hi-s.lo)*w
}

func tickLabel(v float64) string {
	if v >= 1 || v == 0 {
		return fmt.Sprintf("%g×", v)
	}
	return fmt.Sprintf("%g×", math.Round(v*1000)/1000)
}

type panel struct {
	m     metric
	rows  []string
	scale scale
}

func (t *table) svg() []byte {
	var panels []panel
	for _, m := range metrics {
		row := t.cells[m.label]
		var p panel
		p.m = m
		var rs []float64
		for _, rt := range runtimes {
			if c := row[rt]; c != nil && !math.IsNaN(c.ratio) {
				p.rows = append(p.rows, rt)
				rs = append(rs, c.ratio)
			}
		}
		if len(p.rows) == 0 {
			continue
		}
		p.scale = pick(rs)
		panels = append(panels, p)
	}
	var b strings.Builder
	e := html.EscapeString
	body := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }

	// The header: title, how to read it, and the legend.
	y := 34.0
	var head strings.Builder
	fmt.Fprintf(&head, `<text x="20" y="%.0f" class="title">asyncio-go beside its peers: each runtime's ratio to asyncio-go</text>`+"\n", y)
	y += 22
	machine := ""
	for _, r := range t.metaText("machine") {
		if r.str("name") == "CPU" {
			machine = "; " + r.str("text")
		}
	}
	worst := 0.0
	for _, r := range t.noise {
		pct, _ := r.num("lost_pct")
		worst = max(worst, pct)
	}
	fmt.Fprintf(&head, `<text x="20" y="%.0f" class="sub">&gt; 1× is better than asyncio-go (GOMAXPROCS=1): faster, less memory or more requests/s.</text>`+"\n", y)
	y += 17
	fmt.Fprintf(&head, `<text x="20" y="%.0f" class="sub">Median of %d pass(es)%s; the worst host-noise probe lost %.0f%% of a CPU.</text>`+"\n", y, t.passes, e(machine), worst)
	y += 14
	x := 20.0
	for _, rt := range t.present() {
		w := 30 + 7.8*float64(len(rt))
		if x+w > chartW-20 {
			x, y = 20, y+20
		}
		fmt.Fprintf(&head, `<rect x="%.0f" y="%.0f" width="12" height="12" fill="%s"/><text x="%.0f" y="%.0f" class="legend">%s</text>`+"\n", x, y+6, colours[rt], x+16, y+16, e(rt))
		x += w
	}
	y += 40

	var rowsSVG strings.Builder
	for i := 0; i < len(panels); i += 2 {
		h := 0.0
		for j := i; j < min(i+2, len(panels)); j++ {
			px := 20 + float64(j-i)*(panelW+panelGX)
			h = max(h, t.drawPanel(&rowsSVG, panels[j], px, y))
		}
		y += h + 26
	}
	height := y

	body(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%.0f" viewBox="0 0 %d %.0f" font-family="Helvetica, Arial, sans-serif">`, chartW, height, chartW, height)
	body(`<style>.title{font-size:20px;font-weight:bold;fill:#222}.sub{font-size:13px;fill:#444}.legend{font-size:13px;fill:#222}.ptitle{font-size:15px;font-weight:bold;fill:#222}.psub{font-size:12px;fill:#555}.rt{font-size:12px;fill:#222}.val{font-size:11px;fill:#333}.tick{font-size:10px;fill:#666}</style>`)
	body(`<rect width="100%%" height="100%%" fill="#ffffff"/>`)
	b.WriteString(head.String())
	b.WriteString(rowsSVG.String())
	body(`</svg>`)
	return []byte(b.String())
}

// drawPanel draws one workload's bars and returns the panel's height.
func (t *table) drawPanel(b *strings.Builder, p panel, x0, y0 float64) float64 {
	e := html.EscapeString
	row := t.cells[p.m.label]
	base := t.base[p.m.label]
	kind := "linear scale"
	if p.scale.log {
		kind = "log scale"
	}
	sub := fmt.Sprintf("%s: %s %s · %s", base, num(row[base].median), p.m.unit, kind)
	if base != baseline {
		sub = fmt.Sprintf("vs %s (asyncio-go: no network I/O yet) · %s %s · %s", base, num(row[base].median), p.m.unit, kind)
	}
	fmt.Fprintf(b, `<text x="%.0f" y="%.0f" class="ptitle">%s</text>`+"\n", x0, y0+14, e(p.m.label))
	fmt.Fprintf(b, `<text x="%.0f" y="%.0f" class="psub">%s</text>`+"\n", x0, y0+30, e(sub))
	top := y0 + 40
	px0, pw := x0+labelW, float64(panelW-labelW-textW)
	bottom := top + float64(len(p.rows))*rowH + 4
	for _, tk := range p.scale.ticks {
		tx := p.scale.x(tk, px0, pw)
		colour := "#e4e4e4"
		if tk == 1 {
			colour = "#555"
		}
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.0f" x2="%.1f" y2="%.0f" stroke="%s"/>`+"\n", tx, top-2, tx, bottom, colour)
		fmt.Fprintf(b, `<text x="%.1f" y="%.0f" class="tick" text-anchor="middle">%s</text>`+"\n", tx, bottom+12, tickLabel(tk))
	}
	if !slices.Contains(p.scale.ticks, 1) {
		tx := p.scale.x(1, px0, pw)
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.0f" x2="%.1f" y2="%.0f" stroke="#555"/>`+"\n", tx, top-2, tx, bottom)
	}
	origin := p.scale.lo
	if p.scale.log {
		origin = 1
	}
	for i, rt := range p.rows {
		c := row[rt]
		ry := top + float64(i)*rowH
		fmt.Fprintf(b, `<text x="%.0f" y="%.0f" class="rt" text-anchor="end">%s</text>`+"\n", px0-6, ry+barH-1, e(rt))
		xa, xb := p.scale.x(origin, px0, pw), p.scale.x(c.ratio, px0, pw)
		lo, hi := min(xa, xb), max(xa, xb)
		if hi-lo < 2 {
			lo, hi = lo-1, hi+1
		}
		fmt.Fprintf(b, `<rect x="%.1f" y="%.0f" width="%.1f" height="%d" fill="%s"><title>%s: %s %s, %s</title></rect>`+"\n",
			lo, ry, hi-lo, barH, colours[rt], e(rt), num(c.median), e(p.m.unit), ratio(c.ratio))
		label := ratio(c.ratio)
		if rt == base {
			label = "1× (baseline)"
		}
		fmt.Fprintf(b, `<text x="%.1f" y="%.0f" class="val">%s</text>`+"\n", max(hi, xa)+4, ry+barH-1, label)
	}
	return bottom + 14 - y0
}
