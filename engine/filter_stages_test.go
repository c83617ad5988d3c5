package engine

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFilterStagesMatchWholePredicate checks that a filter evaluating its
// conjuncts in stages (cheap ones first, then each costly one over the rows
// left) keeps exactly the rows the whole predicate is true for, with NULLs
// in every column, and that the stages are grouped as documented.
func TestFilterStagesMatchWholePredicate(t *testing.T) {
	mem := newMem(t)
	ctx := context.Background()
	r := rand.New(rand.NewPCG(11, 12))
	gens := []valueGen{
		{typ: arrow.PrimitiveTypes.Int64, nullPct: 15, gen: func(r *rand.Rand) any { return int64(r.IntN(10)) }},
		{typ: arrow.BinaryTypes.String, nullPct: 15, gen: func(r *rand.Rand) any { return []string{"abc", "b", "", "xbx", "zz"}[r.IntN(5)] }},
		{typ: arrow.FixedWidthTypes.Date32, nullPct: 15, gen: func(r *rand.Rand) any { return arrow.Date32(r.IntN(10)) }},
	}
	fields := make([]arrow.Field, len(gens))
	rows := make([][]any, 300)
	for i := range rows {
		for _, g := range gens {
			rows[i] = append(rows[i], g.value(r))
		}
	}
	for j, g := range gens {
		fields[j] = arrow.Field{Name: fmt.Sprint("c", j), Type: g.typ, Nullable: true}
	}
	schema := arrow.NewSchema(fields, nil)
	recs := makeBatches(mem, schema, rows, 7, 0, 50)
	defer releaseAllRecs(recs)

	col := func(i int) Expr { return &Col{Index: i, Name: fields[i].Name, T: fields[i].Type} }
	str := func(s string) Expr { return &Lit{Value: mustScalar(t, mem, arrow.BinaryTypes.String, s)} }
	i64 := func(v int64) Expr { return &Lit{Value: mustScalar(t, mem, arrow.PrimitiveTypes.Int64, v)} }
	day := func(v int) Expr {
		return &Lit{Value: mustScalar(t, mem, arrow.FixedWidthTypes.Date32, "1970-01-0"+fmt.Sprint(v))}
	}
	conj := []Expr{
		&Compare{Op: OpGt, L: col(0), R: i64(2)},
		&Like{X: col(1), Pattern: str("%b%")},
		&Compare{Op: OpLe, L: col(2), R: day(7)},
		&InList{X: col(1), List: []Expr{str("abc"), str("xbx"), str("zz")}},
		&IsNull{X: col(0), Not: true},
	}
	pred := andOf(conj)
	stages := filterStages(pred)
	require.Len(t, stages, 3, "the cheap conjuncts together, then the LIKE, then the IN list")
	assert.True(t, cheapExpr(stages[0]))
	assert.False(t, cheapExpr(stages[1]))
	assert.Len(t, filterStages(andOf(conj[:1])), 1)
	assert.Len(t, filterStages(andOf([]Expr{conj[0], conj[2]})), 1, "only cheap conjuncts: one stage")

	var want, got [][]string
	for _, rec := range recs {
		whole, err := applyFilter(ctx, pred, rec)
		require.NoError(t, err)
		if whole != nil {
			want = append(want, rowStrings(whole)...)
			whole.Release()
		}
		staged, err := applyStages(ctx, stages, rec)
		require.NoError(t, err)
		if staged != nil {
			got = append(got, rowStrings(staged)...)
			staged.Release()
		}
	}
	require.NotEmpty(t, want)
	assert.Equal(t, want, got)
}
