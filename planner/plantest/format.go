// Package plantest holds the canonical text of query answers and the rules
// for comparing them, shared by hopsql's differential tests and the bench
// module's DuckDB oracle.
//
// An answer file (*.expected) starts with one header line naming the
// columns and their DuckDB types,
//
//	# columns: tx_id BIGINT, amount DECIMAL(12,2), "count_star()" BIGINT
//
// (names that are not plain words are double-quoted, with "" for a quote),
// followed by one line per row with the values separated by tabs:
//
//   - NULL is NULL;
//   - integers (HUGEINT too) are decimal integers;
//   - DECIMAL is exact text with its scale ("12.50");
//   - DOUBLE and FLOAT are %.17g;
//   - DATE is YYYY-MM-DD and TIMESTAMP YYYY-MM-DD HH:MM:SS.ffffff (UTC);
//   - BOOLEAN is true or false;
//   - strings have tab, newline, carriage return and backslash escaped as
//     \t, \n, \r and \\, and a string that reads NULL is written \NULL.
//
// Compare states the rules by which two answers are the same, and
// ParseQuery reads the header comments of a query file.
package plantest

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Null is the text of a NULL value.
const Null = "NULL"

// headerPrefix starts the first line of a result file.
const headerPrefix = "# columns:"

// Column is a result column: its name and DuckDB type name (BIGINT,
// DECIMAL(38,2), VARCHAR, ...).
type Column struct {
	Name, Type string
}

// Result is a query result in canonical text: one string per value, NULL
// as Null, strings unescaped.
type Result struct {
	Columns []Column
	Rows    [][]Value
}

// Value is one value of a result in canonical text. Null reports a NULL;
// Text is then empty.
type Value struct {
	Text string
	Null bool
}

// NullValue is a NULL value.
var NullValue = Value{Null: true}

// Text returns a non-NULL value.
func Text(s string) Value { return Value{Text: s} }

// String returns the value as it is written in a result file.
func (v Value) String() string {
	if v.Null {
		return Null
	}
	return escape(v.Text)
}

// Write writes r in the canonical text form.
func Write(w io.Writer, r *Result) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(headerPrefix)
	for i, c := range r.Columns {
		if i > 0 {
			bw.WriteByte(',')
		}
		bw.WriteByte(' ')
		bw.WriteString(quoteName(c.Name))
		bw.WriteByte(' ')
		bw.WriteString(c.Type)
	}
	bw.WriteByte('\n')
	for _, row := range r.Rows {
		for i, v := range row {
			if i > 0 {
				bw.WriteByte('\t')
			}
			bw.WriteString(v.String())
		}
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// SortRows sorts r's rows by their text, so that an answer whose row order
// does not matter is always written the same way.
func SortRows(r *Result) {
	type line struct {
		row  []Value
		text string
	}
	lines := make([]line, len(r.Rows))
	parts := make([]string, len(r.Columns))
	for i, row := range r.Rows {
		for j, v := range row {
			parts[j] = v.String()
		}
		lines[i] = line{row: row, text: strings.Join(parts, "\t")}
	}
	slices.SortStableFunc(lines, func(a, b line) int { return strings.Compare(a.text, b.text) })
	for i, l := range lines {
		r.Rows[i] = l.row
	}
}

// Read reads a result written by Write.
func Read(r io.Reader) (*Result, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 64<<20)
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("plantest: reading header: %w", err)
		}
		return nil, fmt.Errorf("plantest: empty result file: the first line must start with %q", headerPrefix)
	}
	cols, err := parseHeader(sc.Text())
	if err != nil {
		return nil, err
	}
	res := &Result{Columns: cols}
	for line := 2; sc.Scan(); line++ {
		fields := strings.Split(sc.Text(), "\t")
		if len(fields) != len(cols) {
			return nil, fmt.Errorf("plantest: line %d has %d values, the header names %d columns", line, len(fields), len(cols))
		}
		row := make([]Value, len(fields))
		for i, f := range fields {
			if f == Null {
				row[i] = NullValue
				continue
			}
			if row[i], err = unescape(f); err != nil {
				return nil, fmt.Errorf("plantest: line %d, column %d: %w", line, i+1, err)
			}
		}
		res.Rows = append(res.Rows, row)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("plantest: %w", err)
	}
	return res, nil
}

// parseHeader reads "# columns: name TYPE, name TYPE". A type may hold
// commas inside parentheses (DECIMAL(38,2)); a quoted name may hold
// anything.
func parseHeader(line string) ([]Column, error) {
	rest, ok := strings.CutPrefix(line, headerPrefix)
	if !ok {
		return nil, fmt.Errorf("plantest: the first line must start with %q, not %q", headerPrefix, line)
	}
	var cols []Column
	rest = strings.TrimLeft(rest, " ")
	for rest != "" {
		var name string
		if rest[0] == '"' {
			i := 1
			var b strings.Builder
			for ; i < len(rest); i++ {
				if rest[i] == '"' {
					if i+1 < len(rest) && rest[i+1] == '"' {
						b.WriteByte('"')
						i++
						continue
					}
					break
				}
				b.WriteByte(rest[i])
			}
			if i >= len(rest) {
				return nil, fmt.Errorf("plantest: unterminated column name in header %q", line)
			}
			name, rest = b.String(), rest[i+1:]
		} else {
			i := strings.IndexByte(rest, ' ')
			if i < 0 {
				return nil, fmt.Errorf("plantest: column %q has no type in header %q", rest, line)
			}
			name, rest = rest[:i], rest[i:]
		}
		rest = strings.TrimLeft(rest, " ")
		depth, end := 0, len(rest)
		for i := 0; i < len(rest); i++ {
			switch rest[i] {
			case '(':
				depth++
			case ')':
				depth--
			case ',':
				if depth == 0 {
					end = i
				}
			}
			if end != len(rest) {
				break
			}
		}
		typ := strings.TrimSpace(rest[:end])
		if typ == "" {
			return nil, fmt.Errorf("plantest: column %q has no type in header %q", name, line)
		}
		cols = append(cols, Column{Name: name, Type: typ})
		if end == len(rest) {
			break
		}
		rest = strings.TrimLeft(rest[end+1:], " ")
	}
	return cols, nil
}

func quoteName(s string) string {
	plain := s != ""
	for i := 0; i < len(s) && plain; i++ {
		c := s[i]
		plain = c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
	}
	if plain {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

func escape(s string) string {
	if s == Null {
		return `\NULL`
	}
	if !strings.ContainsAny(s, "\t\n\r\\") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\t':
			b.WriteString(`\t`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\\':
			b.WriteString(`\\`)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func unescape(s string) (Value, error) {
	if !strings.Contains(s, `\`) {
		return Text(s), nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		i++
		if i == len(s) {
			return Value{}, fmt.Errorf("value %q ends with a lone backslash", s)
		}
		switch s[i] {
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case '\\':
			b.WriteByte('\\')
		case 'N':
			b.WriteByte('N')
		default:
			return Value{}, fmt.Errorf("value %q has an unknown escape \\%c", s, s[i])
		}
	}
	return Text(b.String()), nil
}

// The canonical text of typed values, for the programs that produce results.

// FormatInt returns the text of an integer.
func FormatInt(v int64) string { return strconv.FormatInt(v, 10) }

// FormatFloat returns the text of a DOUBLE or FLOAT: %.17g, with NaN and
// infinities as nan, inf and -inf.
func FormatFloat(v float64) string {
	switch {
	case math.IsNaN(v):
		return "nan"
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	}
	return strconv.FormatFloat(v, 'g', 17, 64)
}

// FormatDecimal returns the exact text of unscaled / 10^scale, with scale
// digits after the point.
func FormatDecimal(unscaled *big.Int, scale int) string {
	s := new(big.Int).Abs(unscaled).String()
	neg := unscaled.Sign() < 0
	if scale > 0 {
		if len(s) <= scale {
			s = strings.Repeat("0", scale-len(s)+1) + s
		}
		s = s[:len(s)-scale] + "." + s[len(s)-scale:]
	} else if scale < 0 {
		s += strings.Repeat("0", -scale)
	}
	if neg {
		s = "-" + s
	}
	return s
}

// FormatDate returns YYYY-MM-DD of t's date in UTC.
func FormatDate(t time.Time) string { return t.UTC().Format("2006-01-02") }

// FormatTimestamp returns YYYY-MM-DD HH:MM:SS.ffffff of t in UTC.
func FormatTimestamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.000000") }

// FormatBool returns true or false.
func FormatBool(v bool) string { return strconv.FormatBool(v) }
