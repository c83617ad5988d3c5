// Package answer compares two engines' answers to the same query in their
// Arrow form, in memory that grows by a few dozen bytes per row rather
// than with the answers' text.
//
// The rules are planner/plantest's (see plantest.Compare), applied column
// by column according to both sides' DuckDB type names:
//
//   - integers, decimals and booleans on both sides compare exactly, as
//     rationals (3 = 3.00, true = 1);
//   - a DOUBLE or FLOAT on either side against a number compares within
//     1e-9 relative or 1e-12 absolute, and against a DECIMAL of scale s
//     also within half a unit of its last digit;
//   - DATE and TIMESTAMP compare as microseconds since the epoch (a date
//     is its midnight);
//   - anything else compares by its canonical text (strings byte for byte);
//   - NULL equals only NULL.
//
// Row order counts only when the comparison is ordered (ORDER BY). Then
// the two answers are walked in step, row by row. Otherwise each row is
// reduced to a 128-bit hash (xxh3) of a canonical encoding of its exact
// columns, whose bytes are equal exactly when plantest's values are equal,
// plus the float64 values of its approximate columns, which are kept
// beside the hash, never hashed: a tolerance cannot survive hashing or
// rounding (two values within 1e-9 of each other can always fall on either
// side of a rounding boundary). Both sides are sorted by hash, then by
// their approximate values, and merged; rows that tie on the hash pair up
// by their approximate values, exactly as plantest pairs rows after sorting
// by its exact keys. Two different rows are taken for equal only if their
// hashes collide (a chance of about n²/2¹²⁸ for n rows a side).
package answer

import (
	"fmt"
	"sort"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"

	"github.com/hopsql/hopsql/planner/plantest"
)

// Answer is a query's answer: its columns, with their DuckDB type names,
// and its records in the order the engine yielded them. An Answer owns a
// reference to each record.
type Answer struct {
	Columns []plantest.Column
	Records []arrow.Record
	// starts[i] is the answer's row number of Records[i]'s first row.
	starts []int
	rows   int
}

// New returns an Answer over records, which must all have len(columns)
// columns. It retains the records; Release releases them.
func New(columns []plantest.Column, records []arrow.Record) (*Answer, error) {
	a := &Answer{Columns: columns}
	for _, r := range records {
		if int(r.NumCols()) != len(columns) {
			return nil, fmt.Errorf("answer: a record has %d columns, the answer %d", r.NumCols(), len(columns))
		}
	}
	for _, r := range records {
		r.Retain()
		a.Records = append(a.Records, r)
		a.starts = append(a.starts, a.rows)
		a.rows += int(r.NumRows())
	}
	return a, nil
}

// Columns names schema's columns with DuckDB's names of their types
// (plantest.TypeName).
func Columns(schema *arrow.Schema) ([]plantest.Column, error) {
	cols := make([]plantest.Column, schema.NumFields())
	for i, f := range schema.Fields() {
		t, err := plantest.TypeName(f.Type)
		if err != nil {
			return nil, fmt.Errorf("answer: column %s: %w", f.Name, err)
		}
		cols[i] = plantest.Column{Name: f.Name, Type: t}
	}
	return cols, nil
}

// Read drains rr into an Answer whose columns are typed by Columns. It
// does not release rr.
func Read(rr array.RecordReader) (*Answer, error) {
	cols, err := Columns(rr.Schema())
	if err != nil {
		return nil, err
	}
	var recs []arrow.Record
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	for rr.Next() {
		r := rr.Record()
		r.Retain()
		recs = append(recs, r)
	}
	if err := rr.Err(); err != nil {
		return nil, fmt.Errorf("answer: %w", err)
	}
	return New(cols, recs)
}

// Rows returns the number of rows.
func (a *Answer) Rows() int { return a.rows }

// Release releases the records.
func (a *Answer) Release() {
	for _, r := range a.Records {
		r.Release()
	}
	a.Records, a.starts, a.rows = nil, nil, 0
}

// locate returns the record holding row n of the answer and n's index in
// it.
func (a *Answer) locate(n int) (arrow.Record, int) {
	i := sort.Search(len(a.starts), func(i int) bool { return a.starts[i] > n }) - 1
	return a.Records[i], n - a.starts[i]
}

// row renders row n (0-based) in canonical text, " | " between values.
func (a *Answer) row(n int) string {
	rec, i := a.locate(n)
	var b []byte
	for j, col := range rec.Columns() {
		if j > 0 {
			b = append(b, " | "...)
		}
		switch v, err := plantest.ArrowValue(col, i); {
		case col.DataType().ID() == arrow.NULL:
			b = append(b, plantest.Null...)
		case err != nil:
			b = append(b, '?')
		default:
			b = append(b, v.String()...)
		}
	}
	return string(b)
}
