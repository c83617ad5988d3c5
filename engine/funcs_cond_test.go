package engine

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConditionalFunctions(t *testing.T) {
	checkFunc(t, "coalesce", types(tI64, tI64, tI64), []exprCase{
		row("2", nil, 2, 3), row("1", 1, nil, 3), row("NULL", nil, nil, nil), row("3", nil, nil, 3),
	})
	checkFunc(t, "coalesce", types(tNull, tStr), []exprCase{row("x", nil, "x")})
	checkFunc(t, "ifnull", types(tStr, tStr), []exprCase{row("a", "a", "b"), row("b", nil, "b"), row("NULL", nil, nil)})
	checkFunc(t, "ifnull", types(tI32, dec(5, 2)), []exprCase{row("1.00", 1, "2.50"), row("2.50", nil, "2.50")})
	checkFunc(t, "nullif", types(tI64, tI64), []exprCase{
		row("NULL", 1, 1), row("1", 1, 2), row("NULL", nil, 1), row("1", 1, nil),
	})
	checkFunc(t, "nullif", types(tStr, tStr), []exprCase{row("NULL", "a", "a"), row("a", "a", "b")})
	checkFunc(t, "if", types(tBool, tI64, tI32), []exprCase{
		row("1", true, 1, 2), row("2", false, 1, 2), row("2", nil, 1, 2), row("NULL", true, nil, 2),
	})
	checkFunc(t, "if", types(tBool, tDate, tDate), []exprCase{row("2024-01-01", true, "2024-01-01", "2025-01-01")})
}

func TestCase(t *testing.T) {
	mk := func(withElse bool) func([]Expr) Expr {
		return func(a []Expr) Expr {
			c := &Case{Whens: []When{{Cond: a[0], Then: a[1]}, {Cond: a[2], Then: a[3]}}, T: tI64}
			if withElse {
				c.Else = a[4]
			}
			return c
		}
	}
	checkExpr(t, types(tBool, tI64, tBool, tI64, tI64), mk(true), []exprCase{
		row("1", true, 1, true, 2, 3), row("2", false, 1, true, 2, 3), row("3", false, 1, false, 2, 3),
		row("2", nil, 1, true, 2, 3), row("3", nil, 1, nil, 2, 3), row("NULL", true, nil, true, 2, 3),
		row("NULL", false, 1, false, 2, nil),
	})
	checkExpr(t, types(tBool, tI64, tBool, tI64, tI64), mk(false), []exprCase{
		row("1", true, 1, true, 2, 3), row("NULL", false, 1, false, 2, 3),
	})
	// Branches are evaluated only for the rows that take them.
	lazy := func(a []Expr) Expr {
		return &Case{Whens: []When{{Cond: a[0], Then: &Cast{X: a[1], T: tI64}}}, Else: &Cast{X: a[2], T: tI64}, T: tI64}
	}
	checkExpr(t, types(tBool, tStr, tStr), lazy, []exprCase{
		row("12", true, "12", "bad"), row("7", false, "bad", "7"), row("!could not convert 'bad'", true, "bad", "1"),
		row("NULL", true, nil, "bad"),
	})
	// Conditions too: a later WHEN is only evaluated where earlier ones
	// were not true.
	lazyCond := func(a []Expr) Expr {
		cond := &Compare{Op: OpGt, L: &Cast{X: a[1], T: tI64}, R: &Lit{Value: mustScalar(t, memory.NewGoAllocator(), tI64, 0)}}
		return &Case{Whens: []When{{Cond: a[0], Then: a[2]}, {Cond: cond, Then: a[2]}}, T: tStr}
	}
	checkExpr(t, types(tBool, tStr, tStr), lazyCond, []exprCase{
		row("x", true, "bad", "x"), row("x", false, "5", "x"), row("NULL", false, "-5", "x"), row("!could not convert", false, "bad", "x"),
	})
	// Strings, decimals, dates and NULL-typed branches.
	checkExpr(t, types(tBool, tStr, tNull), func(a []Expr) Expr {
		return &Case{Whens: []When{{Cond: a[0], Then: a[1]}}, Else: a[2], T: tStr}
	}, []exprCase{row("é", true, "é", nil), row("NULL", false, "é", nil)})
	checkExpr(t, types(tBool, dec(5, 2), dec(5, 2)), func(a []Expr) Expr {
		return &Case{Whens: []When{{Cond: a[0], Then: a[1]}}, Else: a[2], T: dec(5, 2)}
	}, []exprCase{row("1.50", true, "1.50", "-2.00"), row("-2.00", false, "1.50", "-2.00")})
	checkExpr(t, types(tBool, tDate, tBool), func(a []Expr) Expr {
		return &Case{Whens: []When{{Cond: a[0], Then: a[1]}}, Else: &Cast{X: a[2], T: tDate}, T: tDate}
	}, []exprCase{row("2024-02-29", true, "2024-02-29", nil)})
	assert.Equal(t, "CASE WHEN a THEN 1 ELSE 2 END", (&Case{
		Whens: []When{{Cond: &Col{Name: "a"}, Then: &Col{Name: "1"}}}, Else: &Col{Name: "2"},
	}).String())
}

func TestCoalesceExpr(t *testing.T) {
	mk := func(a []Expr) Expr { return &Coalesce{Args: []Expr{a[0], &Cast{X: a[1], T: tI64}, a[2]}, T: tI64} }
	checkExpr(t, types(tI64, tStr, tI64), mk, []exprCase{
		row("1", 1, "bad", 3), row("2", nil, "2", 3), row("3", nil, nil, 3), row("NULL", nil, nil, nil),
		row("!could not convert 'bad'", nil, "bad", 3),
	})
	checkExpr(t, types(tNull, tStr), func(a []Expr) Expr { return &Coalesce{Args: a, T: tStr} }, []exprCase{row("x", nil, "x")})
}

func TestInList(t *testing.T) {
	in := func(not bool) func([]Expr) Expr {
		return func(a []Expr) Expr { return &InList{X: a[0], List: a[1:], Not: not} }
	}
	cases := []exprCase{
		row("true", 1, 1, 2, nil), row("NULL", 3, 1, 2, nil), row("NULL", nil, 1, 2, 3), row("true", 2, nil, 2, 5), row("false", 3, 1, 2, 4),
	}
	checkExpr(t, types(tI64, tI64, tI64, tI64), in(false), cases)
	checkExpr(t, types(tI64, tI64, tI64, tI64), in(true), []exprCase{
		row("false", 1, 1, 2, nil), row("NULL", 3, 1, 2, nil), row("NULL", nil, 1, 2, 3), row("true", 3, 1, 2, 4),
	})
	checkExpr(t, types(tStr, tStr, tStr), in(false), []exprCase{row("true", "b", "a", "b"), row("false", "c", "a", "b")})
	checkExpr(t, types(dec(5, 2), dec(5, 2)), in(false), []exprCase{row("true", "1.50", "1.50"), row("false", "1.50", "1.51")})
	checkExpr(t, types(tDate, tDate), in(true), []exprCase{row("false", "2024-01-01", "2024-01-01")})
	checkExpr(t, types(tF64, tF64), in(false), []exprCase{row("true", 0.5, 0.5)})
	checkExpr(t, types(tBool, tBool), in(false), []exprCase{row("true", true, true), row("false", false, true)})
	checkExpr(t, types(tI32, tNull), in(false), []exprCase{row("NULL", 1, nil)})
	checkExpr(t, types(tNull, tI64), in(false), []exprCase{row("NULL", nil, 1)})
}

// TestInListOracle compares constant lists (hashed when long) and column
// lists with a direct three-valued evaluation.
func TestInListOracle(t *testing.T) {
	ctx, mem := testCtx(t)
	rng := rand.New(rand.NewPCG(5, 6))
	for iter := 0; iter < 60; iter++ {
		n := 40
		listLen := 1 + rng.IntN(20)
		list := make([]any, listLen)
		for i := range list {
			if rng.IntN(10) == 0 {
				continue
			}
			list[i] = int64(rng.IntN(30))
		}
		xs := make([]any, n)
		for i := range xs {
			if rng.IntN(8) != 0 {
				xs[i] = int64(rng.IntN(30))
			}
		}
		not := rng.IntN(2) == 0
		want := make([]string, n)
		for i, x := range xs {
			found, sawNull := false, false
			for _, v := range list {
				if v == nil {
					sawNull = true
				} else if x != nil && v.(int64) == x.(int64) {
					found = true
				}
			}
			switch {
			case x == nil:
				want[i] = "NULL"
			case found:
				want[i] = fmt.Sprint(!not)
			case sawNull:
				want[i] = "NULL"
			default:
				want[i] = fmt.Sprint(not)
			}
		}
		xa := mkArray(t, mem, tI64, xs...)
		fields := []arrow.Field{{Name: "x", Type: tI64, Nullable: true}}
		cols := []arrow.Array{xa}
		var consts, columns []Expr
		for j, v := range list {
			consts = append(consts, &Lit{Value: mustScalar(t, mem, tI64, v)})
			vals := make([]any, n)
			for i := range vals {
				vals[i] = v
			}
			cols = append(cols, mkArray(t, mem, tI64, vals...))
			fields = append(fields, arrow.Field{Name: fmt.Sprint("l", j), Type: tI64, Nullable: true})
			columns = append(columns, &Col{Index: j + 1, T: tI64})
		}
		rec := array.NewRecord(arrow.NewSchema(fields, nil), cols, int64(n))
		for _, c := range cols {
			c.Release()
		}
		x := &Col{Index: 0, T: tI64}
		for _, e := range []*InList{{X: x, List: consts, Not: not}, {X: x, List: columns, Not: not}} {
			for pass := 0; pass < 2; pass++ { // the second pass reuses the hashed list
				got, err := evalStrings(ctx, e, rec, n)
				require.NoError(t, err)
				assert.Equal(t, want, got, "%s", e)
			}
		}
		rec.Release()
	}
}

func TestCompareUntypedNull(t *testing.T) {
	cmp := func(a []Expr) Expr { return &Compare{Op: OpEq, L: a[0], R: a[1]} }
	checkExpr(t, types(tI64, tNull), cmp, []exprCase{row("NULL", 1, nil)})
	checkExpr(t, types(tNull, tStr), cmp, []exprCase{row("NULL", nil, "a")})
}
