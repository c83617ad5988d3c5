package local

import (
	"encoding/base64"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/decimal128"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/arrow/scalar"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
	"github.com/apache/arrow/go/v15/parquet/schema"
	"github.com/hopsql/hopsql/connector"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func int64Scalar(v int64) scalar.Scalar { return scalar.NewInt64Scalar(v) }

func tsScalar(t testing.TB, s string) scalar.Scalar {
	tm, err := time.Parse("2006-01-02 15:04:05", s)
	require.NoError(t, err)
	return scalar.NewTimestampScalar(arrow.Timestamp(tm.UnixMicro()), &arrow.TimestampType{Unit: arrow.Microsecond})
}

func dateScalar(t testing.TB, s string) scalar.Scalar {
	tm, err := time.Parse("2006-01-02", s)
	require.NoError(t, err)
	return scalar.NewDate32Scalar(arrow.Date32FromTime(tm))
}

func decScalar(t testing.TB, s string, p, sc int32) scalar.Scalar {
	n, err := decimal128.FromString(s, p, sc)
	require.NoError(t, err)
	return scalar.NewDecimal128Scalar(n, &arrow.Decimal128Type{Precision: p, Scale: sc})
}

// pruneFeatures are the features of the pruning fixture: 100 rows, id 0
// to 99, in row groups of 10.
var pruneFeatures = []string{
	"id bigint", "k int", "s16 smallint", "s8 tinyint", "score double", "f float",
	"amount decimal(12,2)", "small decimal(6,2)", "big decimal(20,4)", "d date", "ts timestamp",
	"name string", "bin binary", "flag boolean", "maybe bigint", "tags array<int>",
}

var (
	tsBase   = time.Date(1969, 12, 31, 20, 0, 0, 0, time.UTC)
	dateBase = time.Date(1969, 12, 1, 0, 0, 0, 0, time.UTC)
)

// pruneRecord builds the fixture's rows with the file schema sc. With ns,
// timestamps are nanoseconds (plus 123 ns, which reading drops).
func pruneRecord(t *testing.T, sc *arrow.Schema, ns bool) arrow.Record {
	var rows []string
	for id := 0; id < 100; id++ {
		ts := tsBase.Add(time.Duration(id) * time.Hour).UnixMicro()
		tsv := fmt.Sprint(ts)
		if ns {
			tsv = fmt.Sprint(ts*1000 + 123)
		}
		maybe := fmt.Sprint(id)
		if id < 40 || id == 95 {
			maybe = "null"
		}
		rows = append(rows, fmt.Sprintf(`{"id": %d, "k": %d, "s16": %d, "s8": %d, "score": null, "f": %d,
			"amount": "%.2f", "small": "%.2f", "big": "%d000000000000.5", "d": %q, "ts": %s,
			"name": "n%03d", "bin": %q, "flag": %t, "maybe": %s, "tags": [%d]}`,
			id, id/10, id-50, id-50, -id, float64(id-50)*1.25, float64(id-50)*0.5, id-50,
			dateBase.AddDate(0, 0, id).Format("2006-01-02"), tsv, id,
			encodeBase64(fmt.Sprintf("n%03d", id)), id >= 50, maybe, id))
	}
	rec, _, err := array.RecordFromJSON(memory.DefaultAllocator, sc, strings.NewReader("["+strings.Join(rows, ",")+"]"))
	require.NoError(t, err)
	defer rec.Release()

	// score: id + 0.5, NaN when id ends in 3, NULL when it ends in 7.
	b := array.NewFloat64Builder(memory.DefaultAllocator)
	defer b.Release()
	for id := 0; id < 100; id++ {
		switch id % 10 {
		case 3:
			b.Append(math.NaN())
		case 7:
			b.AppendNull()
		default:
			b.Append(float64(id) + 0.5)
		}
	}
	score := b.NewArray()
	defer score.Release()
	cols := append([]arrow.Array{}, rec.Columns()...)
	cols[sc.FieldIndices("score")[0]] = score
	return array.NewRecord(sc, cols, rec.NumRows())
}

func encodeBase64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// pruneVariant is one way of writing the pruning fixture.
type pruneVariant struct {
	name  string
	stats bool // whether the file has statistics
	ns    bool // timestamps as nanoseconds, strings as large strings
	props []parquet.WriterProperty
}

var pruneVariants = []pruneVariant{
	{name: "default", stats: true},
	{name: "integer decimals, ns timestamps, large strings", stats: true, ns: true,
		props: []parquet.WriterProperty{parquet.WithStoreDecimalAsInteger(true), parquet.WithDictionaryDefault(false)}},
	{name: "no statistics", props: []parquet.WriterProperty{parquet.WithStats(false)}},
}

// writePruneFixture writes the fixture in a variant and returns it.
func writePruneFixture(t *testing.T, v pruneVariant) fgFixture {
	fx := makeFeatureGroup(t, pruneFeatures...)
	sc := fx.fg.Schema()
	if v.ns {
		fields := sc.Fields()
		for i, f := range fields {
			switch f.Name {
			case "ts":
				fields[i].Type = &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"}
			case "name":
				fields[i].Type = arrow.BinaryTypes.LargeString
			}
		}
		sc = arrow.NewSchema(fields, nil)
	}
	rec := pruneRecord(t, sc, v.ns)
	defer rec.Release()
	writeRecord(t, fx.path("part-0.parquet"), rec, parquetOptions{rowGroup: 10, props: v.props})
	return fx
}

func TestPruning(t *testing.T) {
	type P = connector.Predicate
	cmp := func(col string, op connector.Op, v scalar.Scalar) P {
		return connector.Compare{Column: col, Op: op, Value: v}
	}
	in := func(col string, vs ...scalar.Scalar) P { return connector.In{Column: col, Values: vs} }
	notIn := func(col string, vs ...scalar.Scalar) P { return connector.In{Column: col, Values: vs, Not: true} }
	i64, i32 := int64Scalar, func(v int32) scalar.Scalar { return scalar.NewInt32Scalar(v) }
	str := func(s string) scalar.Scalar { return scalar.NewStringScalar(s) }
	eq, ne, lt, le, gt, ge := connector.Eq, connector.Ne, connector.Lt, connector.Le, connector.Gt, connector.Ge

	tests := []struct {
		filter []P
		kept   int // row groups kept when the file has statistics
	}{
		{[]P{cmp("id", eq, i64(15))}, 1},
		{[]P{cmp("ID", eq, i64(15))}, 1},
		{[]P{cmp("id", eq, i64(-1))}, 0},
		{[]P{cmp("id", eq, i64(100))}, 0},
		{[]P{cmp("id", eq, i64(0))}, 1},
		{[]P{cmp("id", eq, i64(99))}, 1},
		{[]P{cmp("id", lt, i64(10))}, 1},
		{[]P{cmp("id", lt, i64(11))}, 2},
		{[]P{cmp("id", lt, i64(0))}, 0},
		{[]P{cmp("id", le, i64(10))}, 2},
		{[]P{cmp("id", le, i64(9))}, 1},
		{[]P{cmp("id", le, i64(-1))}, 0},
		{[]P{cmp("id", gt, i64(89))}, 1},
		{[]P{cmp("id", gt, i64(99))}, 0},
		{[]P{cmp("id", ge, i64(89))}, 2},
		{[]P{cmp("id", ge, i64(99))}, 1},
		{[]P{cmp("id", ne, i64(5))}, 10},
		{[]P{cmp("k", ne, i32(3))}, 9},
		{[]P{cmp("k", eq, i32(3))}, 1},
		{[]P{in("k", i32(3), i32(5), i32(42))}, 2},
		{[]P{in("id", i64(5), i64(95))}, 2},
		{[]P{notIn("k", i32(3), i32(4))}, 8},
		{[]P{notIn("k")}, 10},
		{[]P{notIn("id", i64(5))}, 10},
		{[]P{cmp("s16", lt, scalar.NewInt16Scalar(-45))}, 1},
		{[]P{cmp("s8", ge, scalar.NewInt8Scalar(45))}, 1},
		{[]P{cmp("score", gt, scalar.NewFloat64Scalar(90))}, 1},
		{[]P{cmp("score", eq, scalar.NewFloat64Scalar(3.5))}, 1},
		{[]P{cmp("score", ne, scalar.NewFloat64Scalar(3.5))}, 10},
		{[]P{notIn("score", scalar.NewFloat64Scalar(3.5))}, 10},
		{[]P{cmp("score", lt, scalar.NewFloat64Scalar(math.NaN()))}, 10},
		{[]P{cmp("score", ge, scalar.NewFloat64Scalar(math.Inf(1)))}, 0},
		{[]P{cmp("f", lt, scalar.NewFloat32Scalar(-95))}, 1},
		{[]P{cmp("amount", ge, decScalar(t, "61.25", 12, 2))}, 1},
		{[]P{cmp("amount", lt, decScalar(t, "-61.25", 12, 2))}, 1},
		{[]P{cmp("amount", eq, decScalar(t, "0", 12, 2))}, 1},
		{[]P{cmp("amount", ne, decScalar(t, "0", 12, 2))}, 10},
		{[]P{cmp("amount", eq, decScalar(t, "0", 12, 3))}, 10},
		{[]P{cmp("small", gt, decScalar(t, "24", 6, 2))}, 1},
		{[]P{cmp("small", le, decScalar(t, "-25", 6, 2))}, 1},
		{[]P{cmp("big", lt, decScalar(t, "0", 20, 4))}, 5},
		{[]P{cmp("big", ge, decScalar(t, "49000000000000.5", 20, 4))}, 1},
		{[]P{cmp("big", gt, decScalar(t, "49000000000000.5", 20, 4))}, 0},
		{[]P{cmp("d", eq, dateScalar(t, "1969-12-16"))}, 1},
		{[]P{cmp("d", lt, dateScalar(t, "1970-01-01"))}, 4},
		{[]P{cmp("ts", ge, tsScalar(t, "1970-01-04 23:00:00"))}, 1},
		{[]P{cmp("ts", lt, tsScalar(t, "1970-01-01 00:00:00"))}, 1},
		{[]P{cmp("ts", le, tsScalar(t, "1969-12-31 20:00:00"))}, 1},
		{[]P{cmp("ts", lt, tsScalar(t, "1969-12-31 20:00:00"))}, 0},
		{[]P{cmp("ts", eq, scalar.NewTimestampScalar(0, &arrow.TimestampType{Unit: arrow.Millisecond}))}, 10},
		{[]P{cmp("name", eq, str("n015"))}, 1},
		{[]P{cmp("name", gt, str("n089"))}, 1},
		{[]P{cmp("name", lt, str("n"))}, 0},
		{[]P{cmp("name", ge, str("o"))}, 0},
		{[]P{cmp("name", ne, str("n015"))}, 10},
		{[]P{cmp("name", eq, scalar.NewLargeStringScalar("n015"))}, 10},
		{[]P{cmp("bin", eq, scalar.NewBinaryScalar(memory.NewBufferBytes([]byte("n015")), arrow.BinaryTypes.Binary))}, 1},
		{[]P{cmp("flag", eq, scalar.NewBooleanScalar(true))}, 5},
		{[]P{cmp("flag", ne, scalar.NewBooleanScalar(true))}, 5},
		{[]P{cmp("flag", lt, scalar.NewBooleanScalar(true))}, 5},
		{[]P{connector.IsNull{Column: "maybe"}}, 5},
		{[]P{connector.IsNull{Column: "maybe", Not: true}}, 6},
		{[]P{connector.IsNull{Column: "id"}}, 0},
		{[]P{connector.IsNull{Column: "id", Not: true}}, 10},
		{[]P{cmp("maybe", eq, i64(10))}, 0},
		{[]P{cmp("maybe", gt, i64(90))}, 1},
		{[]P{notIn("maybe", i64(5))}, 6},
		{[]P{in("maybe", i64(5), i64(45))}, 1},
		{[]P{connector.Or{cmp("id", lt, i64(5)), cmp("id", gt, i64(95))}}, 2},
		{[]P{connector.Or{cmp("id", lt, i64(5)), connector.Like{Column: "name", Pattern: "n01%"}}}, 10},
		{[]P{connector.Or{connector.IsNull{Column: "maybe"}, cmp("id", eq, i64(45))}}, 6},
		{[]P{connector.Or{}}, 10},
		{[]P{connector.And{cmp("id", gt, i64(20)), cmp("name", lt, str("n030"))}}, 1},
		{[]P{connector.And{connector.Like{Column: "name", Pattern: "x%"}, cmp("id", eq, i64(1))}}, 1},
		{[]P{cmp("id", ge, i64(30)), cmp("id", lt, i64(50))}, 2},
		{[]P{connector.Not{X: cmp("id", eq, i64(5))}}, 10},
		{[]P{connector.Like{Column: "name", Pattern: "n01%"}}, 10},
		{[]P{cmp("id", eq, i32(15))}, 10},
		{[]P{cmp("id", eq, nil)}, 10},
		{[]P{cmp("id", eq, scalar.MakeNullScalar(arrow.PrimitiveTypes.Int64))}, 10},
		{[]P{cmp("nope", eq, i64(1))}, 10},
		{[]P{connector.IsNull{Column: "tags"}}, 10},
	}

	for _, v := range pruneVariants {
		t.Run(v.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			fx := writePruneFixture(t, v)
			all := readTable(t, fx.plan(t, connector.ScanRequest{Columns: featureNames(fx.fg)}), mem)
			defer all.Release()
			require.EqualValues(t, 100, all.NumRows())

			for _, tt := range tests {
				name := connector.And(tt.filter).String()
				columns := filterColumns(fx.fg, tt.filter)
				s := fx.plan(t, connector.ScanRequest{Columns: columns, Filter: tt.filter})
				kept, total := keptRowGroups(t, s)
				require.Equal(t, 10, total, name)
				want := tt.kept
				if !v.stats {
					want = 10
				}
				assert.Equal(t, want, kept, "row groups kept for %s", name)
				if tt.kept < 10 {
					assert.Contains(t, strings.Join(s.Explain(), "\n"), "filters used for pruning: ", name)
				}
				got := readTable(t, s, mem)
				assert.Equal(t, matchingIDs(t, all, tt.filter), matchingIDs(t, got, tt.filter), "rows matching %s", name)
				got.Release()
			}
		})
	}
}

// TestPruningBoundaries sweeps every operator over literals at and around
// every value of the fixture, asking the pruner directly: no row group it
// skips may hold a matching row.
func TestPruningBoundaries(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	for _, v := range pruneVariants[:2] {
		fx := writePruneFixture(t, v)
		all := readTable(t, fx.plan(t, connector.ScanRequest{Columns: featureNames(fx.fg)}), mem)
		defer all.Release()

		pf, fr, err := openParquet(fx.path("part-0.parquet"), pqarrow.ArrowReadProperties{}, memory.DefaultAllocator, nil)
		require.NoError(t, err)
		defer pf.Close()
		cols, err := mapColumns("part-0.parquet", fr.Manifest, fx.fg.Features)
		require.NoError(t, err)
		flat := map[string]int{}
		for i, f := range fx.fg.Features {
			if sf := &fr.Manifest.Fields[cols[i].field]; isLeaf(sf) {
				flat[f.Name] = sf.ColIndex
			}
		}
		require.Equal(t, 10, pf.NumRowGroups())

		skipped := 0
		for id := int64(-2); id <= 101; id++ {
			lits := map[string]scalar.Scalar{
				"id":     int64Scalar(id),
				"maybe":  int64Scalar(id),
				"k":      scalar.NewInt32Scalar(int32(id / 10)),
				"s8":     scalar.NewInt8Scalar(int8(id - 50)),
				"name":   scalar.NewStringScalar(fmt.Sprintf("n%03d", id)),
				"amount": decScalar(t, fmt.Sprintf("%.2f", float64(id-50)*1.25), 12, 2),
				"big":    decScalar(t, fmt.Sprintf("%d000000000000.5", id-50), 20, 4),
				"d":      scalar.NewDate32Scalar(arrow.Date32FromTime(dateBase.AddDate(0, 0, int(id)))),
				"ts":     scalar.NewTimestampScalar(arrow.Timestamp(tsBase.Add(time.Duration(id)*time.Hour).UnixMicro()), &arrow.TimestampType{Unit: arrow.Microsecond}),
				"score":  scalar.NewFloat64Scalar(float64(id) + 0.5),
				"flag":   scalar.NewBooleanScalar(id%2 == 0),
			}
			for col, lit := range lits {
				preds := []connector.Predicate{
					connector.In{Column: col, Values: []scalar.Scalar{lit}},
					connector.In{Column: col, Values: []scalar.Scalar{lit}, Not: true},
				}
				for op := connector.Eq; op <= connector.Ge; op++ {
					preds = append(preds, connector.Compare{Column: col, Op: op, Value: lit})
				}
				for _, p := range preds {
					pr := newPruner(fx.fg, []connector.Predicate{p})
					for rg := 0; rg < 10; rg++ {
						if !pr.skip(newRowGroupStats(pf.MetaData(), rg, flat)) {
							continue
						}
						skipped++
						for row := rg * 10; row < rg*10+10; row++ {
							require.NotEqual(t, 1, eval(t, all, p, row), "%s: row group %d skipped for %s, but row %d matches", v.name, rg, p, row)
						}
					}
				}
			}
		}
		assert.Greater(t, skipped, 10000, "the sweep prunes")
	}
}

// filterColumns returns "id" and the features filter names, to read no
// more than the reference evaluation needs.
func filterColumns(fg *connector.FeatureGroup, filter []connector.Predicate) []string {
	cols := []string{"id"}
	seen := map[string]bool{"id": true}
	var walk func(p connector.Predicate)
	add := func(c string) {
		c = strings.ToLower(c)
		if _, ok := fg.Feature(c); ok && !seen[c] {
			seen[c] = true
			cols = append(cols, c)
		}
	}
	walk = func(p connector.Predicate) {
		switch p := p.(type) {
		case connector.Compare:
			add(p.Column)
		case connector.In:
			add(p.Column)
		case connector.IsNull:
			add(p.Column)
		case connector.Like:
			add(p.Column)
		case connector.Not:
			walk(p.X)
		case connector.And:
			for _, x := range p {
				walk(x)
			}
		case connector.Or:
			for _, x := range p {
				walk(x)
			}
		}
	}
	for _, p := range filter {
		walk(p)
	}
	return cols
}

func TestPruningEmptyIn(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	// No row satisfies IN (), statistics or not.
	for _, v := range pruneVariants {
		fx := writePruneFixture(t, v)
		s := fx.plan(t, connector.ScanRequest{Columns: []string{"id"}, Filter: []connector.Predicate{connector.In{Column: "id"}}})
		kept, total := keptRowGroups(t, s)
		assert.Equal(t, [2]int{0, 10}, [2]int{kept, total}, v.name)
		assert.Empty(t, s.Partitions())
	}
}

// matchingIDs evaluates filter on every row of rec (SQL three-valued
// logic, IEEE comparisons) and returns the sorted ids of the rows for which
// it is true.
func matchingIDs(t *testing.T, rec arrow.Record, filter []connector.Predicate) []int64 {
	ids := rec.Column(rec.Schema().FieldIndices("id")[0]).(*array.Int64)
	out := []int64{}
	for row := 0; row < int(rec.NumRows()); row++ {
		if eval(t, rec, connector.And(filter), row) == 1 {
			out = append(out, ids.Value(row))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// eval returns 1 (true), 0 (false) or -1 (NULL).
func eval(t *testing.T, rec arrow.Record, p connector.Predicate, row int) int {
	column := func(name string) arrow.Array {
		idx := rec.Schema().FieldIndices(strings.ToLower(name))
		if len(idx) == 0 {
			return nil
		}
		return rec.Column(idx[0])
	}
	switch p := p.(type) {
	case connector.Compare:
		col := column(p.Column)
		if col == nil || col.IsNull(row) || p.Value == nil || !p.Value.IsValid() {
			return -1
		}
		return boolInt(compareOp(p.Op, cell(col, row), scalarCell(p.Value)))
	case connector.In:
		col := column(p.Column)
		if col.IsNull(row) {
			return -1
		}
		found := false
		for _, v := range p.Values {
			found = found || compareOp(connector.Eq, cell(col, row), scalarCell(v))
		}
		return boolInt(found != p.Not)
	case connector.IsNull:
		return boolInt(column(p.Column).IsNull(row) != p.Not)
	case connector.Like:
		col := column(p.Column)
		if col.IsNull(row) {
			return -1
		}
		re := regexp.MustCompile("^" + strings.ReplaceAll(regexp.QuoteMeta(p.Pattern), "%", ".*") + "$")
		return boolInt(re.MatchString(cell(col, row).(string)) != p.Not)
	case connector.Not:
		if r := eval(t, rec, p.X, row); r >= 0 {
			return 1 - r
		}
		return -1
	case connector.And:
		r := 1
		for _, x := range p {
			switch eval(t, rec, x, row) {
			case 0:
				return 0
			case -1:
				r = -1
			}
		}
		return r
	case connector.Or:
		r := 0
		for _, x := range p {
			switch eval(t, rec, x, row) {
			case 1:
				return 1
			case -1:
				r = -1
			}
		}
		return r
	}
	t.Fatalf("eval: unexpected predicate %T", p)
	return -1
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// cell returns a value of a column as int64, float64, decimal128.Num,
// string or bool.
func cell(a arrow.Array, i int) any {
	switch a := a.(type) {
	case *array.Int8:
		return int64(a.Value(i))
	case *array.Int16:
		return int64(a.Value(i))
	case *array.Int32:
		return int64(a.Value(i))
	case *array.Int64:
		return a.Value(i)
	case *array.Float32:
		return float64(a.Value(i))
	case *array.Float64:
		return a.Value(i)
	case *array.Decimal128:
		return a.Value(i)
	case *array.Date32:
		return int64(a.Value(i))
	case *array.Timestamp:
		return int64(a.Value(i))
	case *array.String:
		return a.Value(i)
	case *array.Binary:
		return string(a.Value(i))
	case *array.Boolean:
		return a.Value(i)
	}
	panic(fmt.Sprintf("cell: %T", a))
}

// scalarCell converts a literal like cell. Decimal literals of another
// scale are rescaled, so that the reference evaluation compares values.
func scalarCell(s scalar.Scalar) any {
	switch s := s.(type) {
	case *scalar.Int8:
		return int64(s.Value)
	case *scalar.Int16:
		return int64(s.Value)
	case *scalar.Int32:
		return int64(s.Value)
	case *scalar.Int64:
		return s.Value
	case *scalar.Float32:
		return float64(s.Value)
	case *scalar.Float64:
		return s.Value
	case *scalar.Decimal128:
		return s
	case *scalar.Date32:
		return int64(s.Value)
	case *scalar.Timestamp:
		return int64(s.Value)
	case *scalar.String:
		return string(s.Value.Bytes())
	case *scalar.LargeString:
		return string(s.Value.Bytes())
	case *scalar.Binary:
		return string(s.Value.Bytes())
	case *scalar.Boolean:
		return s.Value
	}
	panic(fmt.Sprintf("scalarCell: %T", s))
}

func compareOp(op connector.Op, a, b any) bool {
	var c int
	switch a := a.(type) {
	case int64:
		bb := b.(int64)
		c = compareOrdered(a, bb)
	case float64:
		bb := b.(float64)
		if math.IsNaN(a) || math.IsNaN(bb) {
			return op == connector.Ne
		}
		c = compareOrdered(a, bb)
	case decimal128.Num:
		// Unscaled: the fixture's literals have the column's scale, or
		// are zero.
		c = a.Cmp(b.(*scalar.Decimal128).Value)
	case string:
		c = strings.Compare(a, b.(string))
	case bool:
		c = compareOrdered(boolInt(a), boolInt(b.(bool)))
	}
	switch op {
	case connector.Eq:
		return c == 0
	case connector.Ne:
		return c != 0
	case connector.Lt:
		return c < 0
	case connector.Le:
		return c <= 0
	case connector.Gt:
		return c > 0
	case connector.Ge:
		return c >= 0
	}
	return false
}

func compareOrdered[T int | int64 | float64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func TestDecodeStat(t *testing.T) {
	nan := math.Float64bits(math.NaN())
	le8 := func(v uint64) []byte {
		b := make([]byte, 8)
		for i := range b {
			b[i] = byte(v >> (8 * i))
		}
		return b
	}
	dbl, err := schema.NewPrimitiveNode("x", parquet.Repetitions.Optional, parquet.Types.Double, -1, -1)
	require.NoError(t, err)
	col := schema.NewColumn(dbl, 1, 0)
	_, ok := decodeStat(le8(nan), col, arrow.PrimitiveTypes.Float64)
	assert.False(t, ok, "NaN statistics")
	v, ok := decodeStat(le8(math.Float64bits(2.5)), col, arrow.PrimitiveTypes.Float64)
	assert.True(t, ok)
	assert.Equal(t, 2.5, v.f)
	_, ok = decodeStat([]byte{1, 2, 3}, col, arrow.PrimitiveTypes.Float64)
	assert.False(t, ok, "short statistics")
	_, ok = decodeStat(le8(0), col, arrow.PrimitiveTypes.Int64)
	assert.False(t, ok, "physical type disagrees")
}

func TestBigEndianDecimal(t *testing.T) {
	for _, tt := range []struct {
		in   []byte
		want string
	}{
		{[]byte{0x01}, "1"},
		{[]byte{0xff}, "-1"},
		{[]byte{0xff, 0x85}, "-123"},
		{[]byte{0x00, 0x00, 0x30, 0x39}, "12345"},
		{[]byte{0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, "-170141183460469231731687303715884105728"},
	} {
		v, ok := bigEndianDecimal(tt.in)
		require.True(t, ok)
		assert.Equal(t, tt.want, v.d.BigInt().String())
	}
	_, ok := bigEndianDecimal(nil)
	assert.False(t, ok)
	_, ok = bigEndianDecimal(make([]byte, 17))
	assert.False(t, ok)
}

func TestConvertTimestamp(t *testing.T) {
	for _, tt := range []struct {
		v        int64
		from, to arrow.TimeUnit
		want     int64
		ok       bool
	}{
		{1999, arrow.Nanosecond, arrow.Microsecond, 1, true},
		{-1, arrow.Nanosecond, arrow.Microsecond, -1, true},
		{-1000, arrow.Nanosecond, arrow.Microsecond, -1, true},
		{-1001, arrow.Nanosecond, arrow.Microsecond, -2, true},
		{5, arrow.Millisecond, arrow.Microsecond, 5000, true},
		{-5, arrow.Second, arrow.Microsecond, -5000000, true},
		{7, arrow.Microsecond, arrow.Microsecond, 7, true},
		{math.MaxInt64 / 10, arrow.Millisecond, arrow.Microsecond, 0, false},
		{math.MinInt64 / 10, arrow.Second, arrow.Microsecond, 0, false},
	} {
		got, ok := convertTimestamp(tt.v, tt.from, tt.to)
		assert.Equal(t, tt.ok, ok, "%d %s", tt.v, tt.from)
		if ok {
			assert.Equal(t, tt.want, got, "%d %s", tt.v, tt.from)
		}
	}
}
