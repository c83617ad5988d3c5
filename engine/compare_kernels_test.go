package engine

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/decimal128"
	"github.com/apache/arrow/go/v15/arrow/scalar"
	"github.com/stretchr/testify/require"
)

// TestCompareWithConstantMatchesDefinition checks the decimal and string
// comparison loops against a constant, for every operator, on sliced
// arrays with NULLs, against Num.Cmp and Go's string order: decimals on
// both sides of the 64-bit range, negative and equal to the constant,
// strings that are prefixes of each other, empty and not ASCII.
func TestCompareWithConstantMatchesDefinition(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	decs := []decimal128.Num{
		decimal128.FromI64(0), decimal128.FromI64(-1), decimal128.FromI64(2400), decimal128.FromI64(2399),
		decimal128.FromI64(math.MaxInt64), decimal128.FromI64(math.MinInt64),
		decimal128.FromI64(math.MaxInt64).Add(decimal128.FromI64(1)),
		decimal128.FromI64(math.MinInt64).Sub(decimal128.FromI64(1)),
		decimal128.FromU64(math.MaxUint64).Mul(decimal128.FromI64(-3)),
		decimal128.FromU64(math.MaxUint64).Mul(decimal128.FromI64(5)),
	}
	strs := []string{"", "a", "ab", "abc", "b", "Brand#23", "Brand#2", "Brand#230", "é", "\xff", "MED BOX"}
	typ := dec(38, 2)
	ops := []CmpOp{OpEq, OpNe, OpLt, OpLe, OpGt, OpGe}
	holds := func(op CmpOp, c int) bool {
		return [...]bool{OpEq: c == 0, OpNe: c != 0, OpLt: c < 0, OpLe: c <= 0, OpGt: c > 0, OpGe: c >= 0}[op]
	}
	for round := range 20 {
		_, mem := testCtx(t)
		n := 1 + r.IntN(70)
		db := array.NewDecimal128Builder(mem, typ)
		sb := array.NewStringBuilder(mem)
		var dv []*decimal128.Num
		var sv []*string
		for range n + 5 {
			if r.IntN(6) == 0 {
				db.AppendNull()
				sb.AppendNull()
				dv, sv = append(dv, nil), append(sv, nil)
				continue
			}
			d, s := decs[r.IntN(len(decs))], strs[r.IntN(len(strs))]
			db.Append(d)
			sb.Append(s)
			dv, sv = append(dv, &d), append(sv, &s)
		}
		dfull, sfull := db.NewArray(), sb.NewArray()
		db.Release()
		sb.Release()
		off := r.IntN(5)
		darr, sarr := array.NewSlice(dfull, int64(off), int64(off+n)), array.NewSlice(sfull, int64(off), int64(off+n))
		dfull.Release()
		sfull.Release()
		dv, sv = dv[off:off+n], sv[off:off+n]
		for _, op := range ops {
			dk, sk := decs[r.IntN(len(decs))], strs[r.IntN(len(strs))]
			t.Run(fmt.Sprintf("%d/%s", round, op), func(t *testing.T) {
				got, err := compareArrays(mem, op, darr, nil, scalar.NewDecimal128Scalar(dk, typ))
				require.NoError(t, err)
				defer got.Release()
				gs, err := compareArrays(mem, op, sarr, nil, scalar.NewStringScalar(sk))
				require.NoError(t, err)
				defer gs.Release()
				for i := range n {
					b, sb := got.(*array.Boolean), gs.(*array.Boolean)
					if dv[i] == nil {
						require.True(t, b.IsNull(i), "decimal row %d", i)
						require.True(t, sb.IsNull(i), "string row %d", i)
						continue
					}
					require.True(t, b.IsValid(i))
					require.Equal(t, holds(op, dv[i].Cmp(dk)), b.Value(i), "%s %s %s", dv[i].ToString(2), op, dk.ToString(2))
					require.Equal(t, holds(op, strings.Compare(*sv[i], sk)), sb.Value(i), "%q %s %q", *sv[i], op, sk)
				}
			})
		}
		darr.Release()
		sarr.Release()
	}
}
