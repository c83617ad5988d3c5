package planner

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hopsql/hopsql/engine"
)

// corpusTimeout bounds one corpus query, so that a plan gone quadratic
// fails its subtest instead of the whole run.
const corpusTimeout = 2 * time.Minute

// TestCorpus runs the differential corpus: queries over the demo store
// whose answers DuckDB 1.5.5 wrote (bench/cmd/expect), never hopsql. See
// testdata/corpus/README.md for the file formats and the rules by which
// values compare. The canonical form and the comparison rules are those of
// bench/internal/canon, which bench/cmd/tpchcheck uses (the main module
// cannot import the bench module); keep the two in step.
func TestCorpus(t *testing.T) {
	dir := filepath.Join("testdata", "corpus")
	files, err := filepath.Glob(filepath.Join(dir, "*.sql"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	pending := corpusPending(t, filepath.Join(dir, "PENDING"))
	names := map[string]bool{}
	for _, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), ".sql")
		names[name] = true
		t.Run(name, func(t *testing.T) {
			text, err := os.ReadFile(path)
			require.NoError(t, err)
			q, err := corpusParse(string(text))
			require.NoError(t, err)
			want := corpusReadExpected(t, filepath.Join(dir, name+".expected"))
			got, runErr := corpusRun(t, newPlanner(t, q.project), q.sql)
			corpusJudge(t, q, want, got, runErr, pending[name])
		})
	}
	for name := range pending {
		if !names[name] {
			t.Errorf("PENDING lists %s, which is not in the corpus", name)
		}
	}
}

// corpusJudge fails t unless got matches want, or the query is pending and
// failed with an error.
func corpusJudge(t *testing.T, q *corpusQuery, want, got *corpusResult, runErr error, pendingReason string) {
	t.Helper()
	var panicked *corpusPanic
	if errors.As(runErr, &panicked) {
		t.Fatalf("%v\nquery:\n%s", runErr, q.sql)
	}
	if pendingReason != "" {
		if runErr != nil {
			t.Logf("pending (%s): %v", pendingReason, runErr)
			return
		}
		if diff := corpusCompare(want, got, q.ordered); diff != nil {
			// A wrong answer is never acceptable, pending or not.
			t.Fatalf("pending query ran without error but answered wrongly: %v\nquery:\n%s", diff, q.sql)
		}
		t.Fatalf("this query now passes: remove %s from PENDING", t.Name()[strings.LastIndexByte(t.Name(), '/')+1:])
	}
	if runErr != nil {
		t.Fatalf("%v\nquery:\n%s\n(if hopsql cannot run this yet, list it in PENDING)", runErr, q.sql)
	}
	if diff := corpusCompare(want, got, q.ordered); diff != nil {
		t.Fatalf("%v\nquery:\n%s", diff, q.sql)
	}
}

// corpusQuery is a parsed query file.
type corpusQuery struct {
	project string
	ordered bool
	sql     string
}

// corpusParse reads a query file's header comments (-- project:,
// -- ordered, -- duckdb:) and its SQL.
func corpusParse(text string) (*corpusQuery, error) {
	q := &corpusQuery{project: "fraud"}
	lines := strings.Split(text, "\n")
	i := 0
	for ; i < len(lines); i++ {
		line := strings.TrimSpace(lines[i])
		if line == "" {
			continue
		}
		c, ok := strings.CutPrefix(line, "--")
		if !ok {
			break
		}
		c = strings.TrimSpace(c)
		switch {
		case strings.HasPrefix(c, "project:"):
			q.project = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(c, "project:")))
		case c == "ordered":
			q.ordered = true
		}
	}
	q.sql = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(strings.Join(lines[i:], "\n")), ";"))
	if q.sql == "" {
		return nil, errors.New("the file holds no query after its header")
	}
	return q, nil
}

// corpusPending reads a PENDING file: lines "NNN_topic: reason"; blank
// lines and lines starting with # are ignored.
func corpusPending(t *testing.T, path string) map[string]string {
	t.Helper()
	pending := map[string]string{}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return pending
	}
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, reason, ok := strings.Cut(line, ":")
		require.True(t, ok, "%s:%d: want \"NNN_topic: reason\"", path, n)
		reason = strings.TrimSpace(reason)
		require.NotEmpty(t, reason, "%s:%d: say why %s is pending", path, n, name)
		pending[strings.TrimSpace(name)] = reason
	}
	require.NoError(t, sc.Err())
	return pending
}

// corpusPanic is a panic met while planning or running a query.
type corpusPanic struct {
	val   any
	stack []byte
}

func (p *corpusPanic) Error() string { return fmt.Sprintf("panic: %v\n%s", p.val, p.stack) }

// corpusRun plans and runs sql under a checked allocator and returns its
// result in canonical form, or the error planning or running met. A panic
// is returned as a *corpusPanic.
func corpusRun(t *testing.T, p *Planner, sql string) (res *corpusResult, err error) {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	defer func() {
		if v := recover(); v != nil {
			res, err = nil, &corpusPanic{val: v, stack: debug.Stack()}
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), corpusTimeout)
	defer cancel()
	plan, err := p.Plan(ctx, sql)
	if err != nil {
		return nil, fmt.Errorf("planning: %w", err)
	}
	rr, err := plan.Run(ctx, &engine.Exec{Mem: mem, Parallelism: 2})
	if err != nil {
		return nil, fmt.Errorf("running: %w", err)
	}
	defer rr.Release()
	res, err = corpusFromArrow(rr)
	if err != nil {
		return nil, fmt.Errorf("running: %w", err)
	}
	return res, nil
}

// The canonical result form: see testdata/corpus/README.md.

type corpusColumn struct{ name, typ string }

// corpusValue is a value in canonical text; null marks NULL.
type corpusValue struct {
	text string
	null bool
}

type corpusResult struct {
	cols []corpusColumn
	rows [][]corpusValue
}

func corpusReadExpected(t *testing.T, path string) *corpusResult {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err, "no expected result: run bench/cmd/expect (see bench/README.md)")
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 64<<20)
	require.True(t, sc.Scan(), "%s is empty", path)
	cols, err := corpusParseHeader(sc.Text())
	require.NoError(t, err, path)
	res := &corpusResult{cols: cols}
	for n := 2; sc.Scan(); n++ {
		fields := strings.Split(sc.Text(), "\t")
		require.Len(t, fields, len(cols), "%s:%d", path, n)
		row := make([]corpusValue, len(fields))
		for i, f := range fields {
			if f == "NULL" {
				row[i] = corpusValue{null: true}
				continue
			}
			s, err := corpusUnescape(f)
			require.NoError(t, err, "%s:%d", path, n)
			row[i] = corpusValue{text: s}
		}
		res.rows = append(res.rows, row)
	}
	require.NoError(t, sc.Err())
	return res
}

// corpusParseHeader reads "# columns: name TYPE, "odd name" DECIMAL(38,2)".
func corpusParseHeader(line string) ([]corpusColumn, error) {
	rest, ok := strings.CutPrefix(line, "# columns:")
	if !ok {
		return nil, fmt.Errorf("the first line must start with \"# columns:\", not %q", line)
	}
	var cols []corpusColumn
	rest = strings.TrimLeft(rest, " ")
	for rest != "" {
		var name string
		if rest[0] == '"' {
			var b strings.Builder
			i := 1
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
				return nil, fmt.Errorf("unterminated column name in %q", line)
			}
			name, rest = b.String(), rest[i+1:]
		} else {
			i := strings.IndexByte(rest, ' ')
			if i < 0 {
				return nil, fmt.Errorf("column %q has no type in %q", rest, line)
			}
			name, rest = rest[:i], rest[i:]
		}
		rest = strings.TrimLeft(rest, " ")
		depth, end := 0, len(rest)
	scan:
		for i := 0; i < len(rest); i++ {
			switch rest[i] {
			case '(':
				depth++
			case ')':
				depth--
			case ',':
				if depth == 0 {
					end = i
					break scan
				}
			}
		}
		cols = append(cols, corpusColumn{name: name, typ: strings.TrimSpace(rest[:end])})
		if end == len(rest) {
			break
		}
		rest = strings.TrimLeft(rest[end+1:], " ")
	}
	return cols, nil
}

func corpusUnescape(s string) (string, error) {
	if !strings.Contains(s, `\`) {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		if i++; i == len(s) {
			return "", fmt.Errorf("%q ends with a lone backslash", s)
		}
		switch s[i] {
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case '\\', 'N':
			b.WriteByte(s[i])
		default:
			return "", fmt.Errorf("%q has an unknown escape \\%c", s, s[i])
		}
	}
	return b.String(), nil
}

// corpusFromArrow reads a result into canonical form, naming types as
// DuckDB does.
func corpusFromArrow(rr array.RecordReader) (*corpusResult, error) {
	res := &corpusResult{}
	for _, f := range rr.Schema().Fields() {
		typ, err := corpusTypeName(f.Type)
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", f.Name, err)
		}
		res.cols = append(res.cols, corpusColumn{name: f.Name, typ: typ})
	}
	for rr.Next() {
		rec := rr.Record()
		base := len(res.rows)
		for i := int64(0); i < rec.NumRows(); i++ {
			res.rows = append(res.rows, make([]corpusValue, rec.NumCols()))
		}
		for j, col := range rec.Columns() {
			for i := 0; i < col.Len(); i++ {
				v, err := corpusArrowValue(col, i)
				if err != nil {
					return nil, fmt.Errorf("column %s: %w", rec.ColumnName(j), err)
				}
				res.rows[base+i][j] = v
			}
		}
	}
	return res, rr.Err()
}

func corpusTypeName(t arrow.DataType) (string, error) {
	switch t := t.(type) {
	case *arrow.Int8Type:
		return "TINYINT", nil
	case *arrow.Int16Type:
		return "SMALLINT", nil
	case *arrow.Int32Type:
		return "INTEGER", nil
	case *arrow.Int64Type:
		return "BIGINT", nil
	case *arrow.Uint8Type, *arrow.Uint16Type, *arrow.Uint32Type, *arrow.Uint64Type:
		return "UBIGINT", nil
	case *arrow.Float32Type:
		return "FLOAT", nil
	case *arrow.Float64Type:
		return "DOUBLE", nil
	case *arrow.Decimal128Type:
		return fmt.Sprintf("DECIMAL(%d,%d)", t.Precision, t.Scale), nil
	case *arrow.Decimal256Type:
		return fmt.Sprintf("DECIMAL(%d,%d)", t.Precision, t.Scale), nil
	case *arrow.StringType, *arrow.LargeStringType:
		return "VARCHAR", nil
	case *arrow.BooleanType:
		return "BOOLEAN", nil
	case *arrow.Date32Type, *arrow.Date64Type:
		return "DATE", nil
	case *arrow.TimestampType:
		return "TIMESTAMP", nil
	case *arrow.NullType:
		return "NULL", nil
	}
	return "", fmt.Errorf("type %s has no canonical form", t)
}

func corpusArrowValue(col arrow.Array, i int) (corpusValue, error) {
	if col.IsNull(i) {
		return corpusValue{null: true}, nil
	}
	text := func(s string) (corpusValue, error) { return corpusValue{text: s}, nil }
	switch a := col.(type) {
	case *array.Int8:
		return text(strconv.FormatInt(int64(a.Value(i)), 10))
	case *array.Int16:
		return text(strconv.FormatInt(int64(a.Value(i)), 10))
	case *array.Int32:
		return text(strconv.FormatInt(int64(a.Value(i)), 10))
	case *array.Int64:
		return text(strconv.FormatInt(a.Value(i), 10))
	case *array.Uint8:
		return text(strconv.FormatUint(uint64(a.Value(i)), 10))
	case *array.Uint16:
		return text(strconv.FormatUint(uint64(a.Value(i)), 10))
	case *array.Uint32:
		return text(strconv.FormatUint(uint64(a.Value(i)), 10))
	case *array.Uint64:
		return text(strconv.FormatUint(a.Value(i), 10))
	case *array.Float32:
		return text(strconv.FormatFloat(float64(a.Value(i)), 'g', 17, 64))
	case *array.Float64:
		return text(strconv.FormatFloat(a.Value(i), 'g', 17, 64))
	case *array.Decimal128:
		return text(corpusDecimal(a.Value(i).BigInt(), int(a.DataType().(*arrow.Decimal128Type).Scale)))
	case *array.Decimal256:
		return text(corpusDecimal(a.Value(i).BigInt(), int(a.DataType().(*arrow.Decimal256Type).Scale)))
	case *array.String:
		return text(a.Value(i))
	case *array.LargeString:
		return text(a.Value(i))
	case *array.Boolean:
		return text(strconv.FormatBool(a.Value(i)))
	case *array.Date32:
		return text(a.Value(i).ToTime().Format("2006-01-02"))
	case *array.Date64:
		return text(a.Value(i).ToTime().Format("2006-01-02"))
	case *array.Timestamp:
		unit := a.DataType().(*arrow.TimestampType).Unit
		return text(a.Value(i).ToTime(unit).UTC().Format("2006-01-02 15:04:05.000000"))
	}
	return corpusValue{}, fmt.Errorf("type %s has no canonical form", col.DataType())
}

func corpusDecimal(unscaled *big.Int, scale int) string {
	s := new(big.Int).Abs(unscaled).String()
	if scale > 0 {
		if len(s) <= scale {
			s = strings.Repeat("0", scale-len(s)+1) + s
		}
		s = s[:len(s)-scale] + "." + s[len(s)-scale:]
	}
	if unscaled.Sign() < 0 {
		s = "-" + s
	}
	return s
}

// Comparison. Values compare by the classes of their columns' types:
// integers and decimals exactly, as rationals; a DOUBLE within 1e-9
// relative or 1e-12 absolute, or, against a DECIMAL of scale s, within
// 0.5e-s; a BOOLEAN as 1 or 0 against numbers; a DATE as the TIMESTAMP at
// its midnight; anything else by its text.

type corpusClass int

const (
	corpusText corpusClass = iota
	corpusExact
	corpusFloat
	corpusBool
	corpusTime
)

func corpusTypeClass(typ string) (corpusClass, int) {
	u := strings.ToUpper(typ)
	switch {
	case strings.HasPrefix(u, "DECIMAL"):
		scale := 0
		if i, j := strings.IndexByte(u, ','), strings.IndexByte(u, ')'); i > 0 && j > i {
			scale, _ = strconv.Atoi(strings.TrimSpace(u[i+1 : j]))
		}
		return corpusExact, scale
	case u == "DOUBLE" || u == "FLOAT" || u == "REAL":
		return corpusFloat, -1
	case u == "BOOLEAN":
		return corpusBool, -1
	case u == "DATE" || strings.HasPrefix(u, "TIMESTAMP"):
		return corpusTime, -1
	case strings.HasSuffix(u, "INT") || u == "INTEGER" || u == "HUGEINT" || u == "UHUGEINT":
		return corpusExact, -1
	}
	return corpusText, -1
}

type corpusCell struct {
	null  bool
	class corpusClass
	scale int
	rat   *big.Rat
	f     float64
	t     int64
	text  string
}

func corpusParseCell(v corpusValue, typ string) (corpusCell, error) {
	if v.null {
		return corpusCell{null: true}, nil
	}
	c := corpusCell{text: v.text}
	c.class, c.scale = corpusTypeClass(typ)
	switch c.class {
	case corpusExact:
		r, ok := new(big.Rat).SetString(v.text)
		if !ok {
			return c, fmt.Errorf("%q is not a %s", v.text, typ)
		}
		c.rat = r
	case corpusFloat:
		f, err := strconv.ParseFloat(v.text, 64)
		if err != nil {
			return c, fmt.Errorf("%q is not a %s", v.text, typ)
		}
		c.f = f
	case corpusBool:
		c.rat = new(big.Rat)
		if v.text == "true" {
			c.rat.SetInt64(1)
		}
	case corpusTime:
		t, err := time.Parse("2006-01-02 15:04:05.999999999", v.text)
		if err != nil {
			if t, err = time.Parse("2006-01-02", v.text); err != nil {
				return c, fmt.Errorf("%q is not a %s", v.text, typ)
			}
		}
		c.t = t.UnixMicro()
	}
	return c, nil
}

func (c corpusCell) numeric() bool {
	return c.class == corpusExact || c.class == corpusFloat || c.class == corpusBool
}

func (c corpusCell) float() float64 {
	if c.class == corpusFloat {
		return c.f
	}
	f, _ := c.rat.Float64()
	return f
}

func corpusEqual(a, b corpusCell) bool {
	if a.null || b.null {
		return a.null && b.null
	}
	switch {
	case a.numeric() && b.numeric():
		if a.class != corpusFloat && b.class != corpusFloat {
			return a.rat.Cmp(b.rat) == 0
		}
		x, y := a.float(), b.float()
		if x == y || math.IsNaN(x) && math.IsNaN(y) {
			return true
		}
		tol := max(1e-12, 1e-9*max(math.Abs(x), math.Abs(y)))
		for _, c := range []corpusCell{a, b} {
			if c.class == corpusExact && c.scale >= 0 {
				tol = max(tol, 0.5*math.Pow10(-c.scale)*(1+1e-9)+1e-12)
			}
		}
		return math.Abs(x-y) <= tol
	case a.class == corpusTime && b.class == corpusTime:
		return a.t == b.t
	}
	return a.text == b.text
}

func corpusKey(c corpusCell) string {
	switch {
	case c.null:
		return ""
	case c.numeric() && c.class != corpusFloat:
		return "n" + c.rat.RatString()
	case c.class == corpusTime:
		return "t" + strconv.FormatInt(c.t, 10)
	}
	return "s" + c.text
}

func corpusCells(r *corpusResult) ([][]corpusCell, error) {
	rows := make([][]corpusCell, len(r.rows))
	for i, row := range r.rows {
		rows[i] = make([]corpusCell, len(row))
		for j, v := range row {
			c, err := corpusParseCell(v, r.cols[j].typ)
			if err != nil {
				return nil, fmt.Errorf("row %d, column %s: %w", i+1, r.cols[j].name, err)
			}
			rows[i][j] = c
		}
	}
	return rows, nil
}

// corpusSort orders rows by their exact columns, then by their approximate
// (float) columns' values, so that equal results pair up row by row.
func corpusSort(rows [][]corpusCell, approx []bool) {
	type keyed struct {
		cells []corpusCell
		keys  []string
	}
	ks := make([]keyed, len(rows))
	for i, r := range rows {
		ks[i] = keyed{cells: r, keys: make([]string, len(r))}
		for j, c := range r {
			if !approx[j] {
				ks[i].keys[j] = corpusKey(c)
			}
		}
	}
	slices.SortStableFunc(ks, func(x, y keyed) int {
		for j := range approx {
			if !approx[j] {
				if c := strings.Compare(x.keys[j], y.keys[j]); c != 0 {
					return c
				}
			}
		}
		for j := range approx {
			a, b := x.cells[j], y.cells[j]
			if !approx[j] || a.null && b.null {
				continue
			}
			if a.null != b.null {
				if a.null {
					return -1
				}
				return 1
			}
			if a.numeric() && b.numeric() {
				if c := cmp.Compare(a.float(), b.float()); c != 0 {
					return c
				}
			}
		}
		return 0
	})
	for i := range ks {
		rows[i] = ks[i].cells
	}
}

// corpusCompare returns nil if got has the values of want (in the same row
// order when ordered), and otherwise an error showing where they differ.
func corpusCompare(want, got *corpusResult, ordered bool) error {
	if len(want.cols) != len(got.cols) {
		return fmt.Errorf("%d columns, want %d\nwant: %s\ngot:  %s", len(got.cols), len(want.cols), corpusColumns(want), corpusColumns(got))
	}
	w, err := corpusCells(want)
	if err != nil {
		return fmt.Errorf("expected result: %w", err)
	}
	g, err := corpusCells(got)
	if err != nil {
		return fmt.Errorf("result: %w", err)
	}
	if !ordered {
		approx := make([]bool, len(want.cols))
		for j := range approx {
			wc, _ := corpusTypeClass(want.cols[j].typ)
			gc, _ := corpusTypeClass(got.cols[j].typ)
			approx[j] = wc == corpusFloat || gc == corpusFloat
		}
		corpusSort(w, approx)
		corpusSort(g, approx)
	}
	count := ""
	if len(w) != len(g) {
		count = fmt.Sprintf("%d rows, want %d; ", len(g), len(w))
	}
	for i := 0; i < min(len(w), len(g)); i++ {
		for j := range w[i] {
			if !corpusEqual(w[i][j], g[i][j]) {
				return fmt.Errorf("%srow %d differs in column %d (%s): got %s, want %s\n%s",
					count, i+1, j+1, want.cols[j].name, corpusShow(g[i][j]), corpusShow(w[i][j]), corpusContext(want, got, w, g, i))
			}
		}
	}
	if count != "" {
		return fmt.Errorf("%sthe first %d agree\n%s", count, min(len(w), len(g)), corpusContext(want, got, w, g, min(len(w), len(g))))
	}
	return nil
}

func corpusShow(c corpusCell) string {
	if c.null {
		return "NULL"
	}
	return strconv.Quote(c.text)
}

func corpusColumns(r *corpusResult) string {
	parts := make([]string, len(r.cols))
	for i, c := range r.cols {
		parts[i] = c.name + " " + c.typ
	}
	return strings.Join(parts, ", ")
}

// corpusContext prints rows i-2 to i+2 of both sides as compared.
func corpusContext(want, got *corpusResult, w, g [][]corpusCell, i int) string {
	var b strings.Builder
	show := func(label string, r *corpusResult, rows [][]corpusCell) {
		fmt.Fprintf(&b, "%s: %d rows (%s)\n", label, len(rows), corpusColumns(r))
		for k := max(0, i-2); k < min(len(rows), i+3); k++ {
			mark := "  "
			if k == i {
				mark = "> "
			}
			parts := make([]string, len(rows[k]))
			for j, c := range rows[k] {
				parts[j] = "NULL"
				if !c.null {
					parts[j] = c.text
				}
			}
			fmt.Fprintf(&b, "%s%d: %s\n", mark, k+1, strings.Join(parts, " | "))
		}
	}
	show("want", want, w)
	show("got", got, g)
	return b.String()
}

// TestCorpusCompare checks the comparison the corpus relies on.
func TestCorpusCompare(t *testing.T) {
	res := func(types string, rows ...string) *corpusResult {
		r := &corpusResult{}
		for i, typ := range strings.Split(types, ";") {
			r.cols = append(r.cols, corpusColumn{name: string(rune('a' + i)), typ: typ})
		}
		for _, row := range rows {
			var vals []corpusValue
			for _, f := range strings.Split(row, "|") {
				vals = append(vals, corpusValue{text: f, null: f == "NULL"})
			}
			r.rows = append(r.rows, vals)
		}
		return r
	}
	values := []struct {
		wantT, gotT, want, got string
		equal                  bool
	}{
		{"DECIMAL(38,2)", "DECIMAL(12,0)", "3.00", "3", true},
		{"DECIMAL(38,2)", "DECIMAL(38,3)", "3.00", "3.001", false},
		{"HUGEINT", "DECIMAL(20,0)", "5000050000", "5000050000", true},
		{"DOUBLE", "DOUBLE", "369.56391880000001", "369.5639188000001", true},
		{"DOUBLE", "DOUBLE", "369.5639188", "369.56392", false},
		{"DOUBLE", "DECIMAL(16,6)", "369.56391880000001", "369.563919", true},
		{"DOUBLE", "DECIMAL(16,6)", "369.56391880000001", "369.563920", false},
		{"BOOLEAN", "BIGINT", "true", "1", true},
		{"BOOLEAN", "BOOLEAN", "false", "true", false},
		{"TIMESTAMP", "DATE", "2025-10-18 00:00:00.000000", "2025-10-18", true},
		{"TIMESTAMP", "DATE", "2025-10-18 00:00:01.000000", "2025-10-18", false},
		{"VARCHAR", "VARCHAR", "SE", "se", false},
		{"BIGINT", "VARCHAR", "NULL", "NULL", true},
		{"BIGINT", "BIGINT", "NULL", "0", false},
	}
	for _, v := range values {
		err := corpusCompare(res(v.wantT, v.want), res(v.gotT, v.got), true)
		if v.equal {
			assert.NoError(t, err, "%s %s = %s %s", v.wantT, v.want, v.gotT, v.got)
		} else {
			assert.Error(t, err, "%s %s = %s %s", v.wantT, v.want, v.gotT, v.got)
		}
	}
	want := res("VARCHAR;DOUBLE;BIGINT", "SE|0.1|3", "NO|NULL|1", "DK|2.5|2")
	got := res("VARCHAR;DECIMAL(10,4);BIGINT", "DK|2.5000|2", "SE|0.1000|3", "NO|NULL|1")
	assert.NoError(t, corpusCompare(want, got, false))
	assert.ErrorContains(t, corpusCompare(want, got, true), "row 1 differs in column 1")
	assert.ErrorContains(t, corpusCompare(want, res("VARCHAR;DOUBLE;BIGINT", "SE|0.1|3", "DK|2.5|2"), false), "2 rows, want 3")
	assert.Error(t, corpusCompare(res("BIGINT", "1", "1", "2"), res("BIGINT", "1", "2", "2"), false))
	assert.ErrorContains(t, corpusCompare(want, res("VARCHAR;DOUBLE", "SE|0.1"), false), "2 columns, want 3")
}
