package planner

import (
	"errors"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/scalar"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xwb1989/sqlparser"

	"github.com/hopsql/hopsql/connector"
)

func TestRewrites(t *testing.T) {
	tests := []struct{ sql, want string }{
		{"SELECT * FROM t WHERE d >= DATE '2026-01-01'", "SELECT * FROM t WHERE d >= CAST('2026-01-01' AS DATE)"},
		{"SELECT * FROM t WHERE ts < timestamp '2026-01-01 10:00:00'", "SELECT * FROM t WHERE ts < CAST('2026-01-01 10:00:00' AS DATETIME)"},
		{"SELECT t.date FROM t", "SELECT t.date FROM t"},
		{"SELECT EXTRACT(YEAR FROM d) FROM t", "SELECT hopsql_extract('year', d) FROM t"},
		{"SELECT extract ( month from t.ts ) FROM t", "SELECT hopsql_extract('month', t.ts ) FROM t"},
		{"SELECT CAST(x AS DOUBLE), CAST(y AS bigint), cast(z as varchar(20)) FROM t", "SELECT hopsql_cast(x, 'DOUBLE'), hopsql_cast(y, 'BIGINT'), hopsql_cast(z, 'VARCHAR(20)') FROM t"},
		{"SELECT CAST(x AS DATE), CAST(y AS DECIMAL(10,2)), CAST(f(a, b) AS TIMESTAMP) FROM t", "SELECT CAST(x AS DATE), CAST(y AS DECIMAL(10,2)), hopsql_cast(f(a, b), 'TIMESTAMP') FROM t"},
		{"SELECT CAST(x AS DOUBLE PRECISION) FROM t", "SELECT hopsql_cast(x, 'DOUBLE PRECISION') FROM t"},
		{"SELECT CONVERT(x, BIGINT), CONVERT(y, DATE) FROM t", "SELECT hopsql_cast(x, 'BIGINT'), CONVERT(y, DATE) FROM t"},
		{"SELECT a FROM t ORDER BY a DESC NULLS LAST, b NULLS FIRST", "SELECT a FROM t ORDER BY hopsql_nulls_last(a) DESC, hopsql_nulls_first(b)"},
		{"SELECT a FROM t ORDER BY f(a, b) ASC NULLS FIRST", "SELECT a FROM t ORDER BY hopsql_nulls_first(f(a, b)) ASC"},
		{"SELECT * FROM a FULL OUTER JOIN b ON a.x = b.x FULL JOIN c ON 1 = 1", "SELECT * FROM a STRAIGHT_JOIN b ON a.x = b.x STRAIGHT_JOIN c ON 1 = 1"},
		{"SELECT * FROM a STRAIGHT_JOIN b ON a.x = b.x", "SELECT * FROM a JOIN b ON a.x = b.x"},
		{"SELECT * FROM p::t WHERE d > DATE '2026-01-01' ORDER BY CAST(x AS DOUBLE) NULLS FIRST", "SELECT * FROM `p::t` WHERE d > CAST('2026-01-01' AS DATE) ORDER BY hopsql_nulls_first(hopsql_cast(x, 'DOUBLE'))"},
	}
	for _, tc := range tests {
		src, err := prepare(tc.sql)
		require.NoError(t, err, tc.sql)
		assert.Equal(t, tc.want, src.text, tc.sql)
		_, err = sqlparser.Parse(src.text)
		assert.NoError(t, err, "the parser reads %q", src.text)
	}
}

func TestRewriteErrors(t *testing.T) {
	tests := []struct {
		sql string
		col int
		msg string
	}{
		{"SELECT a || b FROM t", 10, "concat(a, b)"},
		{"SELECT TIME '10:00' FROM t", 8, "TIME literals"},
		{"SELECT EXTRACT(fortnight FROM d) FROM t", 16, `unit "fortnight"`},
		{"SELECT EXTRACT(d) FROM t", 8, "EXTRACT(unit FROM value)"},
		{"SELECT CAST(x AS DOUBLE FROM t", 8, "not closed"},
		{"SELECT a FROM t NULLS FIRST", 17, "ORDER BY item"},
	}
	for _, tc := range tests {
		_, err := prepare(tc.sql)
		var se *SyntaxError
		require.True(t, errors.As(err, &se), "%q: %v", tc.sql, err)
		assert.Equal(t, tc.col, se.Column, tc.sql)
		assert.Contains(t, se.Msg, tc.msg, tc.sql)
	}
}

func TestRewritePositionsMapBack(t *testing.T) {
	// An error after rewritten spans points into the user's text.
	sql := "SELECT EXTRACT(YEAR FROM d), CAST(x AS DOUBLE) FROM t WHERE d > DATE '2026-01-01' AND"
	src, err := prepare(sql)
	require.NoError(t, err)
	_, err = parse(src)
	var se *SyntaxError
	require.True(t, errors.As(err, &se), "%v", err)
	assert.Equal(t, len(sql)+1, se.Column)
}

func TestFactorOr(t *testing.T) {
	col := func(name string) Expr {
		return &ColumnRef{Col: &Column{ID: len(name), Name: name, Type: arrow.PrimitiveTypes.Int64}}
	}
	eq := func(a, b Expr) Expr { return &Compare{Op: connector.Eq, L: a, R: b} }
	one := &Const{Value: scalar.NewInt64Scalar(1)}
	k := eq(col("a"), col("bb"))
	x, y := eq(col("ccc"), one), eq(col("dddd"), one)
	got := simplify(&Logic{Terms: []Expr{&Logic{And: true, Terms: []Expr{k, x}}, &Logic{And: true, Terms: []Expr{y, k}}}})
	assert.Equal(t, "a = bb AND (ccc = 1 OR dddd = 1)", got.String())
	// A branch that is only the common part makes the OR true.
	got = simplify(&Logic{Terms: []Expr{k, &Logic{And: true, Terms: []Expr{k, x}}}})
	assert.Equal(t, "a = bb", got.String())
	// Nothing common: unchanged.
	got = simplify(&Logic{Terms: []Expr{x, y}})
	assert.Equal(t, "ccc = 1 OR dddd = 1", got.String())
}
