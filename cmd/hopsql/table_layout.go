package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/apache/arrow/go/v15/arrow/array"
)

// writeTable prints rr for people, as a box table or, in expanded mode,
// a block per row (see tableRows.box and tableRows.expanded), followed by
// a line counting the rows and saying what was hidden. A result without
// columns prints that line only.
func writeTable(w io.Writer, rr array.RecordReader, o *outputOptions) (int64, error) {
	t, err := collectTable(rr, o)
	if err != nil {
		return t.total, err
	}
	var b strings.Builder
	switch {
	case len(t.names) == 0:
		fmt.Fprintf(&b, "%s, no columns\n", countOf(t.total, "row"))
	case t.total > 0 && (o.Expanded == expandedOn || o.Expanded == expandedAuto && o.Width > 0 && t.tooWide(o.Width)):
		t.expanded(&b, o.Width)
	default:
		t.box(&b, o.Width)
	}
	_, err = io.WriteString(w, b.String())
	return t.total, err
}

// alignment is how a value sits in its column.
type alignment int

const (
	alignLeft alignment = iota
	alignRight
	alignCenter
)

// boxColumn is a column of a box table as printed.
type boxColumn struct {
	index int // the result's column; -1 for the one standing for hidden columns
	width int
	align alignment // of the values
}

// widths returns the widths of the columns: of their names, types and
// shown values.
func (t *tableRows) widths() []int {
	widths := make([]int, len(t.names))
	for c := range widths {
		widths[c] = max(displayWidth(t.names[c]), displayWidth(t.types[c]))
	}
	for _, rows := range [][][]string{t.head, t.tail} {
		for _, r := range rows {
			for c, v := range r {
				widths[c] = max(widths[c], displayWidth(v))
			}
		}
	}
	return widths
}

// tooWide reports whether the box table would have to hide columns to
// fit width.
func (t *tableRows) tooWide(width int) bool {
	widths := t.widths()
	left, right := fitColumns(widths, width)
	return left+right < len(widths)
}

// boxWidth is the width of a box table with columns of the widths: a
// space either side of each value and a line between and around them.
func boxWidth(widths []int) int {
	w := 1
	for _, cw := range widths {
		w += cw + 3
	}
	return w
}

// fitColumns fits a box table with columns of the widths into width,
// narrowing the widths: it returns the columns it shows, the first left
// ones and the last right ones. No column is wider than maxCellWidth.
// When the columns do not fit, the widest are narrowed, down to
// minCellWidth; if that is not enough, the middle columns are hidden
// behind a column of elision: columns are taken from both ends in turn
// (first, last, second, second last, ...) while they fit, the last one
// taken narrowed to what is left, if that is at least minCellWidth. When
// not even the first column fits, it is shown alone, narrowed to fit.
func fitColumns(widths []int, width int) (left, right int) {
	n := len(widths)
	for c := range widths {
		widths[c] = min(widths[c], maxCellWidth)
	}
	if boxWidth(widths) <= width {
		return n, 0
	}
	narrowed := make([]int, n)
	for limit := maxCellWidth - 1; limit >= minCellWidth; limit-- {
		for c, w := range widths {
			narrowed[c] = min(w, limit)
		}
		if boxWidth(narrowed) <= width {
			copy(widths, narrowed)
			return n, 0
		}
	}
	budget := width - boxWidth([]int{displayWidth(elision)})
	used := 0
	for left+right < n {
		c := left
		if right < left {
			c = n - 1 - right
		}
		if used+widths[c]+3 > budget {
			if rest := budget - used - 3; rest >= minCellWidth {
				widths[c] = rest
			} else {
				break
			}
		}
		used += widths[c] + 3
		if c == left {
			left++
		} else {
			right++
		}
	}
	if left == 0 {
		if n == 1 {
			budget = width - boxWidth(nil) // no column of hidden ones
		}
		widths[0] = max(1, budget-3)
		return 1, 0
	}
	return left, right
}

// box prints the table: the names and types of the columns, then the
// rows; numbers are aligned right. When the table is wider than width
// (if not 0), columns are narrowed and middle columns hidden, as
// fitColumns says. When rows are hidden, a row of marker stands between
// the first and last ones.
func (t *tableRows) box(b *strings.Builder, width int) {
	widths := t.widths()
	left, right := len(widths), 0
	if width > 0 {
		left, right = fitColumns(widths, width)
	}
	hiddenCols := len(widths) - left - right
	var cols []boxColumn
	add := func(c int) {
		align := alignLeft
		if t.right[c] {
			align = alignRight
		}
		cols = append(cols, boxColumn{index: c, width: widths[c], align: align})
	}
	for c := range left {
		add(c)
	}
	if hiddenCols > 0 {
		cols = append(cols, boxColumn{index: -1, width: displayWidth(elision), align: alignCenter})
	}
	for c := len(widths) - right; c < len(widths); c++ {
		add(c)
	}

	rule := func(l, m, r string) {
		b.WriteString(l)
		for i, col := range cols {
			if i > 0 {
				b.WriteString(m)
			}
			b.WriteString(strings.Repeat("─", col.width+2))
		}
		b.WriteString(r + "\n")
	}
	line := func(cell func(col boxColumn) (string, alignment)) {
		b.WriteString("│")
		for _, col := range cols {
			text, align := cell(col)
			b.WriteString(" " + pad(text, col.width, align) + " │")
		}
		b.WriteString("\n")
	}
	values := func(row []string) func(boxColumn) (string, alignment) {
		return func(col boxColumn) (string, alignment) {
			if col.index < 0 {
				return elision, alignCenter
			}
			return row[col.index], col.align
		}
	}
	header := func(texts []string, hidden string) func(boxColumn) (string, alignment) {
		return func(col boxColumn) (string, alignment) {
			if col.index < 0 {
				return hidden, alignCenter
			}
			return texts[col.index], alignLeft
		}
	}

	rule("┌", "┬", "┐")
	line(header(t.names, elision))
	line(header(t.types, ""))
	rule("├", "┼", "┤")
	for _, r := range t.head {
		line(values(r))
	}
	if t.shown() < t.total {
		line(func(boxColumn) (string, alignment) { return marker, alignCenter })
	}
	for _, r := range t.lastRows() {
		line(values(r))
	}
	rule("└", "┴", "┘")
	b.WriteString(t.footer(hiddenCols))
}

// expanded prints each row as a block, as psql's \x does: a line
// "-[ RECORD n ]" followed by a line per column with its name and value.
// Values are cut to fit width (if not 0). When rows are hidden, a line
// of marker stands between the first and last ones.
func (t *tableRows) expanded(b *strings.Builder, width int) {
	nameWidth := 0
	for _, n := range t.names {
		nameWidth = max(nameWidth, min(displayWidth(n), maxCellWidth))
	}
	valueWidth := 0
	for _, rows := range [][][]string{t.head, t.tail} {
		for _, r := range rows {
			for _, v := range r {
				valueWidth = max(valueWidth, displayWidth(v))
			}
		}
	}
	lineWidth := nameWidth + 3 + valueWidth
	if width > 0 {
		valueWidth = min(valueWidth, max(1, width-nameWidth-3))
		lineWidth = min(lineWidth, width)
	}
	record := func(n int64, row []string) {
		label := "-[ RECORD " + groupDigits(n) + " ]"
		b.WriteString(label + strings.Repeat("-", max(0, lineWidth-displayWidth(label))) + "\n")
		for c, v := range row {
			b.WriteString(pad(t.names[c], nameWidth, alignLeft) + " | " + cut(v, valueWidth) + "\n")
		}
	}
	for i, r := range t.head {
		record(int64(i+1), r)
	}
	if t.shown() < t.total {
		b.WriteString(marker + "\n")
	}
	first := t.total - int64(len(t.tail)) + 1
	for i, r := range t.lastRows() {
		record(first+int64(i), r)
	}
	b.WriteString(t.footer(0))
}

// footer is the line under a table: "3 rows", or "12,345 rows (40
// shown)" when rows are hidden, followed by ", 20 columns (12 hidden)"
// when columns are.
func (t *tableRows) footer(hiddenCols int) string {
	s := countOf(t.total, "row")
	if shown := t.shown(); shown < t.total {
		s += " (" + groupDigits(shown) + " shown)"
	}
	if hiddenCols > 0 {
		s += ", " + countOf(int64(len(t.names)), "column") + " (" + groupDigits(int64(hiddenCols)) + " hidden)"
	}
	return s + "\n"
}

// pad cuts text to width and fills it with spaces to width, aligned.
func pad(text string, width int, align alignment) string {
	text = cut(text, width)
	gap := width - displayWidth(text)
	if gap <= 0 {
		return text
	}
	switch align {
	case alignRight:
		return strings.Repeat(" ", gap) + text
	case alignCenter:
		return strings.Repeat(" ", gap/2) + text + strings.Repeat(" ", gap-gap/2)
	}
	return text + strings.Repeat(" ", gap)
}

// countOf formats a count with its noun: "1 row", "12,345 rows".
func countOf(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return groupDigits(n) + " " + noun + "s"
}
