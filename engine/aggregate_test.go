package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/decimal128"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// newAggregate builds a HashAggregate over recs with the output schema the
// planner would give it.
func newAggregate(schema *arrow.Schema, recs []arrow.Record, keys []int, aggs []Aggregate) *HashAggregate {
	var fields []arrow.Field
	for _, k := range keys {
		fields = append(fields, schema.Field(k))
	}
	for _, a := range aggs {
		fields = append(fields, arrow.Field{Name: a.Name, Type: a.Type, Nullable: true})
	}
	return &HashAggregate{
		Input: &Values{Out: schema, Records: recs},
		Keys:  keys,
		Aggs:  aggs,
		Out:   arrow.NewSchema(fields, nil),
	}
}

// agg makes an aggregate of column arg of schema (-1: COUNT(*)).
func agg(t testing.TB, schema *arrow.Schema, f AggFunc, arg int, distinct bool) Aggregate {
	var in arrow.DataType
	if arg >= 0 {
		in = schema.Field(arg).Type
	}
	rt, err := AggResultType(f, in)
	require.NoError(t, err)
	return Aggregate{Func: f, Arg: arg, Distinct: distinct, Name: fmt.Sprintf("a%d", arg), Type: rt}
}

// everyAggregate returns COUNT(*) and every aggregate, plain and DISTINCT,
// that each column of schema accepts.
func everyAggregate(t testing.TB, schema *arrow.Schema) []Aggregate {
	aggs := []Aggregate{agg(t, schema, AggCount, -1, false)}
	for c, f := range schema.Fields() {
		for _, fn := range []AggFunc{AggCount, AggSum, AggAvg, AggMin, AggMax} {
			if _, err := AggResultType(fn, f.Type); err != nil {
				continue
			}
			aggs = append(aggs, agg(t, schema, fn, c, false), agg(t, schema, fn, c, true))
		}
	}
	return aggs
}

// drainValues runs op and returns its rows as oracle values.
func drainValues(t testing.TB, op Operator, x *Exec) [][]any {
	t.Helper()
	rr, err := Run(context.Background(), op, x)
	require.NoError(t, err)
	defer rr.Release()
	var rows [][]any
	for rr.Next() {
		rec := rr.Record()
		require.Positive(t, rec.NumRows())
		require.True(t, rec.Schema().Equal(op.Schema()))
		for i := 0; i < int(rec.NumRows()); i++ {
			row := make([]any, rec.NumCols())
			for c := range row {
				row[c] = cellValue(rec.Column(c), i)
			}
			rows = append(rows, row)
		}
	}
	require.NoError(t, rr.Err())
	return rows
}

// drainShared is drainValues for a HashAggregate whose workers share out
// every batch, however many groups they hold.
func drainShared(t testing.TB, op *HashAggregate, x *Exec) [][]any {
	t.Helper()
	s, err := op.Open(context.Background(), x)
	require.NoError(t, err)
	s.(*aggStream).rowsPerGroup = 0
	defer s.Close()
	var rows [][]any
	for {
		rec, err := s.Next()
		if errors.Is(err, io.EOF) {
			return rows
		}
		require.NoError(t, err)
		for i := 0; i < int(rec.NumRows()); i++ {
			row := make([]any, rec.NumCols())
			for c := range row {
				row[c] = cellValue(rec.Column(c), i)
			}
			rows = append(rows, row)
		}
		rec.Release()
	}
}

// assertSameRows compares engine rows with oracle rows, in order.
func assertSameRows(t testing.TB, a *HashAggregate, want, got [][]any) {
	t.Helper()
	require.Equal(t, len(want), len(got), "groups")
	bad := 0
	for i := range want {
		for c := range want[i] {
			if sameValue(got[i][c], want[i][c]) {
				continue
			}
			what := fmt.Sprintf("key %d", c)
			if c >= len(a.Keys) {
				what = a.aggString(c - len(a.Keys))
			}
			assert.Failf(t, "wrong value", "group %d (%v), %s: got %v, want %v", i, want[i][:len(a.Keys)], what, got[i][c], want[i][c])
			if bad++; bad > 10 {
				t.FailNow()
			}
		}
	}
}

func columnIndexes(s *arrow.Schema, names ...string) []int {
	var out []int
	for _, n := range names {
		out = append(out, s.FieldIndices(n)[0])
	}
	return out
}

func TestHashAggregateMatchesOracle(t *testing.T) {
	cases := []struct {
		name  string
		keys  []string
		card  int
		seeds []uint64
	}{
		{"no keys", nil, 30, []uint64{1, 2}},
		{"int64 key", []string{"i64"}, 40, []uint64{1}},
		{"int32 key", []string{"i32"}, 40, []uint64{1}},
		{"int8 key", []string{"i8"}, 40, []uint64{1}},
		{"date key", []string{"d"}, 40, []uint64{1}},
		{"timestamp key", []string{"ts"}, 40, []uint64{1}},
		{"string key", []string{"s"}, 40, []uint64{1, 2}},
		{"binary key", []string{"bin"}, 40, []uint64{1}},
		{"float key", []string{"f64"}, 40, []uint64{1}},
		{"bool key", []string{"b"}, 40, []uint64{1}},
		{"decimal key", []string{"dec"}, 40, []uint64{1}},
		{"int and string keys", []string{"i32", "s"}, 10, []uint64{1, 2}},
		{"mixed keys", []string{"b", "f32", "bin", "d"}, 5, []uint64{1, 2}},
	}
	for _, tc := range cases {
		for _, seed := range tc.seeds {
			t.Run(fmt.Sprintf("%s/%d", tc.name, seed), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				r := rand.New(rand.NewPCG(seed, 11))
				d := genAggData(r, aggColumns(tc.card), 700+r.IntN(700), 0.1)
				recs := d.batches(mem, r, 250)
				defer releaseRecords(recs)
				keys := columnIndexes(d.schema, tc.keys...)
				aggs := everyAggregate(t, d.schema)
				want := oracleAggregate(d, keys, aggs)
				op := newAggregate(d.schema, recs, keys, aggs)
				for _, par := range []int{1, 2, 3} {
					x := &Exec{Mem: mem, Parallelism: par, BatchSize: 17}
					assertSameRows(t, op, want, drainValues(t, op, x))
					assert.Zero(t, x.Reserved(), "memory still reserved")
					if par > 1 && len(keys) > 0 {
						assertSameRows(t, op, want, drainShared(t, op, x))
						assert.Zero(t, x.Reserved(), "memory still reserved")
					}
				}
			})
		}
	}
}

func TestHashAggregateDistinctKeysOnly(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	r := rand.New(rand.NewPCG(3, 3))
	d := genAggData(r, aggColumns(20), 5000, 0.2)
	recs := d.batches(mem, r, 1000)
	defer releaseRecords(recs)
	for _, names := range [][]string{{"s"}, {"i16"}, {"s", "i8"}, {"b", "d"}} {
		keys := columnIndexes(d.schema, names...)
		op := newAggregate(d.schema, recs, keys, nil)
		want := oracleAggregate(d, keys, nil)
		assertSameRows(t, op, want, drainValues(t, op, &Exec{Mem: mem, Parallelism: 1}))
		assertSameRows(t, op, want, drainShared(t, op, &Exec{Mem: mem, Parallelism: 2}))
	}
}

func TestHashAggregateManyGroups(t *testing.T) {
	const card = 100_000
	cols := []aggColumn{
		{"k", arrow.PrimitiveTypes.Int64, func(r *rand.Rand) any { return int64(r.IntN(card)) }},
		{"s", arrow.BinaryTypes.String, func(r *rand.Rand) any { return fmt.Sprintf("key-%d", r.IntN(card)) }},
		{"small", arrow.PrimitiveTypes.Int16, func(r *rand.Rand) any { return int64(r.IntN(3)) }},
		{"v", arrow.PrimitiveTypes.Int64, func(r *rand.Rand) any { return int64(r.Uint64()) }},
		{"f", arrow.PrimitiveTypes.Float64, func(r *rand.Rand) any { return float64(r.IntN(100)) / 4 }},
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	r := rand.New(rand.NewPCG(5, 5))
	d := genAggData(r, cols, 120_000, 0.05)
	recs := d.batches(mem, r, 20_000)
	defer releaseRecords(recs)
	aggs := []Aggregate{
		agg(t, d.schema, AggCount, -1, false),
		agg(t, d.schema, AggSum, 3, false),
		agg(t, d.schema, AggMax, 1, false),
		agg(t, d.schema, AggAvg, 4, false),
		agg(t, d.schema, AggCount, 4, true),
	}
	for _, names := range [][]string{{"k"}, {"s"}, {"small", "k"}} {
		keys := columnIndexes(d.schema, names...)
		want := oracleAggregate(d, keys, aggs)
		require.Greater(t, len(want), 64<<10)
		op := newAggregate(d.schema, recs, keys, aggs)
		for _, par := range []int{1, 2} {
			t.Run(fmt.Sprintf("%v/%d", names, par), func(t *testing.T) {
				x := &Exec{Mem: mem, Parallelism: par}
				assertSameRows(t, op, want, drainValues(t, op, x))
				assert.Zero(t, x.Reserved())
				if par > 1 {
					assertSameRows(t, op, want, drainShared(t, op, x))
					assert.Zero(t, x.Reserved())
				}
			})
		}
	}
}

func TestHashAggregateEmptyInput(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	d := genAggData(rand.New(rand.NewPCG(1, 1)), aggColumns(10), 0, 0)
	aggs := everyAggregate(t, d.schema)
	for _, par := range []int{1, 2} {
		// Without keys: one row, counts zero and everything else NULL.
		rows := drainValues(t, newAggregate(d.schema, nil, nil, aggs), &Exec{Mem: mem, Parallelism: par})
		require.Len(t, rows, 1)
		for i, a := range aggs {
			if a.Func == AggCount {
				assert.Equal(t, int64(0), rows[0][i], "%d", i)
			} else {
				assert.Nil(t, rows[0][i], "%d", i)
			}
		}
		// With keys: nothing.
		rows = drainValues(t, newAggregate(d.schema, nil, []int{0}, aggs), &Exec{Mem: mem, Parallelism: par})
		assert.Empty(t, rows)
		rows = drainValues(t, newAggregate(d.schema, nil, []int{0, 7}, nil), &Exec{Mem: mem, Parallelism: par})
		assert.Empty(t, rows)
	}
	// No keys and no aggregates: one row of no columns.
	op := newAggregate(d.schema, nil, nil, nil)
	rr, err := Run(context.Background(), op, &Exec{Mem: mem})
	require.NoError(t, err)
	require.True(t, rr.Next())
	assert.Equal(t, int64(1), rr.Record().NumRows())
	assert.False(t, rr.Next())
	require.NoError(t, rr.Err())
	rr.Release()
}

// decimalRecord makes a one-column decimal(38, 0) record.
func decimalRecord(mem memory.Allocator, vals ...string) arrow.Record {
	schema := arrow.NewSchema([]arrow.Field{{Name: "x", Type: &arrow.Decimal128Type{Precision: 38, Scale: 0}, Nullable: true}}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	for _, v := range vals {
		n, _ := new(big.Int).SetString(v, 10)
		b.Field(0).(*array.Decimal128Builder).Append(decimal128.FromBigInt(n))
	}
	return b.NewRecord()
}

func TestHashAggregateDecimalOverflow(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	const max38 = "99999999999999999999999999999999999999"
	cases := []struct {
		name string
		vals []string
		fn   AggFunc
		want string // the sum, or "" for an overflow error
		// either allows the exact sum too: whether a partial sum leaves
		// 128 bits depends on the order in which workers add.
		either bool
	}{
		{"fits", []string{max38, "-1", "1"}, AggSum, max38, false},
		{"beyond 38 digits", []string{max38, "1"}, AggSum, "", false},
		{"beyond 128 bits", []string{max38, max38}, AggSum, "", false},
		{"back in range", []string{max38, max38, "-" + max38, "-" + max38}, AggSum, "", true},
		{"avg beyond 128 bits", []string{max38, max38}, AggAvg, "", false},
	}
	for _, tc := range cases {
		for _, par := range []int{1, 2} {
			t.Run(fmt.Sprintf("%s/%d", tc.name, par), func(t *testing.T) {
				var recs []arrow.Record
				for _, v := range tc.vals {
					recs = append(recs, decimalRecord(mem, v))
				}
				defer releaseRecords(recs)
				schema := recs[0].Schema()
				op := newAggregate(schema, recs, nil, []Aggregate{agg(t, schema, tc.fn, 0, false)})
				x := &Exec{Mem: mem, Parallelism: par}
				rr, err := Run(context.Background(), op, x)
				require.NoError(t, err)
				defer rr.Release()
				if tc.either && par > 1 && rr.Next() {
					assert.Equal(t, "0", rr.Record().Column(0).(*array.Decimal128).Value(0).BigInt().String())
					return
				}
				if tc.want == "" {
					assert.False(t, rr.Next())
					require.ErrorIs(t, rr.Err(), errSumOverflow)
					assert.Contains(t, rr.Err().Error(), "x")
					assert.Contains(t, rr.Err().Error(), "out of range")
					rr.Release()
					assert.Zero(t, x.Reserved())
					return
				}
				require.True(t, rr.Next(), "%v", rr.Err())
				assert.Equal(t, tc.want, rr.Record().Column(0).(*array.Decimal128).Value(0).BigInt().String())
			})
		}
	}
}

func TestHashAggregateAvgRoundsOnce(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	// Sums past 2^53, where converting the sum to float64 first would
	// round twice.
	rec := decimalRecord(mem, "9007199254740993", "9007199254740993", "1", "12345678901234567890123456789")
	defer rec.Release()
	schema := rec.Schema()
	for n := int64(1); n <= rec.NumRows(); n++ {
		part := rec.NewSlice(0, n)
		op := newAggregate(schema, []arrow.Record{part}, nil, []Aggregate{agg(t, schema, AggAvg, 0, false)})
		rows := drainValues(t, op, &Exec{Mem: mem})
		sum := new(big.Int)
		for i := range n {
			sum.Add(sum, rec.Column(0).(*array.Decimal128).Value(int(i)).BigInt())
		}
		want, _ := new(big.Rat).SetFrac(sum, big.NewInt(n)).Float64()
		assert.Equal(t, want, rows[0][0], "%d rows", n)
		part.Release()
	}
}

func TestHashAggregateMemoryLimit(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	r := rand.New(rand.NewPCG(9, 9))
	d := genAggData(r, aggColumns(100_000), 50_000, 0.1)
	recs := d.batches(mem, r, 4000)
	defer releaseRecords(recs)
	keys := columnIndexes(d.schema, "ts")
	op := newAggregate(d.schema, recs, keys, []Aggregate{
		agg(t, d.schema, AggCount, -1, false),
		agg(t, d.schema, AggMin, 7, false),
		agg(t, d.schema, AggSum, 6, true),
	})
	for _, par := range []int{1, 2} {
		x := &Exec{Mem: mem, Parallelism: par, MemoryLimit: 1 << 20}
		rr, err := Run(context.Background(), op, x)
		require.NoError(t, err)
		assert.False(t, rr.Next())
		var mle *MemoryLimitError
		require.ErrorAs(t, rr.Err(), &mle)
		assert.ErrorIs(t, rr.Err(), ErrMemoryLimit)
		assert.Equal(t, "hash aggregate", mle.Operator)
		rr.Release()
		assert.Zero(t, x.Reserved(), "a failed aggregate releases what it reserved")

		// With room, the same aggregate runs, reserves, and gives it back.
		x = &Exec{Mem: mem, Parallelism: par}
		s, err := op.Open(context.Background(), x)
		require.NoError(t, err)
		rec, err := s.Next()
		require.NoError(t, err)
		assert.Positive(t, x.Reserved())
		rec.Release()
		require.NoError(t, s.Close())
		require.NoError(t, s.Close())
		assert.Zero(t, x.Reserved())
	}
}

// endless yields copies of one batch until its context is done; it cancels
// that context itself after cancelAfter batches.
type endless struct {
	rec         arrow.Record
	cancel      context.CancelFunc
	cancelAfter int
}

func (e *endless) Schema() *arrow.Schema { return e.rec.Schema() }
func (e *endless) Describe() string      { return "Endless" }
func (e *endless) Children() []Operator  { return nil }

func (e *endless) Open(ctx context.Context, _ *Exec) (Stream, error) {
	return &endlessStream{e: e, ctx: ctx}, nil
}

type endlessStream struct {
	e   *endless
	ctx context.Context
	n   int
}

func (s *endlessStream) Next() (arrow.Record, error) {
	if err := s.ctx.Err(); err != nil {
		return nil, err
	}
	if s.n++; s.n == s.e.cancelAfter {
		s.e.cancel()
	}
	s.e.rec.Retain()
	return s.e.rec, nil
}

func (s *endlessStream) Close() error { return nil }

func TestHashAggregateCancel(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	r := rand.New(rand.NewPCG(4, 4))
	d := genAggData(r, aggColumns(1000), 2000, 0.1)
	rec := d.record(mem)
	defer rec.Release()
	for _, par := range []int{1, 2} {
		ctx, cancel := context.WithCancel(context.Background())
		in := &endless{rec: rec, cancel: cancel, cancelAfter: 10}
		aggs := everyAggregate(t, d.schema)
		op := newAggregate(d.schema, nil, []int{1}, aggs)
		op.Input = in
		x := &Exec{Mem: mem, Parallelism: par}
		s, err := op.Open(ctx, x)
		require.NoError(t, err)
		_, err = s.Next()
		assert.ErrorIs(t, err, context.Canceled)
		_, err = s.Next()
		assert.ErrorIs(t, err, context.Canceled)
		require.NoError(t, s.Close())
		assert.Zero(t, x.Reserved())
		cancel()
	}
}

func TestHashAggregateDescribe(t *testing.T) {
	d := genAggData(rand.New(rand.NewPCG(1, 1)), aggColumns(10), 0, 0)
	s := d.schema
	op := newAggregate(s, nil, columnIndexes(s, "s", "i8"), []Aggregate{
		agg(t, s, AggCount, -1, false), agg(t, s, AggSum, 3, false), agg(t, s, AggCount, 7, true),
	})
	assert.Equal(t, "HashAggregate keys: s, i8; aggs: count(*), sum(i64), count(distinct s)", op.Describe())
	assert.Equal(t, "HashAggregate keys: s", newAggregate(s, nil, []int{7}, nil).Describe())
	assert.Equal(t, "HashAggregate aggs: max(f64)", newAggregate(s, nil, nil, []Aggregate{agg(t, s, AggMax, 5, false)}).Describe())
}

func TestAggResultType(t *testing.T) {
	i64, f64 := arrow.PrimitiveTypes.Int64, arrow.PrimitiveTypes.Float64
	hugeint := &arrow.Decimal128Type{Precision: 38, Scale: 0}
	str, date := arrow.BinaryTypes.String, arrow.FixedWidthTypes.Date32
	cases := []struct {
		f    AggFunc
		in   arrow.DataType
		want arrow.DataType
		err  string
	}{
		{AggCount, nil, i64, ""},
		{AggCount, str, i64, ""},
		{AggCount, arrow.ListOf(i64), i64, ""},
		{AggSum, arrow.PrimitiveTypes.Int8, hugeint, ""},
		{AggSum, arrow.PrimitiveTypes.Int32, hugeint, ""},
		{AggSum, i64, hugeint, ""},
		{AggSum, dec12, &arrow.Decimal128Type{Precision: 38, Scale: 2}, ""},
		{AggSum, arrow.PrimitiveTypes.Float32, f64, ""},
		{AggSum, f64, f64, ""},
		{AggSum, str, nil, "sum accepts integer, decimal and floating-point values, not utf8"},
		{AggSum, nil, nil, "sum needs an argument"},
		{AggAvg, arrow.PrimitiveTypes.Int16, f64, ""},
		{AggAvg, dec12, f64, ""},
		{AggAvg, arrow.PrimitiveTypes.Float32, f64, ""},
		{AggAvg, date, nil, "avg accepts"},
		{AggMin, str, str, ""},
		{AggMax, date, date, ""},
		{AggMax, tsUS, tsUS, ""},
		{AggMin, dec12, dec12, ""},
		{AggMin, arrow.FixedWidthTypes.Boolean, arrow.FixedWidthTypes.Boolean, ""},
		{AggMax, arrow.PrimitiveTypes.Float32, arrow.PrimitiveTypes.Float32, ""},
		{AggMax, arrow.ListOf(i64), nil, "max accepts"},
		{AggFunc(9), i64, nil, "unknown aggregate"},
	}
	for _, tc := range cases {
		got, err := AggResultType(tc.f, tc.in)
		if tc.err != "" {
			assert.ErrorContains(t, err, tc.err, "%s(%v)", tc.f, tc.in)
			continue
		}
		require.NoError(t, err, "%s(%v)", tc.f, tc.in)
		assert.True(t, arrow.TypeEqual(tc.want, got), "%s(%v): got %s, want %s", tc.f, tc.in, got, tc.want)
	}
	assert.Equal(t, "count", AggCount.String())
	assert.Equal(t, "avg", AggAvg.String())
}

func TestHashAggregateRejectsBadPlans(t *testing.T) {
	d := genAggData(rand.New(rand.NewPCG(1, 1)), aggColumns(10), 0, 0)
	s := d.schema
	good := agg(t, s, AggSum, 3, false)
	wrongType := good
	wrongType.Type = arrow.PrimitiveTypes.Int64
	list := arrow.NewSchema([]arrow.Field{{Name: "l", Type: arrow.ListOf(arrow.PrimitiveTypes.Int64)}}, nil)
	cases := []struct {
		name string
		op   *HashAggregate
		err  string
	}{
		{"result type", newAggregate(s, nil, nil, []Aggregate{wrongType}), "has result type"},
		{"argument", newAggregate(s, nil, nil, []Aggregate{{Func: AggSum, Arg: 99, Type: good.Type}}), "out of range"},
		{"count distinct *", newAggregate(s, nil, nil, []Aggregate{{Func: AggCount, Arg: -1, Distinct: true, Type: arrow.PrimitiveTypes.Int64}}), "needs an argument"},
		{"sum of strings", newAggregate(s, nil, nil, []Aggregate{{Func: AggSum, Arg: 7, Type: good.Type}}), "sum accepts"},
		{"list key", newAggregate(list, nil, []int{0}, nil), "cannot be group keys"},
		{"list distinct", newAggregate(list, nil, nil, []Aggregate{{Func: AggCount, Arg: 0, Distinct: true, Type: arrow.PrimitiveTypes.Int64}}), "distinct values"},
	}
	for _, tc := range cases {
		_, err := tc.op.Open(context.Background(), &Exec{})
		assert.ErrorContains(t, err, tc.err, tc.name)
	}
	// An output schema that does not match.
	op := newAggregate(s, nil, []int{0}, nil)
	op.Out = arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Int64}}, nil)
	_, err := op.Open(context.Background(), &Exec{})
	assert.ErrorContains(t, err, "output field x")
}

func releaseRecords(recs []arrow.Record) {
	for _, r := range recs {
		r.Release()
	}
}
