package plantest

import (
	"cmp"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The rules by which a value of one result equals a value of another,
// whatever engine produced each (hopsql types follow MySQL, DuckDB's its
// own, so the same answer may come as DECIMAL on one side and DOUBLE or
// HUGEINT on the other):
//
//   - NULL equals only NULL.
//   - Integers and decimals are exact rationals: 3 equals 3.00, 3.001 does
//     not equal 3.00.
//   - When either side is a DOUBLE or FLOAT, the two are equal within 1e-9
//     relative or 1e-12 absolute; when the other side is a DECIMAL of scale
//     s, also within half a unit of its last digit (0.5e-s), the rounding the
//     decimal type itself implies (MySQL's AVG and division give decimals
//     where DuckDB gives doubles).
//   - A BOOLEAN equals an integer 1 (true) or 0 (false).
//   - A DATE equals the TIMESTAMP at its midnight.
//   - Anything else compares by its canonical text.

// Class is how Compare treats the values of a DuckDB type.
type Class int

// The classes: text compared as it is written, exact numbers (integers and
// decimals), floats (within a relative tolerance), booleans and times.
const (
	ClassText Class = iota
	ClassExact
	ClassFloat
	ClassBool
	ClassTime
)

// TypeClass returns the comparison class of a DuckDB type name and, for
// decimals, the scale (-1 otherwise).
func TypeClass(t string) (Class, int) {
	u := strings.ToUpper(strings.TrimSpace(t))
	switch {
	case strings.HasPrefix(u, "DECIMAL"):
		scale := 0
		if i, j := strings.IndexByte(u, ','), strings.IndexByte(u, ')'); i > 0 && j > i {
			if s, err := strconv.Atoi(strings.TrimSpace(u[i+1 : j])); err == nil {
				scale = s
			}
		}
		return ClassExact, scale
	case u == "DOUBLE" || u == "FLOAT" || u == "REAL":
		return ClassFloat, -1
	case u == "BOOLEAN":
		return ClassBool, -1
	case u == "DATE" || strings.HasPrefix(u, "TIMESTAMP"):
		return ClassTime, -1
	}
	switch u {
	case "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT",
		"UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT":
		return ClassExact, -1
	}
	return ClassText, -1
}

// cell is a parsed value.
type cell struct {
	null  bool
	class Class
	scale int // decimal scale, -1 for integers
	rat   *big.Rat
	f     float64
	t     int64 // microseconds since the epoch, UTC
	text  string
}

func parseCell(v Value, typ string) (cell, error) {
	if v.Null {
		return cell{null: true}, nil
	}
	c := cell{text: v.Text}
	c.class, c.scale = TypeClass(typ)
	switch c.class {
	case ClassExact:
		r, ok := new(big.Rat).SetString(v.Text)
		if !ok {
			return c, fmt.Errorf("%q is not a number of type %s", v.Text, typ)
		}
		c.rat = r
	case ClassFloat:
		f, err := strconv.ParseFloat(v.Text, 64)
		if err != nil {
			return c, fmt.Errorf("%q is not a number of type %s", v.Text, typ)
		}
		c.f = f
	case ClassBool:
		switch v.Text {
		case "true":
			c.rat = big.NewRat(1, 1)
		case "false":
			c.rat = new(big.Rat)
		default:
			return c, fmt.Errorf("%q is not a boolean", v.Text)
		}
	case ClassTime:
		t, err := parseTime(v.Text)
		if err != nil {
			return c, err
		}
		c.t = t
	}
	return c, nil
}

func parseTime(s string) (int64, error) {
	for _, layout := range []string{"2006-01-02 15:04:05.999999999", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UnixMicro(), nil
		}
	}
	return 0, fmt.Errorf("%q is not a date or timestamp", s)
}

func (c cell) numeric() bool {
	return c.class == ClassExact || c.class == ClassFloat || c.class == ClassBool
}

func (c cell) float() float64 {
	if c.class == ClassFloat {
		return c.f
	}
	f, _ := c.rat.Float64()
	return f
}

// equal applies the rules above.
func equal(a, b cell) bool {
	if a.null || b.null {
		return a.null && b.null
	}
	switch {
	case a.numeric() && b.numeric():
		if a.class != ClassFloat && b.class != ClassFloat {
			return a.rat.Cmp(b.rat) == 0
		}
		x, y := a.float(), b.float()
		if x == y || math.IsNaN(x) && math.IsNaN(y) {
			return true
		}
		d := math.Abs(x - y)
		tol := max(1e-12, 1e-9*max(math.Abs(x), math.Abs(y)))
		for _, c := range []cell{a, b} {
			if c.class == ClassExact && c.scale >= 0 {
				tol = max(tol, 0.5*math.Pow10(-c.scale)*(1+1e-9)+1e-12)
			}
		}
		return d <= tol
	case a.class == ClassTime && b.class == ClassTime:
		return a.t == b.t
	}
	return a.text == b.text
}

// approximate reports whether values of a column compare with a tolerance.
func approximate(a, b Class) bool {
	return a == ClassFloat || b == ClassFloat
}

// key is a value's sort key for matching unordered rows: equal exact values
// get equal keys whatever their spelling.
func key(c cell) string {
	switch {
	case c.null:
		return ""
	case c.numeric() && c.class != ClassFloat:
		return "n" + c.rat.RatString()
	case c.class == ClassTime:
		return "t" + strconv.FormatInt(c.t, 10)
	}
	return "s" + c.text
}

// Compare reports how got differs from want: a different number of columns
// or rows, or the first rows that differ. Row order matters only when
// ordered is set; otherwise both sides are sorted before rows are paired.
// Column names and types are not compared, only values (see the rules
// above). Compare returns nil when the results are the same.
func Compare(want, got *Result, ordered bool) error {
	if len(want.Columns) != len(got.Columns) {
		return fmt.Errorf("%d columns, want %d\nwant columns: %s\ngot columns:  %s",
			len(got.Columns), len(want.Columns), columnList(want.Columns), columnList(got.Columns))
	}
	w, err := parseRows(want)
	if err != nil {
		return fmt.Errorf("expected result: %w", err)
	}
	g, err := parseRows(got)
	if err != nil {
		return fmt.Errorf("result: %w", err)
	}
	if !ordered {
		approx := make([]bool, len(want.Columns))
		for i := range approx {
			wc, _ := TypeClass(want.Columns[i].Type)
			gc, _ := TypeClass(got.Columns[i].Type)
			approx[i] = approximate(wc, gc)
		}
		sortRows(w, approx)
		sortRows(g, approx)
	}
	count := ""
	if len(w) != len(g) {
		count = fmt.Sprintf("%d rows, want %d; ", len(g), len(w))
	}
	for i := 0; i < min(len(w), len(g)); i++ {
		for j := range w[i] {
			if !equal(w[i][j], g[i][j]) {
				return fmt.Errorf("%srow %d differs in column %d (%s): got %s, want %s\n%s",
					count, i+1, j+1, want.Columns[j].Name, display(g[i][j]), display(w[i][j]), context(want, got, w, g, i))
			}
		}
	}
	if count != "" {
		return fmt.Errorf("%sthe first %d agree\n%s", count, min(len(w), len(g)), context(want, got, w, g, min(len(w), len(g))))
	}
	return nil
}

func parseRows(r *Result) ([][]cell, error) {
	rows := make([][]cell, len(r.Rows))
	for i, row := range r.Rows {
		if len(row) != len(r.Columns) {
			return nil, fmt.Errorf("row %d has %d values for %d columns", i+1, len(row), len(r.Columns))
		}
		cells := make([]cell, len(row))
		for j, v := range row {
			c, err := parseCell(v, r.Columns[j].Type)
			if err != nil {
				return nil, fmt.Errorf("row %d, column %s: %w", i+1, r.Columns[j].Name, err)
			}
			cells[j] = c
		}
		rows[i] = cells
	}
	return rows, nil
}

// sortRows sorts by the exact columns' keys first, then by the approximate
// columns' values, so that rows pair up even when floats differ in their
// last digits.
func sortRows(rows [][]cell, approx []bool) {
	keys := make([][]string, len(rows))
	for i, r := range rows {
		keys[i] = make([]string, len(r))
		for j, c := range r {
			if !approx[j] {
				keys[i][j] = key(c)
			}
		}
	}
	idx := make([]int, len(rows))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(x, y int) int {
		for j := range approx {
			if !approx[j] {
				if c := strings.Compare(keys[x][j], keys[y][j]); c != 0 {
					return c
				}
			}
		}
		for j := range approx {
			if approx[j] {
				a, b := rows[x][j], rows[y][j]
				if a.null != b.null {
					if a.null {
						return -1
					}
					return 1
				}
				if !a.null && a.numeric() && b.numeric() {
					if c := cmp.Compare(a.float(), b.float()); c != 0 {
						return c
					}
				}
			}
		}
		return 0
	})
	sorted := make([][]cell, len(rows))
	for i, k := range idx {
		sorted[i] = rows[k]
	}
	copy(rows, sorted)
}

func display(c cell) string {
	if c.null {
		return Null
	}
	return strconv.Quote(c.text)
}

func columnList(cols []Column) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = quoteName(c.Name) + " " + c.Type
	}
	return strings.Join(parts, ", ")
}

// context shows a few rows of both sides around row i (0-based), as
// compared (sorted when the comparison was unordered).
func context(want, got *Result, w, g [][]cell, i int) string {
	var b strings.Builder
	from := max(0, i-2)
	show := func(label string, cols []Column, rows [][]cell) {
		fmt.Fprintf(&b, "%s (%d rows; %s):\n", label, len(rows), columnList(cols))
		for k := from; k < min(len(rows), i+3); k++ {
			mark := "  "
			if k == i {
				mark = "> "
			}
			parts := make([]string, len(rows[k]))
			for j, c := range rows[k] {
				if c.null {
					parts[j] = Null
				} else {
					parts[j] = escape(c.text)
				}
			}
			fmt.Fprintf(&b, "%s%d: %s\n", mark, k+1, strings.Join(parts, " | "))
		}
	}
	show("want", want.Columns, w)
	show("got", got.Columns, g)
	return b.String()
}
