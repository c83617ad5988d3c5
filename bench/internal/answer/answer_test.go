package answer

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/decimal128"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hopsql/hopsql/planner/plantest"
)

// arrowType returns the Arrow type an engine gives a DuckDB type name
// (HUGEINT as DuckDB exports it, a DECIMAL(38,0)).
func arrowType(t *testing.T, typ string) arrow.DataType {
	switch typ {
	case "BIGINT":
		return arrow.PrimitiveTypes.Int64
	case "INTEGER":
		return arrow.PrimitiveTypes.Int32
	case "UBIGINT":
		return arrow.PrimitiveTypes.Uint64
	case "HUGEINT":
		return &arrow.Decimal128Type{Precision: 38, Scale: 0}
	case "DOUBLE":
		return arrow.PrimitiveTypes.Float64
	case "FLOAT":
		return arrow.PrimitiveTypes.Float32
	case "VARCHAR":
		return arrow.BinaryTypes.String
	case "BOOLEAN":
		return arrow.FixedWidthTypes.Boolean
	case "DATE":
		return arrow.FixedWidthTypes.Date32
	case "TIMESTAMP":
		return &arrow.TimestampType{Unit: arrow.Microsecond}
	case "TIMESTAMP_NS":
		return &arrow.TimestampType{Unit: arrow.Nanosecond}
	}
	var p, s int32
	_, err := fmt.Sscanf(typ, "DECIMAL(%d,%d)", &p, &s)
	require.NoError(t, err, typ)
	return &arrow.Decimal128Type{Precision: p, Scale: s}
}

// build makes an answer of columns typed by types (";" between them) from
// rows of values ("|" between them, NULL for NULL), in records of at most
// batch rows (all in one if batch is 0), with an empty record first.
func build(t *testing.T, mem memory.Allocator, types string, batch int, rows ...string) *Answer {
	var cols []plantest.Column
	var fields []arrow.Field
	for i, typ := range strings.Split(types, ";") {
		name := string(rune('a' + i))
		cols = append(cols, plantest.Column{Name: name, Type: typ})
		fields = append(fields, arrow.Field{Name: name, Type: arrowType(t, typ), Nullable: true})
	}
	schema := arrow.NewSchema(fields, nil)
	if batch == 0 {
		batch = max(1, len(rows))
	}
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	recs := []arrow.Record{b.NewRecord()}
	for k, row := range rows {
		vals := strings.Split(row, "|")
		require.Len(t, vals, len(cols), row)
		for j, v := range vals {
			appendValue(t, b.Field(j), cols[j].Type, v)
		}
		if (k+1)%batch == 0 || k == len(rows)-1 {
			recs = append(recs, b.NewRecord())
		}
	}
	a, err := New(cols, recs)
	require.NoError(t, err)
	for _, r := range recs {
		r.Release()
	}
	return a
}

func appendValue(t *testing.T, fb array.Builder, typ, v string) {
	if v == "NULL" {
		fb.AppendNull()
		return
	}
	var err error
	switch b := fb.(type) {
	case *array.Int64Builder:
		var n int64
		n, err = strconv.ParseInt(v, 10, 64)
		b.Append(n)
	case *array.Int32Builder:
		var n int64
		n, err = strconv.ParseInt(v, 10, 32)
		b.Append(int32(n))
	case *array.Uint64Builder:
		var n uint64
		n, err = strconv.ParseUint(v, 10, 64)
		b.Append(n)
	case *array.Float64Builder:
		var f float64
		f, err = strconv.ParseFloat(v, 64)
		b.Append(f)
	case *array.Float32Builder:
		var f float64
		f, err = strconv.ParseFloat(v, 32)
		b.Append(float32(f))
	case *array.StringBuilder:
		b.Append(v)
	case *array.BooleanBuilder:
		var x bool
		x, err = strconv.ParseBool(v)
		b.Append(x)
	case *array.Date32Builder:
		var d time.Time
		d, err = time.Parse("2006-01-02", v)
		b.Append(arrow.Date32FromTime(d))
	case *array.TimestampBuilder:
		var ts time.Time
		ts, err = time.Parse("2006-01-02 15:04:05.999999999", v)
		if b.Type().(*arrow.TimestampType).Unit == arrow.Nanosecond {
			b.Append(arrow.Timestamp(ts.UnixNano()))
		} else {
			b.Append(arrow.Timestamp(ts.UnixMicro()))
		}
	case *array.Decimal128Builder:
		scale := b.Type().(*arrow.Decimal128Type).Scale
		r, ok := new(big.Rat).SetString(v)
		require.True(t, ok, v)
		r.Mul(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil)))
		require.True(t, r.IsInt(), "%s does not fit %s", v, typ)
		b.Append(decimal128.FromBigInt(r.Num()))
	default:
		t.Fatalf("no builder for %s", typ)
	}
	require.NoError(t, err, "%s %s", typ, v)
}

// plantestVerdict compares the answers' text with plantest.Compare, the
// rules this package must keep.
func plantestVerdict(t *testing.T, want, got *Answer, ordered bool) error {
	text := func(a *Answer) *plantest.Result {
		rr, err := array.NewRecordReader(a.Records[0].Schema(), a.Records)
		require.NoError(t, err)
		defer rr.Release()
		res, err := plantest.FromArrow(rr)
		require.NoError(t, err)
		res.Columns = a.Columns
		return res
	}
	return plantest.Compare(text(want), text(got), ordered)
}

// TestCompare runs each case through Compare, with both answers in one
// record and in records of one and two rows, and checks that plantest
// reaches the same verdict.
func TestCompare(t *testing.T) {
	for _, tc := range []struct {
		name               string
		wantTypes, gotType string
		want, got          []string
		ordered, equal     bool
		errHas             []string
	}{
		{name: "same rows, other order", wantTypes: "BIGINT;VARCHAR", want: []string{"1|a", "2|b", "3|c"}, got: []string{"3|c", "1|a", "2|b"}, equal: true},
		{name: "a changed value", wantTypes: "BIGINT;VARCHAR", want: []string{"1|a", "2|b", "3|c"}, got: []string{"1|a", "2|x", "3|c"},
			errHas: []string{"1 expected rows missing, 1 unexpected rows", "2: 2 | b", "2: 2 | x"}},
		{name: "a missing row", wantTypes: "BIGINT;VARCHAR", want: []string{"1|a", "2|b", "3|c"}, got: []string{"3|c", "1|a"},
			errHas: []string{"2 rows, want 3; 1 expected rows missing, 0 unexpected rows", "missing, from want (1 of 1", "2: 2 | b"}},
		{name: "a duplicated row", wantTypes: "BIGINT;VARCHAR", want: []string{"1|a", "2|b"}, got: []string{"1|a", "2|b", "1|a"},
			errHas: []string{"3 rows, want 2; 0 expected rows missing, 1 unexpected rows", "unexpected, from got (1 of 1"}},
		{name: "duplicates count", wantTypes: "BIGINT", want: []string{"1", "1", "2"}, got: []string{"1", "2", "2"}},
		{name: "row order under ORDER BY", wantTypes: "BIGINT;VARCHAR", want: []string{"1|a", "2|b", "3|c"}, got: []string{"1|a", "3|c", "2|b"}, ordered: true,
			errHas: []string{`row 2 differs in column 1 (a): got "3", want "2"`, "> 2: 2 | b", "> 2: 3 | c"}},
		{name: "same order under ORDER BY", wantTypes: "BIGINT;VARCHAR", want: []string{"1|a", "2|b", "3|c"}, got: []string{"1|a", "2|b", "3|c"}, ordered: true, equal: true},
		{name: "a row short under ORDER BY", wantTypes: "BIGINT", want: []string{"1", "2", "3"}, got: []string{"1", "2"}, ordered: true,
			errHas: []string{"2 rows, want 3; the first 2 agree"}},
		{name: "NULL against an empty string", wantTypes: "VARCHAR", want: []string{"NULL", "a"}, got: []string{"", "a"}},
		{name: "NULL against an empty string, ordered", wantTypes: "VARCHAR", want: []string{""}, got: []string{"NULL"}, ordered: true,
			errHas: []string{`got NULL, want ""`}},
		{name: "NULL against zero", wantTypes: "BIGINT", want: []string{"NULL"}, got: []string{"0"}},
		{name: "NULLs of any types", wantTypes: "BIGINT;DOUBLE", gotType: "VARCHAR;DECIMAL(12,2)", want: []string{"NULL|NULL"}, got: []string{"NULL|NULL"}, equal: true},
		{name: "decimal scales equal in value", wantTypes: "DECIMAL(38,2);BIGINT", gotType: "DECIMAL(12,1);DECIMAL(20,4)", want: []string{"3.00|7", "-0.50|0"}, got: []string{"3.0|7.0000", "-0.5|0.0000"}, equal: true},
		{name: "decimal scales differing in value", wantTypes: "DECIMAL(38,2)", gotType: "DECIMAL(38,3)", want: []string{"3.00"}, got: []string{"3.001"}},
		{name: "hugeint and decimal", wantTypes: "HUGEINT", gotType: "DECIMAL(20,0)", want: []string{"5000050000"}, got: []string{"5000050000"}, equal: true},
		{name: "big decimals", wantTypes: "DECIMAL(38,2)", gotType: "DECIMAL(38,10)", want: []string{"12345678901234567890123.40"}, got: []string{"12345678901234567890123.4000000000"}, equal: true},
		{name: "big decimals differing", wantTypes: "DECIMAL(38,2)", gotType: "DECIMAL(38,10)", want: []string{"12345678901234567890123.40"}, got: []string{"12345678901234567890123.4000000001"}},
		{name: "int and decimal", wantTypes: "BIGINT", gotType: "DECIMAL(10,4)", want: []string{"2"}, got: []string{"2.0001"}},
		{name: "ubigint and bigint", wantTypes: "UBIGINT", gotType: "BIGINT", want: []string{"0", "9"}, got: []string{"9", "0"}, equal: true},
		{name: "double within 1e-9", wantTypes: "DOUBLE", want: []string{"369.56391880000001"}, got: []string{"369.5639188000001"}, equal: true},
		{name: "double outside 1e-9", wantTypes: "DOUBLE", want: []string{"369.5639188"}, got: []string{"369.56392"},
			errHas: []string{"369.5639188", "369.56392"}},
		{name: "double near zero", wantTypes: "DOUBLE", want: []string{"0"}, got: []string{"1e-13"}, equal: true},
		{name: "double far from zero", wantTypes: "DOUBLE", want: []string{"0"}, got: []string{"1e-11"}},
		{name: "float and double", wantTypes: "DOUBLE", gotType: "FLOAT", want: []string{"0.5"}, got: []string{"0.5"}, equal: true},
		{name: "double within 1e-9, ordered", wantTypes: "DOUBLE", want: []string{"1", "1e9"}, got: []string{"1.0000000001", "1000000000.5"}, ordered: true, equal: true},
		{name: "double outside 1e-9, ordered", wantTypes: "DOUBLE", want: []string{"1", "1e9"}, got: []string{"1", "1000000002"}, ordered: true,
			errHas: []string{"row 2 differs in column 1"}},
		{name: "decimal of MySQL's AVG", wantTypes: "DOUBLE", gotType: "DECIMAL(16,6)", want: []string{"369.56391880000001"}, got: []string{"369.563919"}, equal: true},
		{name: "decimal of MySQL's AVG, wrong", wantTypes: "DOUBLE", gotType: "DECIMAL(16,6)", want: []string{"369.56391880000001"}, got: []string{"369.563920"}},
		{name: "half a unit of a decimal's last digit", wantTypes: "DOUBLE", gotType: "DECIMAL(10,4)", want: []string{"0.123456789", "2"}, got: []string{"0.1235", "2.0000"}, equal: true},
		{name: "more than half a unit of a decimal's last digit", wantTypes: "DOUBLE", gotType: "DECIMAL(10,4)", want: []string{"0.123456789"}, got: []string{"0.1236"}},
		{name: "hugeint against double is no decimal of scale 0", wantTypes: "HUGEINT", gotType: "DOUBLE", want: []string{"3"}, got: []string{"3.4"}},
		{name: "integer against double", wantTypes: "BIGINT", gotType: "DOUBLE", want: []string{"3"}, got: []string{"3.0000000000001"}, equal: true},
		{name: "boolean and integer", wantTypes: "BOOLEAN", gotType: "BIGINT", want: []string{"true", "false"}, got: []string{"0", "1"}, equal: true},
		{name: "boolean and integer differ", wantTypes: "BOOLEAN", gotType: "BIGINT", want: []string{"false"}, got: []string{"1"}},
		{name: "date and midnight", wantTypes: "TIMESTAMP", gotType: "DATE", want: []string{"2025-10-18 00:00:00"}, got: []string{"2025-10-18"}, equal: true},
		{name: "date and not midnight", wantTypes: "TIMESTAMP", gotType: "DATE", want: []string{"2025-10-18 00:00:01"}, got: []string{"2025-10-18"}},
		{name: "nanoseconds truncate to microseconds", wantTypes: "TIMESTAMP", gotType: "TIMESTAMP_NS", want: []string{"1969-12-31 23:59:59.999999", "2026-01-01 00:00:00.000001"}, got: []string{"1969-12-31 23:59:59.9999999", "2026-01-01 00:00:00.0000019"}, equal: true},
		{name: "strings exact", wantTypes: "VARCHAR", want: []string{"Åsa"}, got: []string{"Åsa"}, equal: true},
		{name: "strings case", wantTypes: "VARCHAR", want: []string{"SE"}, got: []string{"se"}},
		{name: "a number against text compares by its text", wantTypes: "VARCHAR", gotType: "DECIMAL(10,2)", want: []string{"3.50", "1.00"}, got: []string{"1", "3.5"}, equal: true},
		{name: "a number against other text", wantTypes: "VARCHAR", gotType: "DECIMAL(10,2)", want: []string{"3.5"}, got: []string{"3.5"}},
		{name: "exact ties pair up by float", wantTypes: "VARCHAR;DOUBLE", want: []string{"a|1.0000000001", "a|2"}, got: []string{"a|2.0000000001", "a|1"}, equal: true},
		{name: "rows differing only in a float", wantTypes: "VARCHAR;DOUBLE;BIGINT", want: []string{"SE|0.1|3", "NO|NULL|1", "DK|2.5|2"}, got: []string{"DK|2.5|2", "SE|0.2|3", "NO|NULL|1"},
			errHas: []string{"1 expected rows missing, 1 unexpected rows", "1: SE | 0.10000000000000001 | 3", "2: SE | 0.20000000000000001 | 3"}},
		{name: "a float NULL against a float", wantTypes: "VARCHAR;DOUBLE", want: []string{"a|NULL"}, got: []string{"a|0"}},
		{name: "mixed types, any order", wantTypes: "VARCHAR;DOUBLE;BIGINT", gotType: "VARCHAR;DECIMAL(10,4);BIGINT", want: []string{"SE|0.1|3", "NO|NULL|1", "DK|2.5|2"}, got: []string{"DK|2.5000|2", "SE|0.1000|3", "NO|NULL|1"}, equal: true},
		{name: "mixed types, ordered", wantTypes: "VARCHAR;DOUBLE;BIGINT", gotType: "VARCHAR;DECIMAL(10,4);BIGINT", want: []string{"SE|0.1|3", "NO|NULL|1", "DK|2.5|2"}, got: []string{"DK|2.5000|2", "SE|0.1000|3", "NO|NULL|1"}, ordered: true,
			errHas: []string{"row 1 differs in column 1"}},
		{name: "no rows", wantTypes: "BIGINT", equal: true},
		{name: "no rows against one", wantTypes: "BIGINT", got: []string{"1"}},
	} {
		gotTypes := tc.gotType
		if gotTypes == "" {
			gotTypes = tc.wantTypes
		}
		for _, batch := range []int{0, 1, 2} {
			t.Run(fmt.Sprintf("%s/batch%d", tc.name, batch), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				want := build(t, mem, tc.wantTypes, batch, tc.want...)
				defer want.Release()
				got := build(t, mem, gotTypes, batch, tc.got...)
				defer got.Release()
				err := Compare(want, got, tc.ordered)
				if tc.equal {
					assert.NoError(t, err)
				} else {
					require.Error(t, err)
					for _, s := range tc.errHas {
						assert.Contains(t, err.Error(), s)
					}
				}
				assert.Equal(t, err == nil, plantestVerdict(t, want, got, tc.ordered) == nil, "plantest's verdict differs: %v", err)
			})
		}
	}
}

func TestCompareColumns(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	want := build(t, mem, "BIGINT;VARCHAR", 0, "1|a")
	defer want.Release()
	got := build(t, mem, "BIGINT", 0, "1")
	defer got.Release()
	err := Compare(want, got, false)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "1 columns, want 2")
}

// TestCompareManyExamples checks that a mismatch counts every differing
// row but shows only a few.
func TestCompareManyExamples(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var w, g []string
	for i := range 100 {
		w = append(w, strconv.Itoa(i))
		g = append(g, strconv.Itoa(i+1000))
	}
	want := build(t, mem, "BIGINT", 7, w...)
	defer want.Release()
	got := build(t, mem, "BIGINT", 7, g...)
	defer got.Release()
	err := Compare(want, got, false)
	require.Error(t, err)
	msg := err.Error()
	assert.Contains(t, msg, "100 expected rows missing, 100 unexpected rows")
	assert.Contains(t, msg, "missing, from want (5 of 100")
	assert.Contains(t, msg, "unexpected, from got (5 of 100")
	// A summary, then a heading and the first rows of each side.
	assert.Equal(t, 1+2*(1+examples), strings.Count(msg, "\n")+1, msg)
	assert.Contains(t, msg, "  1: 0\n  2: 1\n  3: 2\n  4: 3\n  5: 4\n")
	assert.True(t, strings.HasSuffix(msg, "  1: 1000\n  2: 1001\n  3: 1002\n  4: 1003\n  5: 1004"), msg)
}

// TestCompareRandom checks Compare against plantest.Compare on random
// answers and random damage to them.
func TestCompareRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 2026))
	damages := []string{"none", "shuffle", "float within", "float outside", "decimal", "drop", "duplicate", "null", "swap"}
	verdicts := map[bool]int{}
	for round := range 200 {
		damage := damages[round%len(damages)]
		n := 1 + rng.IntN(60)
		var rows []string
		for range n {
			f := "NULL"
			if rng.IntN(8) > 0 {
				f = strconv.FormatFloat(float64(rng.IntN(1000))/7, 'g', 17, 64)
			}
			rows = append(rows, fmt.Sprintf("%c|%d|%d.%02d|%s", 'a'+rng.IntN(3), rng.IntN(4), rng.IntN(50), rng.IntN(100), f))
		}
		got := append([]string(nil), rows...)
		gotTypes := "VARCHAR;BIGINT;DECIMAL(12,2);DOUBLE"
		k := rng.IntN(n)
		field := func(row string, j int, v string) string {
			parts := strings.Split(row, "|")
			parts[j] = v
			return strings.Join(parts, "|")
		}
		switch damage {
		case "shuffle":
			rng.Shuffle(n, func(i, j int) { got[i], got[j] = got[j], got[i] })
		case "float within", "float outside":
			f := strings.Split(got[k], "|")[3]
			x, _ := strconv.ParseFloat(f, 64)
			if f == "NULL" {
				x = 1
			}
			if damage == "float within" {
				x *= 1 + 1e-12
			} else {
				x = x*(1+1e-6) + 1e-6
			}
			got[k] = field(got[k], 3, strconv.FormatFloat(x, 'g', 17, 64))
		case "decimal":
			gotTypes = "VARCHAR;BIGINT;DECIMAL(14,4);DOUBLE"
			for i := range got {
				got[i] = field(got[i], 2, strings.Split(got[i], "|")[2]+"00")
			}
		case "drop":
			got = append(got[:k], got[k+1:]...)
		case "duplicate":
			got = append(got, got[k])
		case "null":
			got[k] = field(got[k], 1, "NULL")
		case "swap":
			if n > 1 {
				k2 := (k + 1) % n
				got[k], got[k2] = got[k2], got[k]
			}
		}
		for _, ordered := range []bool{false, true} {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			wa := build(t, mem, "VARCHAR;BIGINT;DECIMAL(12,2);DOUBLE", 1+rng.IntN(9), rows...)
			ga := build(t, mem, gotTypes, 1+rng.IntN(9), got...)
			err := Compare(wa, ga, ordered)
			perr := plantestVerdict(t, wa, ga, ordered)
			assert.Equal(t, perr == nil, err == nil, "round %d (%s, ordered %v): plantest says %v, Compare says %v", round, damage, ordered, perr, err)
			verdicts[err == nil]++
			wa.Release()
			ga.Release()
			mem.AssertSize(t, 0)
		}
	}
	// Both verdicts are common, or the rounds proved little.
	assert.Greater(t, verdicts[true], 100)
	assert.Greater(t, verdicts[false], 100)
}

func TestNewChecksColumns(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	a := build(t, mem, "BIGINT;VARCHAR", 0, "1|a")
	defer a.Release()
	_, err := New([]plantest.Column{{Name: "a", Type: "BIGINT"}}, a.Records)
	assert.Error(t, err)
}

func TestRead(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	src := build(t, mem, "BIGINT;DECIMAL(12,2);VARCHAR", 2, "1|2.50|x", "2|NULL|y", "3|0.01|NULL")
	defer src.Release()
	rr, err := array.NewRecordReader(src.Records[0].Schema(), src.Records)
	require.NoError(t, err)
	defer rr.Release()
	a, err := Read(rr)
	require.NoError(t, err)
	defer a.Release()
	assert.Equal(t, []plantest.Column{{Name: "a", Type: "BIGINT"}, {Name: "b", Type: "DECIMAL(12,2)"}, {Name: "c", Type: "VARCHAR"}}, a.Columns)
	assert.Equal(t, 3, a.Rows())
	assert.Equal(t, "3 | 0.01 | NULL", a.row(2))
	assert.Equal(t, "2 | NULL | y", a.row(1))
}
