package engine

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/decimal128"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var allJoinTypes = []JoinType{InnerJoin, LeftJoin, SemiJoin, AntiJoin, FullJoin, RightJoin, RightSemiJoin, RightAntiJoin}

// joinKeyCases are the key columns of the join tests: few distinct values,
// so that keys repeat on both sides, and NULLs.
var joinKeyCases = map[string][]valueGen{
	"int64":        {{typ: arrow.PrimitiveTypes.Int64, nullPct: 20, gen: func(r *rand.Rand) any { return int64(r.IntN(6) - 1) }}},
	"int32":        {{typ: arrow.PrimitiveTypes.Int32, nullPct: 20, gen: func(r *rand.Rand) any { return int32(r.IntN(6) - 1) }}},
	"date32":       {{typ: arrow.FixedWidthTypes.Date32, nullPct: 20, gen: func(r *rand.Rand) any { return arrow.Date32(r.IntN(6)) }}},
	"timestamp":    {{typ: &arrow.TimestampType{Unit: arrow.Microsecond}, nullPct: 20, gen: func(r *rand.Rand) any { return arrow.Timestamp(r.IntN(6) * 1000) }}},
	"string":       {{typ: arrow.BinaryTypes.String, nullPct: 20, gen: joinString}},
	"large_string": {{typ: arrow.BinaryTypes.LargeString, nullPct: 20, gen: joinString}},
	"binary":       {{typ: arrow.BinaryTypes.Binary, nullPct: 20, gen: func(r *rand.Rand) any { return []byte(joinString(r).(string)) }}},
	"float64":      {{typ: arrow.PrimitiveTypes.Float64, nullPct: 20, gen: joinFloat}},
	"decimal": {{typ: decType, nullPct: 20, gen: func(r *rand.Rand) any {
		v := decimal128.FromI64(int64(r.IntN(4)) - 1)
		if r.IntN(3) == 0 {
			v = v.Mul(decimal128.FromU64(math.MaxUint64))
		}
		return v
	}}},
	"bool":  {{typ: arrow.FixedWidthTypes.Boolean, nullPct: 20, gen: func(r *rand.Rand) any { return r.IntN(2) == 0 }}},
	"uint8": {{typ: arrow.PrimitiveTypes.Uint8, nullPct: 20, gen: func(r *rand.Rand) any { return uint8(r.IntN(5)) }}},
	"int64+string": {
		{typ: arrow.PrimitiveTypes.Int64, nullPct: 10, gen: func(r *rand.Rand) any { return int64(r.IntN(3)) }},
		{typ: arrow.BinaryTypes.String, nullPct: 10, gen: func(r *rand.Rand) any { return []string{"x", "y"}[r.IntN(2)] }},
	},
}

func joinString(r *rand.Rand) any {
	return []string{"", "a", "b", "a longer key, past eight bytes", "a longer key, past eight bytes!"}[r.IntN(5)]
}

func joinFloat(r *rand.Rand) any {
	return []float64{math.NaN(), math.Copysign(0, -1), 0, 1.5, math.Inf(-1)}[r.IntN(5)]
}

// joinSide makes n rows of (id, keys..., v) in batches of varied sizes;
// with nullKeys every key is NULL.
func joinSide(mem memory.Allocator, prefix string, gens []valueGen, n int, r *rand.Rand, nullKeys bool) (*arrow.Schema, [][]any, []arrow.Record) {
	fields := []arrow.Field{{Name: prefix + "id", Type: arrow.PrimitiveTypes.Int64}}
	for i, g := range gens {
		fields = append(fields, arrow.Field{Name: fmt.Sprintf("%sk%d", prefix, i), Type: g.typ, Nullable: true})
	}
	fields = append(fields, arrow.Field{Name: prefix + "v", Type: arrow.PrimitiveTypes.Int64, Nullable: true})
	schema := arrow.NewSchema(fields, nil)
	vgen := valueGen{nullPct: 10, gen: func(r *rand.Rand) any { return int64(r.IntN(10)) }}
	rows := make([][]any, n)
	for i := range rows {
		row := []any{int64(i)}
		for _, g := range gens {
			v := g.value(r)
			if nullKeys {
				v = nil
			}
			row = append(row, v)
		}
		rows[i] = append(row, vgen.value(r))
	}
	return schema, rows, makeBatches(mem, schema, rows, 1+r.IntN(20), 0, 1+r.IntN(40))
}

// joinOracle is a brute-force join over rows held as []any. Keys are the
// nkeys columns after the id (none for a nested-loop join); residual, when
// set, is probe v < build v.
type joinOracle struct {
	typ       JoinType
	nkeys     int
	residual  bool
	nullAware bool
}

func (o joinOracle) keysEqual(p, b []any) bool {
	for c := 1; c <= o.nkeys; c++ {
		if p[c] == nil || b[c] == nil || !keyEqualValues(p[c], b[c]) {
			return false
		}
	}
	return true
}

func (o joinOracle) condition(p, b []any) bool {
	if !o.residual {
		return true
	}
	pv, bv := p[len(p)-1], b[len(b)-1]
	return pv != nil && bv != nil && pv.(int64) < bv.(int64)
}

// run returns the output as "probe id,build id" strings, "NULL" for a side
// of NULLs and "-" for the side a semi or anti join leaves out.
func (o joinOracle) run(probe, build [][]any) []string {
	out := []string{}
	buildMatched := make([]bool, len(build))
	for _, p := range probe {
		matched := false
		for j, b := range build {
			if !o.keysEqual(p, b) || !o.condition(p, b) {
				continue
			}
			matched = true
			buildMatched[j] = true
			if o.typ == InnerJoin || o.typ == LeftJoin || o.typ == FullJoin || o.typ == RightJoin {
				out = append(out, fmt.Sprintf("%d,%d", p[0], b[0]))
			}
		}
		if o.nullAware {
			// NOT IN: any build row the condition accepts whose key is
			// equal or NULL, or any at all when the probe key is NULL.
			matched = false
			for _, b := range build {
				if o.condition(p, b) && (p[1] == nil || b[1] == nil || keyEqualValues(p[1], b[1])) {
					matched = true
				}
			}
		}
		switch {
		case o.typ == SemiJoin && matched, o.typ == AntiJoin && !matched:
			out = append(out, fmt.Sprintf("%d,-", p[0]))
		case (o.typ == LeftJoin || o.typ == FullJoin) && !matched:
			out = append(out, fmt.Sprintf("%d,NULL", p[0]))
		}
	}
	for j, b := range build {
		switch {
		case (o.typ == FullJoin || o.typ == RightJoin) && !buildMatched[j]:
			out = append(out, fmt.Sprintf("NULL,%d", b[0]))
		case o.typ == RightSemiJoin && buildMatched[j], o.typ == RightAntiJoin && !buildMatched[j]:
			out = append(out, fmt.Sprintf("-,%d", b[0]))
		}
	}
	sort.Strings(out)
	return out
}

// joinPairs turns join output into the oracle's strings, checking that
// every output row is made of whole input rows (or NULLs).
func joinPairs(t *testing.T, typ JoinType, got [][]string, probe, build []arrow.Record, np int) []string {
	t.Helper()
	index := func(recs []arrow.Record) map[string][]string {
		m := map[string][]string{}
		for _, r := range rowStrings(recs...) {
			m[r[0]] = r
		}
		return m
	}
	pm, bm := index(probe), index(build)
	side := func(m map[string][]string, row []string) string {
		if row[0] == "NULL" {
			for _, v := range row {
				require.Equal(t, "NULL", v, "a side of NULLs")
			}
			return "NULL"
		}
		require.Equal(t, m[row[0]], row)
		return row[0]
	}
	out := make([]string, len(got))
	for i, row := range got {
		switch {
		case typ.probeOnly():
			require.Len(t, row, np)
			out[i] = side(pm, row) + ",-"
			continue
		case typ.buildOnly():
			out[i] = "-," + side(bm, row)
			continue
		}
		out[i] = side(pm, row[:np]) + "," + side(bm, row[np:])
	}
	sort.Strings(out)
	return out
}

// residualExpr is probe v < build v over the joined row.
func residualExpr(probe, build *arrow.Schema) Expr {
	pv, bv := probe.NumFields()-1, build.NumFields()-1
	return &Compare{
		Op: OpLt,
		L:  &Col{Index: pv, Name: "p.v", T: arrow.PrimitiveTypes.Int64},
		R:  &Col{Index: probe.NumFields() + bv, Name: "b.v", T: arrow.PrimitiveTypes.Int64},
	}
}

func TestHashJoinMatchesOracle(t *testing.T) {
	for name, gens := range joinKeyCases {
		for _, typ := range allJoinTypes {
			for _, residual := range []bool{false, true} {
				for _, nullAware := range []bool{false, true} {
					if nullAware && (typ != AntiJoin || len(gens) != 1) {
						continue
					}
					for _, buildKind := range []string{"some", "empty", "null keys"} {
						for _, seed := range []uint64{1, 2} {
							t.Run(fmt.Sprintf("%s/%s/residual=%v,null-aware=%v/%s/%d", name, typ, residual, nullAware, buildKind, seed), func(t *testing.T) {
								testHashJoin(t, gens, typ, residual, nullAware, buildKind, seed)
							})
						}
					}
				}
			}
		}
	}
}

func testHashJoin(t *testing.T, gens []valueGen, typ JoinType, residual, nullAware bool, buildKind string, seed uint64) {
	mem := newMem(t)
	r := rand.New(rand.NewPCG(seed, uint64(typ)))
	ps, probeRows, probe := joinSide(mem, "p", gens, 80, r, false)
	defer releaseAllRecs(probe)
	nb := 40
	if buildKind == "empty" {
		nb = 0
	}
	bs, buildRows, build := joinSide(mem, "b", gens, nb, r, buildKind == "null keys")
	defer releaseAllRecs(build)
	keys := make([]int, len(gens))
	for i := range keys {
		keys[i] = i + 1
	}
	j := &HashJoin{
		Probe: &Values{Out: ps, Records: probe}, Build: &Values{Out: bs, Records: build},
		ProbeKeys: keys, BuildKeys: keys, Type: typ, NullAware: nullAware,
		Out: JoinOutput(ps, bs, typ),
	}
	if residual {
		j.Residual = residualExpr(ps, bs)
	}
	want := joinOracle{typ: typ, nkeys: len(gens), residual: residual, nullAware: nullAware}.run(probeRows, buildRows)
	// One prober on the caller's goroutine, and three of their own.
	for _, parallelism := range []int{1, 3} {
		x := &Exec{Mem: mem, BatchSize: []int{4, 1024}[seed%2], Parallelism: parallelism}
		got := joinPairs(t, typ, collect(t, j, x), probe, build, ps.NumFields())
		assert.Equal(t, want, got, "parallelism %d", parallelism)
		assert.Zero(t, x.Reserved())
	}
}

func TestNestedLoopJoinMatchesOracle(t *testing.T) {
	gens := joinKeyCases["string"]
	for _, typ := range allJoinTypes {
		for _, pred := range []bool{false, true} {
			for _, nb := range []int{0, 1, 40} {
				for _, seed := range []uint64{1, 2} {
					t.Run(fmt.Sprintf("%s/pred=%v/build=%d/%d", typ, pred, nb, seed), func(t *testing.T) {
						mem := newMem(t)
						r := rand.New(rand.NewPCG(seed, uint64(typ)))
						ps, probeRows, probe := joinSide(mem, "p", gens, 60, r, false)
						defer releaseAllRecs(probe)
						bs, buildRows, build := joinSide(mem, "b", gens, nb, r, false)
						defer releaseAllRecs(build)
						j := &NestedLoopJoin{
							Probe: &Values{Out: ps, Records: probe}, Build: &Values{Out: bs, Records: build},
							Type: typ, Out: JoinOutput(ps, bs, typ),
						}
						if pred {
							j.Pred = residualExpr(ps, bs)
						}
						want := joinOracle{typ: typ, residual: pred}.run(probeRows, buildRows)
						for _, parallelism := range []int{1, 3} {
							x := &Exec{Mem: mem, BatchSize: []int{7, 1024}[seed%2], Parallelism: parallelism}
							got := joinPairs(t, typ, collect(t, j, x), probe, build, ps.NumFields())
							assert.Equal(t, want, got, "parallelism %d", parallelism)
							assert.Zero(t, x.Reserved())
						}
					})
				}
			}
		}
	}
}

// TestJoinBatchesAreBounded checks that a join whose pairs far outnumber a
// batch yields batches of at most the batch size.
func TestJoinBatchesAreBounded(t *testing.T) {
	mem := newMem(t)
	r := rand.New(rand.NewPCG(1, 1))
	constKey := []valueGen{{typ: arrow.PrimitiveTypes.Int64, gen: func(*rand.Rand) any { return int64(7) }}}
	ps, _, probe := joinSide(mem, "p", constKey, 300, r, false)
	defer releaseAllRecs(probe)
	bs, _, build := joinSide(mem, "b", constKey, 200, r, false)
	defer releaseAllRecs(build)
	ops := map[string]Operator{
		"hash": &HashJoin{
			Probe: &Values{Out: ps, Records: probe}, Build: &Values{Out: bs, Records: build},
			ProbeKeys: []int{1}, BuildKeys: []int{1}, Type: InnerJoin, Out: JoinOutput(ps, bs, InnerJoin),
		},
		"nested loop": &NestedLoopJoin{
			Probe: &Values{Out: ps, Records: probe}, Build: &Values{Out: bs, Records: build},
			Type: InnerJoin, Out: JoinOutput(ps, bs, InnerJoin),
		},
	}
	for name, op := range ops {
		t.Run(name, func(t *testing.T) {
			s, err := op.Open(context.Background(), &Exec{Mem: mem, BatchSize: 1000})
			require.NoError(t, err)
			defer s.Close()
			var rows int64
			for {
				rec, err := s.Next()
				if err != nil {
					break
				}
				assert.LessOrEqual(t, rec.NumRows(), int64(1000))
				rows += rec.NumRows()
				rec.Release()
			}
			assert.Equal(t, int64(300*200), rows)
		})
	}
}

func TestJoinRejectsBadPlans(t *testing.T) {
	s := arrow.NewSchema([]arrow.Field{{Name: "a", Type: arrow.PrimitiveTypes.Int64}, {Name: "s", Type: arrow.BinaryTypes.String}}, nil)
	in := &Values{Out: s}
	hj := func(mod func(j *HashJoin)) *HashJoin {
		j := &HashJoin{Probe: in, Build: in, ProbeKeys: []int{0}, BuildKeys: []int{0}, Type: InnerJoin, Out: JoinOutput(s, s, InnerJoin)}
		mod(j)
		return j
	}
	for name, op := range map[string]Operator{
		"no keys":          hj(func(j *HashJoin) { j.ProbeKeys, j.BuildKeys = nil, nil }),
		"key types differ": hj(func(j *HashJoin) { j.BuildKeys = []int{1} }),
		"key out of range": hj(func(j *HashJoin) { j.ProbeKeys = []int{5} }),
		"null-aware inner": hj(func(j *HashJoin) { j.NullAware = true }),
		"null-aware two keys": hj(func(j *HashJoin) {
			j.Type, j.NullAware, j.ProbeKeys, j.BuildKeys, j.Out = AntiJoin, true, []int{0, 1}, []int{0, 1}, s
		}),
		"residual not boolean": hj(func(j *HashJoin) { j.Residual = &Col{Index: 0, Name: "a", T: arrow.PrimitiveTypes.Int64} }),
		"output too narrow":    hj(func(j *HashJoin) { j.Out = s }),
		"unknown type":         hj(func(j *HashJoin) { j.Type = JoinType(9) }),
		"nested loop output":   &NestedLoopJoin{Probe: in, Build: in, Type: SemiJoin, Out: JoinOutput(s, s, InnerJoin)},
		"unhashable key": &HashJoin{
			Probe: &Values{Out: listSchema}, Build: &Values{Out: listSchema}, ProbeKeys: []int{0}, BuildKeys: []int{0},
			Type: InnerJoin, Out: JoinOutput(listSchema, listSchema, InnerJoin),
		},
	} {
		t.Run(name, func(t *testing.T) {
			st, err := op.Open(context.Background(), &Exec{})
			if err == nil {
				// Some problems show once the build side is read.
				_, err = st.Next()
				st.Close()
				if name == "unhashable key" {
					assert.ErrorContains(t, err, "cannot join on keys of type")
					return
				}
			}
			assert.Error(t, err)
		})
	}
}

var listSchema = arrow.NewSchema([]arrow.Field{{Name: "l", Type: arrow.ListOf(arrow.PrimitiveTypes.Int64)}}, nil)

func TestJoinDescribe(t *testing.T) {
	s := arrow.NewSchema([]arrow.Field{{Name: "a", Type: arrow.PrimitiveTypes.Int64}, {Name: "v", Type: arrow.PrimitiveTypes.Int64}}, nil)
	in := &Values{Out: s}
	j := &HashJoin{Probe: in, Build: in, ProbeKeys: []int{0}, BuildKeys: []int{0}, Type: AntiJoin, NullAware: true,
		Residual: residualExpr(s, s), Out: s}
	assert.Equal(t, "HashJoin anti on a = a AND p.v < b.v (null-aware) (build: right)", j.Describe())
	assert.Equal(t, "NestedLoopJoin left (cross) (build: right)", (&NestedLoopJoin{Probe: in, Build: in, Type: LeftJoin}).Describe())
	full := JoinOutput(s, s, FullJoin)
	for _, f := range full.Fields() {
		assert.True(t, f.Nullable)
	}
	assert.Equal(t, s, JoinOutput(s, s, SemiJoin))
}

func TestJoinMemoryLimitAndCancel(t *testing.T) {
	mem := newMem(t)
	r := rand.New(rand.NewPCG(3, 3))
	gens := joinKeyCases["string"]
	ps, _, probe := joinSide(mem, "p", gens, 2000, r, false)
	defer releaseAllRecs(probe)
	bs, _, build := joinSide(mem, "b", gens, 2000, r, false)
	defer releaseAllRecs(build)
	ops := func(probe, build Operator) map[string]Operator {
		return map[string]Operator{
			"hash join build side": &HashJoin{Probe: probe, Build: build, ProbeKeys: []int{1}, BuildKeys: []int{1},
				Type: FullJoin, Residual: residualExpr(ps, bs), Out: JoinOutput(ps, bs, FullJoin)},
			"nested loop join build side": &NestedLoopJoin{Probe: probe, Build: build, Type: LeftJoin,
				Pred: residualExpr(ps, bs), Out: JoinOutput(ps, bs, LeftJoin)},
		}
	}
	for name, op := range ops(&Values{Out: ps, Records: probe}, &Values{Out: bs, Records: build}) {
		t.Run("limit/"+name, func(t *testing.T) {
			x := &Exec{Mem: mem, MemoryLimit: 8 << 10}
			s, err := op.Open(context.Background(), x)
			require.NoError(t, err)
			_, err = s.Next()
			var mle *MemoryLimitError
			require.ErrorAs(t, err, &mle)
			assert.ErrorIs(t, err, ErrMemoryLimit)
			assert.Equal(t, name, mle.Operator)
			require.NoError(t, s.Close())
			assert.Zero(t, x.Reserved())
		})
	}
	for _, side := range []string{"probe", "build"} {
		ctx, cancel := context.WithCancel(context.Background())
		probeSrc := &source{schema: ps, recs: probe}
		buildSrc := &source{schema: bs, recs: build}
		if side == "probe" {
			probeSrc.cancel, probeSrc.cancelAfter = cancel, 2
		} else {
			buildSrc.cancel, buildSrc.cancelAfter = cancel, 2
		}
		for name, op := range ops(probeSrc, buildSrc) {
			t.Run("cancel "+side+"/"+name, func(t *testing.T) {
				x := &Exec{Mem: mem, BatchSize: 64}
				s, err := op.Open(ctx, x)
				require.NoError(t, err)
				for {
					rec, err := s.Next()
					if err != nil {
						require.ErrorIs(t, err, context.Canceled)
						break
					}
					rec.Release()
				}
				require.NoError(t, s.Close())
				assert.Zero(t, x.Reserved())
			})
		}
		cancel()
		assert.Equal(t, probeSrc.opened.Load(), probeSrc.closed.Load())
		assert.Equal(t, buildSrc.opened.Load(), buildSrc.closed.Load())
	}
}

func TestJoinTypeString(t *testing.T) {
	var names []string
	for _, typ := range allJoinTypes {
		names = append(names, typ.String())
	}
	assert.Equal(t, "inner left semi anti full right right semi right anti", strings.Join(names, " "))
	assert.Equal(t, "JoinType(9)", JoinType(9).String())
}

// TestParallelProbersStopEarly checks that a join whose probers run on
// goroutines of their own lets go of everything when its consumer stops
// after the first batch, and when its probe side fails midway: the probe
// stream is closed, no batch is leaked (the checked allocator), and
// nothing stays reserved.
func TestParallelProbersStopEarly(t *testing.T) {
	mem := newMem(t)
	r := rand.New(rand.NewPCG(5, 5))
	gens := joinKeyCases["int64"]
	ps, _, probe := joinSide(mem, "p", gens, 3000, r, false)
	defer releaseAllRecs(probe)
	bs, _, build := joinSide(mem, "b", gens, 50, r, false)
	defer releaseAllRecs(build)
	for _, typ := range []JoinType{InnerJoin, LeftJoin, SemiJoin} {
		t.Run("close/"+typ.String(), func(t *testing.T) {
			src := &source{schema: ps, recs: probe}
			j := &HashJoin{Probe: src, Build: &Values{Out: bs, Records: build}, ProbeKeys: []int{1}, BuildKeys: []int{1},
				Type: typ, Residual: residualExpr(ps, bs), Out: JoinOutput(ps, bs, typ)}
			x := &Exec{Mem: mem, BatchSize: 16, Parallelism: 2}
			s, err := j.Open(context.Background(), x)
			require.NoError(t, err)
			rec, err := s.Next()
			require.NoError(t, err)
			rec.Release()
			require.NoError(t, s.Close())
			assert.Equal(t, int32(1), src.opened.Load())
			assert.Equal(t, int32(1), src.closed.Load())
			assert.Zero(t, x.Reserved())
		})
	}
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		src := &source{schema: ps, recs: probe, cancel: cancel, cancelAfter: 3}
		j := &HashJoin{Probe: src, Build: &Values{Out: bs, Records: build}, ProbeKeys: []int{1}, BuildKeys: []int{1},
			Type: InnerJoin, Out: JoinOutput(ps, bs, InnerJoin)}
		x := &Exec{Mem: mem, BatchSize: 16, Parallelism: 2}
		s, err := j.Open(ctx, x)
		require.NoError(t, err)
		for {
			rec, err := s.Next()
			if err != nil {
				require.ErrorIs(t, err, context.Canceled)
				break
			}
			rec.Release()
		}
		require.NoError(t, s.Close())
		assert.Equal(t, src.opened.Load(), src.closed.Load())
		assert.Zero(t, x.Reserved())
	})
}
