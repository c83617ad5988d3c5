package main

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/apache/arrow/go/v15/arrow/array"
)

// nullText is how NULL appears in tables, distinct from the string "NULL"
// only by context; it is what DuckDB's shell and psql's \pset null show.
const nullText = "NULL"

// tableWriter prints a result as an aligned table with the column types
// under the names. It keeps at most maxRows formatted rows; the rest are
// counted and reported below the table.
type tableWriter struct {
	maxRows int
}

// write drains rr and prints it to w. It returns the number of rows.
func (tw tableWriter) write(w io.Writer, rr array.RecordReader) (int64, error) {
	schema := rr.Schema()
	ncol := schema.NumFields()
	head := make([]string, ncol)
	types := make([]string, ncol)
	right := make([]bool, ncol)
	for i, f := range schema.Fields() {
		head[i] = f.Name
		types[i] = typeLabel(f.Type)
		right[i] = rightAligned(f.Type)
	}
	var rows [][]string
	var total int64
	for rr.Next() {
		rec := rr.Record()
		n := int(rec.NumRows())
		for i := 0; i < n && len(rows) < tw.maxRows; i++ {
			row := make([]string, ncol)
			for c := 0; c < ncol; c++ {
				col := rec.Column(c)
				if col.IsNull(i) {
					row[c] = nullText
				} else {
					row[c] = sanitize(formatValue(col, i))
				}
			}
			rows = append(rows, row)
		}
		total += int64(n)
	}
	if err := rr.Err(); err != nil {
		return total, err
	}
	if ncol == 0 {
		_, err := fmt.Fprintf(w, "(%s)\n", plural(total, "row"))
		return total, err
	}
	width := make([]int, ncol)
	for c := range width {
		width[c] = max(utf8.RuneCountInString(head[c]), utf8.RuneCountInString(types[c]))
		for _, r := range rows {
			width[c] = max(width[c], utf8.RuneCountInString(r[c]))
		}
	}
	var b strings.Builder
	rule := func(l, m, r string) {
		b.WriteString(l)
		for c, wd := range width {
			if c > 0 {
				b.WriteString(m)
			}
			b.WriteString(strings.Repeat("─", wd+2))
		}
		b.WriteString(r + "\n")
	}
	line := func(cells []string, align func(int) bool) {
		b.WriteString("│")
		for c, cell := range cells {
			if c > 0 {
				b.WriteString("│")
			}
			pad := strings.Repeat(" ", width[c]-utf8.RuneCountInString(cell))
			if align(c) {
				b.WriteString(" " + pad + cell + " ")
			} else {
				b.WriteString(" " + cell + pad + " ")
			}
		}
		b.WriteString("│\n")
	}
	center := func(int) bool { return false }
	rule("┌", "┬", "┐")
	line(head, center)
	line(types, center)
	rule("├", "┼", "┤")
	for _, r := range rows {
		line(r, func(c int) bool { return right[c] })
	}
	rule("└", "┴", "┘")
	if total > int64(len(rows)) {
		fmt.Fprintf(&b, "%s (first %d shown)\n", plural(total, "row"), len(rows))
	} else {
		fmt.Fprintf(&b, "%s\n", plural(total, "row"))
	}
	_, err := io.WriteString(w, b.String())
	return total, err
}

// sanitize keeps control characters in values from breaking the table.
func sanitize(s string) string {
	if !strings.ContainsAny(s, "\n\r\t") {
		return s
	}
	return strings.NewReplacer("\n", `\n`, "\r", `\r`, "\t", `\t`).Replace(s)
}
