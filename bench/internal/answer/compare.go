package answer

import (
	"bytes"
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/zeebo/xxh3"

	"github.com/hopsql/hopsql/planner/plantest"
)

// examples is how many differing rows a mismatch shows of each side.
const examples = 5

// Compare reports how got differs from want, or returns nil when they are
// the same answer by the rules of the package comment: a different number
// of columns, or, for an ordered comparison, the first row and column that
// differ with the rows around it; for an unordered one, how many rows of
// each side the other lacks, with a few of each. Column names are not
// compared, and types only through the rules.
func Compare(want, got *Answer, ordered bool) error {
	if len(want.Columns) != len(got.Columns) {
		return fmt.Errorf("%d columns, want %d\nwant columns: %s\ngot columns:  %s",
			len(got.Columns), len(want.Columns), columnList(want.Columns), columnList(got.Columns))
	}
	cols := plan(want.Columns, got.Columns)
	if ordered {
		return compareOrdered(want, got, cols)
	}
	return compareUnordered(want, got, cols)
}

// cursor walks an answer row by row.
type cursor struct {
	a    *Answer
	cols []column
	rec  int // index of the current record; -1 before the first
	i    int // row in the current record
	n    int // row in the answer
	encs []encoder
	fls  []floater // per column; nil but for approximate columns
}

func newCursor(a *Answer, cols []column) *cursor {
	return &cursor{a: a, cols: cols, rec: -1, n: -1}
}

// next moves to the next row; false at the end.
func (c *cursor) next() (bool, error) {
	c.i++
	c.n++
	for c.rec < 0 || c.i >= int(c.a.Records[c.rec].NumRows()) {
		c.rec++
		c.i = 0
		if c.rec >= len(c.a.Records) {
			return false, nil
		}
		if err := c.prepare(c.a.Records[c.rec]); err != nil {
			return false, err
		}
	}
	return true, nil
}

// prepare builds the encoders of rec's columns.
func (c *cursor) prepare(rec arrow.Record) error {
	c.encs = c.encs[:0]
	c.fls = c.fls[:0]
	for j, col := range rec.Columns() {
		enc, err := encoderFor(col, c.cols[j].mode)
		if err != nil {
			return fmt.Errorf("column %s: %w", c.a.Columns[j].Name, err)
		}
		var fl floater
		if c.cols[j].mode == modeApprox {
			if fl = floaterFor(col); fl == nil { // a NULL column
				fl = func(int) (float64, bool) { return 0, true }
			}
		}
		c.encs = append(c.encs, enc)
		c.fls = append(c.fls, fl)
	}
	return nil
}

// compareOrdered walks both answers in step and stops at the first value
// that differs.
func compareOrdered(want, got *Answer, cols []column) error {
	count := ""
	if want.Rows() != got.Rows() {
		count = fmt.Sprintf("%d rows, want %d; ", got.Rows(), want.Rows())
	}
	w, g := newCursor(want, cols), newCursor(got, cols)
	var bw, bg []byte
	for {
		wok, err := w.next()
		if err != nil {
			return fmt.Errorf("expected answer: %w", err)
		}
		gok, err := g.next()
		if err != nil {
			return fmt.Errorf("answer: %w", err)
		}
		if !wok || !gok {
			break
		}
		for j := range cols {
			if bw, err = w.encs[j](bw[:0], w.i); err != nil {
				return fmt.Errorf("expected answer: column %s: %w", want.Columns[j].Name, err)
			}
			if bg, err = g.encs[j](bg[:0], g.i); err != nil {
				return fmt.Errorf("answer: column %s: %w", got.Columns[j].Name, err)
			}
			same := bytes.Equal(bw, bg)
			if same && cols[j].mode == modeApprox && bw[0] == tagFloat {
				x, _ := w.fls[j](w.i)
				y, _ := g.fls[j](g.i)
				same = near(x, y, cols[j])
			}
			if !same {
				return fmt.Errorf("%srow %d differs in column %d (%s): got %s, want %s\n%s",
					count, w.n+1, j+1, want.Columns[j].Name, value(got, g.n, j), value(want, w.n, j), context(want, got, w.n))
			}
		}
	}
	if count != "" {
		n := min(want.Rows(), got.Rows())
		return fmt.Errorf("%sthe first %d agree\n%s", count, n, context(want, got, n))
	}
	return nil
}

// near reports whether two approximate values of column c are equal: as
// plantest, within 1e-9 relative or 1e-12 absolute, or half a unit of the
// last digit of either side's DECIMAL.
func near(x, y float64, c column) bool {
	if x == y || math.IsNaN(x) && math.IsNaN(y) {
		return true
	}
	tol := max(1e-12, 1e-9*max(math.Abs(x), math.Abs(y)))
	for _, s := range c.scales {
		if s >= 0 {
			tol = max(tol, 0.5*math.Pow10(-s)*(1+1e-9)+1e-12)
		}
	}
	return math.Abs(x-y) <= tol
}

// digest is one row of an unordered answer: the hash of its exact
// encoding and its row number, which also indexes its approximate values.
type digest struct {
	hi, lo uint64
	row    int
}

// digests is an answer reduced for an unordered comparison.
type digests struct {
	rows   []digest
	approx []int     // the approximate columns
	floats []float64 // len(approx) values per row, by row number
}

func (d *digests) float(row, k int) float64 { return d.floats[row*len(d.approx)+k] }

// order sorts by hash, then by approximate values.
func (d *digests) order(x, y digest) int {
	if c := cmp.Compare(x.hi, y.hi); c != 0 {
		return c
	}
	if c := cmp.Compare(x.lo, y.lo); c != 0 {
		return c
	}
	for k := range d.approx {
		if c := cmp.Compare(d.float(x.row, k), d.float(y.row, k)); c != 0 {
			return c
		}
	}
	return 0
}

// reduce reduces a to its sorted digests.
func reduce(a *Answer, cols []column) (*digests, error) {
	d := &digests{rows: make([]digest, 0, a.Rows())}
	for j, c := range cols {
		if c.mode == modeApprox {
			d.approx = append(d.approx, j)
		}
	}
	d.floats = make([]float64, 0, a.Rows()*len(d.approx))
	c := newCursor(a, cols)
	var buf []byte
	for {
		ok, err := c.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		buf = buf[:0]
		for j, enc := range c.encs {
			if buf, err = enc(buf, c.i); err != nil {
				return nil, fmt.Errorf("column %s: %w", a.Columns[j].Name, err)
			}
		}
		h := xxh3.Hash128(buf)
		d.rows = append(d.rows, digest{hi: h.Hi, lo: h.Lo, row: c.n})
		for _, j := range d.approx {
			f, _ := c.fls[j](c.i)
			d.floats = append(d.floats, f)
		}
	}
	slices.SortFunc(d.rows, d.order)
	return d, nil
}

// compareUnordered compares want and got as multisets of rows: it merges
// their sorted digests, pairing rows of equal hash whose approximate values
// are close.
func compareUnordered(want, got *Answer, cols []column) error {
	w, err := reduce(want, cols)
	if err != nil {
		return fmt.Errorf("expected answer: %w", err)
	}
	g, err := reduce(got, cols)
	if err != nil {
		return fmt.Errorf("answer: %w", err)
	}
	var missing, extra []int // the first few row numbers
	nMissing, nExtra := 0, 0
	i, j := 0, 0
	for i < len(w.rows) || j < len(g.rows) {
		var c int
		switch {
		case i == len(w.rows):
			c = 1
		case j == len(g.rows):
			c = -1
		default:
			x, y := w.rows[i], g.rows[j]
			c = cmp.Or(cmp.Compare(x.hi, y.hi), cmp.Compare(x.lo, y.lo))
			if c == 0 {
				if nearRows(w, g, x.row, y.row, cols) {
					i++
					j++
					continue
				}
				for k := range w.approx {
					if c = cmp.Compare(w.float(x.row, k), g.float(y.row, k)); c != 0 {
						break
					}
				}
				if c == 0 {
					c = -1
				}
			}
		}
		if c < 0 {
			nMissing++
			missing = keepFirst(missing, w.rows[i].row)
			i++
		} else {
			nExtra++
			extra = keepFirst(extra, g.rows[j].row)
			j++
		}
	}
	if nMissing == 0 && nExtra == 0 {
		return nil
	}
	var b strings.Builder
	if want.Rows() != got.Rows() {
		fmt.Fprintf(&b, "%d rows, want %d; ", got.Rows(), want.Rows())
	}
	fmt.Fprintf(&b, "%d expected rows missing, %d unexpected rows (compared in any order)\n", nMissing, nExtra)
	show := func(label string, a *Answer, rows []int, n int) {
		if n == 0 {
			return
		}
		fmt.Fprintf(&b, "%s (%d of %d; row numbers as yielded; %s):\n", label, len(rows), n, columnList(a.Columns))
		for _, r := range rows {
			fmt.Fprintf(&b, "  %d: %s\n", r+1, a.row(r))
		}
	}
	show("missing, from want", want, missing, nMissing)
	show("unexpected, from got", got, extra, nExtra)
	return fmt.Errorf("%s", strings.TrimSuffix(b.String(), "\n"))
}

// keepFirst adds row to rows, the smallest few row numbers, sorted.
func keepFirst(rows []int, row int) []int {
	if len(rows) == examples && row > rows[examples-1] {
		return rows
	}
	rows = append(rows, row)
	slices.Sort(rows)
	return rows[:min(len(rows), examples)]
}

// nearRows reports whether rows x of w and y of g, of equal hashes, have
// close approximate values.
func nearRows(w, g *digests, x, y int, cols []column) bool {
	for k, j := range w.approx {
		if !near(w.float(x, k), g.float(y, k), cols[j]) {
			return false
		}
	}
	return true
}

// value shows value j of row n of a, quoted.
func value(a *Answer, n, j int) string {
	rec, i := a.locate(n)
	col := rec.Column(j)
	if col.DataType().ID() == arrow.NULL || col.IsNull(i) {
		return plantest.Null
	}
	v, err := plantest.ArrowValue(col, i)
	if err != nil {
		return "?"
	}
	return strconv.Quote(v.Text)
}

// context shows rows n-2 to n+2 (0-based) of both answers, as yielded.
func context(want, got *Answer, n int) string {
	var b strings.Builder
	for _, s := range []struct {
		label string
		a     *Answer
	}{{"want", want}, {"got", got}} {
		fmt.Fprintf(&b, "%s (%d rows; %s):\n", s.label, s.a.Rows(), columnList(s.a.Columns))
		for k := max(0, n-2); k < min(s.a.Rows(), n+3); k++ {
			mark := "  "
			if k == n {
				mark = "> "
			}
			fmt.Fprintf(&b, "%s%d: %s\n", mark, k+1, s.a.row(k))
		}
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func columnList(cols []plantest.Column) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = c.Name + " " + c.Type
	}
	return strings.Join(parts, ", ")
}
