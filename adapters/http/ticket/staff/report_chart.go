package staff

import (
	"strconv"

	"supportal/domain/ticket/report"
)

// chart is a horizontal bar chart drawn as inline SVG by the report
// template: one group per row of its table, each with one bar per series.
// Positions are in the units of a viewBox chartWidth wide, so that it
// scales with the page and stays readable on a narrow screen. Summary
// gives the figures as text for the SVG's title (role="img").
type chart struct {
	Summary string
	Height  int
	Series  []string // legend labels, with two or more series
	Groups  []chartGroup
}

// chartGroup is a label and its bars.
type chartGroup struct {
	Label  string
	LabelY int
	Bars   []chartBar
}

// chartBar is one bar: its place, its length and the figure written after it.
type chartBar struct {
	Y, W, TextX int
	Series      int // which series (its colour)
	Text        string
}

// The geometry of the charts, in viewBox units.
const (
	chartWidth = 360
	barArea    = 280 // the longest bar; the figure is written after it
	barHeight  = 14
	labelLine  = 16
)

// build places the groups' bars: values are scaled to max (nothing drawn
// at 0); text is written after each bar.
func build(summary string, series []string, labels []string, values [][]float64, texts [][]string, max float64) *chart {
	ch := &chart{Summary: summary, Series: series}
	y := 0
	if len(series) > 1 {
		y = labelLine + 4 // the legend's line
	}
	for i, l := range labels {
		g := chartGroup{Label: l, LabelY: y + 12}
		y += labelLine
		for k, v := range values[i] {
			w := 0
			if max > 0 {
				w = int(v / max * barArea)
			}
			if v > 0 && w < 2 {
				w = 2
			}
			g.Bars = append(g.Bars, chartBar{Y: y, W: w, TextX: w + 4, Series: k, Text: texts[i][k]})
			y += barHeight + 3
		}
		y += 6
		ch.Groups = append(ch.Groups, g)
	}
	ch.Height = y
	return ch
}

// summarize writes a chart's caption and figures as one sentence of the
// viewer's language, for the chart's title.
type summarize func(caption string, parts []string) string

// countChart draws the counts of a two-column table (label, count).
func countChart(sum summarize, caption string, rows [][]string) *chart {
	labels, values, texts := make([]string, 0, len(rows)), [][]float64{}, [][]string{}
	max, parts := 0.0, []string{}
	for _, r := range rows {
		n, _ := strconv.ParseFloat(r[1], 64)
		max = maxf(max, n)
		labels, values, texts = append(labels, r[0]), append(values, []float64{n}), append(texts, []string{r[1]})
		parts = append(parts, r[0]+" "+r[1])
	}
	return build(sum(caption, parts), nil, labels, values, texts, max)
}

// shareChart draws the first-response and resolution shares met of SLA
// rows, from 0 to 100 %.
func shareChart(sum summarize, caption, first, res, lang string, rows []report.Attainment, label func(report.Attainment) string) *chart {
	labels, values, texts := []string{}, [][]float64{}, [][]string{}
	parts := []string{}
	for _, a := range rows {
		f, _ := a.First.Share()
		r, _ := a.Res.Share()
		ft, rt := share(a.First), share(a.Res)
		labels = append(labels, label(a))
		if a.First.Total() == 0 && a.Res.Total() == 0 { // nothing judged: one line
			values, texts = append(values, []float64{0}), append(texts, []string{ft})
		} else {
			values, texts = append(values, []float64{f, r}), append(texts, []string{ft, rt})
		}
		parts = append(parts, label(a)+" "+first+" "+ft+" · "+res+" "+rt)
	}
	return build(sum(caption, parts), []string{first, res}, labels, values, texts, 1)
}

// averageChart draws the average score per month, from 0 to 5.
func averageChart(sum summarize, caption, lang string, months []report.Ratings) *chart {
	labels, values, texts := []string{}, [][]float64{}, [][]string{}
	parts := []string{}
	for _, m := range months {
		a, _ := m.Average()
		txt := average(m)
		labels = append(labels, monthLabel(lang, m.Key))
		values = append(values, []float64{a})
		texts = append(texts, []string{txt})
		parts = append(parts, monthLabel(lang, m.Key)+" "+txt)
	}
	return build(sum(caption, parts), nil, labels, values, texts, 5)
}

func maxf(a, b float64) float64 {
	if b > a {
		return b
	}
	return a
}
