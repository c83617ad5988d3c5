package hopsworks

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/decimal128"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/arrow/scalar"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hopsql/hopsql/connector"
)

// filterGroup is a feature group with a feature of every type.
func filterGroup(t *testing.T) *connector.FeatureGroup {
	t.Helper()
	fg := &connector.FeatureGroup{Project: "test", Name: "fg_test", Version: 1}
	for _, f := range []struct{ name, typ string }{
		{"id", "bigint"}, {"n", "int"}, {"small", "smallint"}, {"tiny", "tinyint"},
		{"x", "double"}, {"f", "float"}, {"amount", "decimal(12,2)"}, {"ok", "boolean"},
		{"name", "string"}, {"day", "date"}, {"ts", "timestamp"}, {"raw", "binary"},
		{"tags", "array<string>"},
	} {
		dt, err := connector.ParseType(f.typ)
		require.NoError(t, err)
		fg.Features = append(fg.Features, connector.Feature{Name: f.name, Type: f.typ, DataType: dt})
	}
	return fg
}

// Literal constructors for the tests.

func i64(v int64) scalar.Scalar   { return scalar.NewInt64Scalar(v) }
func i32(v int32) scalar.Scalar   { return scalar.NewInt32Scalar(v) }
func f64(v float64) scalar.Scalar { return scalar.NewFloat64Scalar(v) }
func str(v string) scalar.Scalar  { return scalar.NewStringScalar(v) }

func dec(t *testing.T, s string, scale int32) scalar.Scalar {
	t.Helper()
	n, err := decimal128.FromString(s, 12, scale)
	require.NoError(t, err)
	return scalar.NewDecimal128Scalar(n, &arrow.Decimal128Type{Precision: 12, Scale: scale})
}

// ts returns a timestamp scalar of unit and zone for the instant t.
func ts(t time.Time, unit arrow.TimeUnit, zone string) scalar.Scalar {
	typ := &arrow.TimestampType{Unit: unit, TimeZone: zone}
	v, err := arrow.TimestampFromTime(t, unit)
	if err != nil {
		panic(err)
	}
	return scalar.NewTimestampScalar(v, typ)
}

func compare(col string, op connector.Op, v scalar.Scalar) connector.Predicate {
	return connector.Compare{Column: col, Op: op, Value: v}
}

// leafJSON is the REST form of one condition on a feature of filterGroup.
func leafJSON(t *testing.T, fg *connector.FeatureGroup, name, cond string, value *string) string {
	t.Helper()
	f, ok := fg.Feature(name)
	require.True(t, ok, name)
	b, err := json.Marshal(filterDTO{Feature: queryFeatureDTO{Name: name, Type: f.Type, FeatureGroupID: 15}, Condition: cond, Value: value})
	require.NoError(t, err)
	return string(b)
}

func sp(s string) *string { return &s }

func TestTranslateFilterLeaves(t *testing.T) {
	fg := filterGroup(t)
	paris, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	noon := time.Date(2011, 3, 1, 12, 57, 2, 0, time.UTC)
	frac := time.Date(2026, 1, 31, 23, 59, 59, 500_000_000, time.UTC)
	day, err := scalar.MakeScalarParam(arrow.Date32FromTime(time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC)), arrow.FixedWidthTypes.Date32)
	require.NoError(t, err)
	f32 := scalar.NewFloat32Scalar(0.1)

	tests := []struct {
		name  string
		pred  connector.Predicate
		feat  string
		cond  string
		value *string // nil: IS NULL
		sql   string
	}{
		{"less", compare("id", connector.Lt, i64(500)), "id", condLess, sp("500"), "`id` < 500"},
		{"less or equal", compare("id", connector.Le, i64(500)), "id", condLessEqual, sp("500"), "`id` <= 500"},
		{"equal", compare("id", connector.Eq, i64(-7)), "id", condEqual, sp("-7"), "`id` = -7"},
		{"not equal", compare("id", connector.Ne, i64(1)), "id", condNotEqual, sp("1"), "`id` <> 1"},
		{"greater or equal", compare("id", connector.Ge, i64(1)), "id", condGreaterEqual, sp("1"), "`id` >= 1"},
		{"greater", compare("id", connector.Gt, i64(1)), "id", condGreater, sp("1"), "`id` > 1"},
		{"column name case", compare("ID", connector.Gt, i64(1)), "id", condGreater, sp("1"), "`id` > 1"},
		{"int", compare("n", connector.Eq, i32(42)), "n", condEqual, sp("42"), "`n` = 42"},
		{"smallint", compare("small", connector.Eq, scalar.NewInt16Scalar(-3)), "small", condEqual, sp("-3"), "`small` = -3"},
		{"tinyint", compare("tiny", connector.Eq, scalar.NewInt8Scalar(3)), "tiny", condEqual, sp("3"), "`tiny` = 3"},
		{"double", compare("x", connector.Lt, f64(0.1)), "x", condLess, sp("0.1"), "`x` < 0.1"},
		{"whole double", compare("x", connector.Lt, f64(100)), "x", condLess, sp("100.0"), "`x` < 100.0"},
		{"large double", compare("x", connector.Lt, f64(1e16)), "x", condLess, sp("1e+16"), "`x` < 1e+16"},
		{"small double", compare("x", connector.Gt, f64(1.5e-5)), "x", condGreater, sp("1.5e-05"), "`x` > 1.5e-05"},
		// The float32 0.1 exactly, so that float and double comparisons
		// on the server both match the column's 0.1.
		{"float", compare("f", connector.Le, f32), "f", condLessEqual, sp("0.10000000149011612"), "`f` <= 0.10000000149011612"},
		{"decimal", compare("amount", connector.Gt, dec(t, "12.5", 2)), "amount", condGreater, sp("12.50"), "`amount` > 12.50"},
		{"negative decimal", compare("amount", connector.Lt, dec(t, "-0.05", 2)), "amount", condLess, sp("-0.05"), "`amount` < -0.05"},
		{"true", compare("ok", connector.Eq, scalar.NewBooleanScalar(true)), "ok", condEqual, sp("True"), "`ok` = TRUE"},
		{"false", compare("ok", connector.Eq, scalar.NewBooleanScalar(false)), "ok", condEqual, sp("False"), "`ok` = FALSE"},
		{"string", compare("name", connector.Eq, str("O'Brien")), "name", condEqual, sp("O'Brien"), "`name` = 'O''Brien'"},
		{"date", compare("day", connector.Ge, day), "day", condGreaterEqual, sp("2026-01-31"), "`day` >= DATE '2026-01-31'"},
		{"timestamp", compare("ts", connector.Gt, ts(noon, arrow.Microsecond, "")), "ts", condGreater, sp("2011-03-01 12:57:02"), "`ts` > TIMESTAMP '2011-03-01 12:57:02'"},
		{"timestamp in another zone is rendered in UTC", compare("ts", connector.Gt, ts(noon.In(paris), arrow.Microsecond, "Europe/Paris")), "ts", condGreater, sp("2011-03-01 12:57:02"), "`ts` > TIMESTAMP '2011-03-01 12:57:02'"},
		{"timestamp in milliseconds", compare("ts", connector.Eq, ts(noon, arrow.Millisecond, "UTC")), "ts", condEqual, sp("2011-03-01 12:57:02"), "`ts` = TIMESTAMP '2011-03-01 12:57:02'"},
		{"timestamp fraction, lower bound rounds down", compare("ts", connector.Gt, ts(frac, arrow.Microsecond, "")), "ts", condGreaterEqual, sp("2026-01-31 23:59:59"), "`ts` >= TIMESTAMP '2026-01-31 23:59:59'"},
		{"timestamp fraction, upper bound rounds up", compare("ts", connector.Lt, ts(frac, arrow.Microsecond, "")), "ts", condLessEqual, sp("2026-02-01 00:00:00"), "`ts` <= TIMESTAMP '2026-02-01 00:00:00'"},
		{"in", connector.In{Column: "id", Values: []scalar.Scalar{i64(1), i64(2), i64(3)}}, "id", condIn, sp("[1, 2, 3]"), "`id` IN (1, 2, 3)"},
		{"in strings", connector.In{Column: "name", Values: []scalar.Scalar{str("a"), str(`b"c`), str("é")}}, "name", condIn, sp(`["a", "b\"c", "\u00e9"]`), "`name` IN ('a', 'b\"c', 'é')"},
		{"in doubles", connector.In{Column: "x", Values: []scalar.Scalar{f64(1), f64(0.5)}}, "x", condIn, sp("[1.0, 0.5]"), "`x` IN (1.0, 0.5)"},
		{"in timestamps", connector.In{Column: "ts", Values: []scalar.Scalar{ts(noon, arrow.Microsecond, "")}}, "ts", condIn, sp(`["2011-03-01 12:57:02"]`), "`ts` IN (TIMESTAMP '2011-03-01 12:57:02')"},
		{"in booleans", connector.In{Column: "ok", Values: []scalar.Scalar{scalar.NewBooleanScalar(true)}}, "ok", condIn, sp("[true]"), "`ok` IN (TRUE)"},
		{"like", connector.Like{Column: "name", Pattern: "a%_b"}, "name", condLike, sp("a%_b"), "`name` LIKE 'a%_b'"},
		{"is null", connector.IsNull{Column: "n"}, "n", condEqual, nil, "`n` IS NULL"},
		{"not less", connector.Not{X: compare("id", connector.Lt, i64(5))}, "id", condGreaterEqual, sp("5"), "`id` >= 5"},
		{"not less or equal", connector.Not{X: compare("id", connector.Le, i64(5))}, "id", condGreater, sp("5"), "`id` > 5"},
		{"not greater", connector.Not{X: compare("id", connector.Gt, i64(5))}, "id", condLessEqual, sp("5"), "`id` <= 5"},
		{"not greater or equal", connector.Not{X: compare("id", connector.Ge, i64(5))}, "id", condLess, sp("5"), "`id` < 5"},
		{"not equal", connector.Not{X: compare("id", connector.Eq, i64(5))}, "id", condNotEqual, sp("5"), "`id` <> 5"},
		{"not not equal", connector.Not{X: compare("id", connector.Ne, i64(5))}, "id", condEqual, sp("5"), "`id` = 5"},
		{"not not", connector.Not{X: connector.Not{X: compare("id", connector.Lt, i64(5))}}, "id", condLess, sp("5"), "`id` < 5"},
		{"not not in", connector.Not{X: connector.In{Column: "id", Values: []scalar.Scalar{i64(1)}, Not: true}}, "id", condIn, sp("[1]"), "`id` IN (1)"},
		{"not not like", connector.Not{X: connector.Like{Column: "name", Pattern: "a%", Not: true}}, "name", condLike, sp("a%"), "`name` LIKE 'a%'"},
		{"not is not null", connector.Not{X: connector.IsNull{Column: "n", Not: true}}, "n", condEqual, nil, "`n` IS NULL"},
		{"and with one expressible term", connector.And{compare("id", connector.Gt, i64(1)), connector.Like{Column: "name", Pattern: "a%", Not: true}}, "id", condGreater, sp("1"), "`id` > 1"},
		{"not or keeps the expressible negations", connector.Not{X: connector.Or{compare("id", connector.Gt, i64(1)), connector.Like{Column: "name", Pattern: "a%"}}}, "id", condLessEqual, sp("1"), "`id` <= 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := translateFilter(fg, []connector.Predicate{tt.pred})
			require.NotNil(t, n)
			want := `{"type":"SINGLE","leftFilter":` + leafJSON(t, fg, tt.feat, tt.cond, tt.value) + `,"rightFilter":null,"leftLogic":null,"rightLogic":null}`
			got, err := json.Marshal(n.restLogic(15))
			require.NoError(t, err)
			assert.JSONEq(t, want, string(got))
			assert.Equal(t, tt.sql, n.String())
		})
	}
}

func TestTranslateFilterLeavesOut(t *testing.T) {
	fg := filterGroup(t)
	frac := time.Date(2026, 1, 31, 23, 59, 59, 500_000_000, time.UTC)
	long := make([]scalar.Scalar, maxNotIn+1)
	for i := range long {
		long[i] = i64(int64(i))
	}
	tests := []struct {
		name string
		pred connector.Predicate
	}{
		{"unknown feature", compare("nope", connector.Eq, i64(1))},
		{"value of another type", compare("id", connector.Eq, str("1"))},
		{"NaN", compare("x", connector.Lt, f64(math.NaN()))},
		{"infinity", compare("x", connector.Lt, f64(math.Inf(1)))},
		{"binary feature", compare("raw", connector.Eq, scalar.NewBinaryScalar(memory.NewBufferBytes([]byte("x")), arrow.BinaryTypes.Binary))},
		{"array feature", connector.IsNull{Column: "tags", Not: true}},
		{"null literal", compare("id", connector.Eq, scalar.MakeNullScalar(arrow.PrimitiveTypes.Int64))},
		{"timestamp equal to a fraction", compare("ts", connector.Eq, ts(frac, arrow.Microsecond, ""))},
		{"timestamp not equal to a fraction", compare("ts", connector.Ne, ts(frac, arrow.Microsecond, ""))},
		{"in with a fraction", connector.In{Column: "ts", Values: []scalar.Scalar{ts(frac, arrow.Microsecond, "")}}},
		{"in with a value of another type", connector.In{Column: "id", Values: []scalar.Scalar{i64(1), str("2")}}},
		{"not in too long", connector.In{Column: "id", Values: long, Not: true}},
		{"not like", connector.Like{Column: "name", Pattern: "a%", Not: true}},
		{"like with an escape", connector.Like{Column: "name", Pattern: `100\%`}},
		{"like on a number", connector.Like{Column: "id", Pattern: "1%"}},
		{"is not null on a binary feature", connector.IsNull{Column: "raw", Not: true}},
		{"not is null on an array feature", connector.Not{X: connector.IsNull{Column: "tags"}}},
		{"is not null on an unknown feature", connector.IsNull{Column: "nope", Not: true}},
		{"or with an inexpressible term", connector.Or{compare("id", connector.Eq, i64(1)), connector.Like{Column: "name", Pattern: "a%", Not: true}}},
		{"not and with an inexpressible term", connector.Not{X: connector.And{compare("id", connector.Eq, i64(1)), connector.Like{Column: "name", Pattern: "a%"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Nil(t, translateFilter(fg, []connector.Predicate{tt.pred}))
		})
	}
}

func TestTranslateFilterTrees(t *testing.T) {
	fg := filterGroup(t)
	a := compare("id", connector.Gt, i64(1))
	b := compare("n", connector.Lt, i32(2))
	c := connector.Like{Column: "name", Pattern: "x%"}
	tests := []struct {
		name  string
		preds []connector.Predicate
		sql   string
	}{
		{"conjuncts, left-deep", []connector.Predicate{a, b, c}, "((`id` > 1) AND (`n` < 2)) AND (`name` LIKE 'x%')"},
		{"conjuncts without the inexpressible", []connector.Predicate{a, connector.Like{Column: "name", Pattern: "a%", Not: true}, b}, "(`id` > 1) AND (`n` < 2)"},
		{"is not null in a conjunction", []connector.Predicate{a, connector.IsNull{Column: "n", Not: true}}, "(`id` > 1) AND ((`n` = 0) OR (`n` <> 0))"},
		{"is not null in a disjunction", []connector.Predicate{connector.Or{a, connector.IsNull{Column: "x", Not: true}}}, "(`id` > 1) OR ((`x` = 0.0) OR (`x` <> 0.0))"},
		{"or", []connector.Predicate{connector.Or{a, b, c}}, "((`id` > 1) OR (`n` < 2)) OR (`name` LIKE 'x%')"},
		{"and in or", []connector.Predicate{connector.Or{connector.And{a, b}, c}}, "((`id` > 1) AND (`n` < 2)) OR (`name` LIKE 'x%')"},
		{"not and is or of nots", []connector.Predicate{connector.Not{X: connector.And{a, b}}}, "(`id` <= 1) OR (`n` >= 2)"},
		{"not or is and of nots", []connector.Predicate{connector.Not{X: connector.Or{a, b}}}, "(`id` <= 1) AND (`n` >= 2)"},
		{"not in is and of not equals", []connector.Predicate{connector.In{Column: "id", Values: []scalar.Scalar{i64(1), i64(2)}, Not: true}}, "(`id` <> 1) AND (`id` <> 2)"},
		{"not of in is and of not equals", []connector.Predicate{connector.Not{X: connector.In{Column: "id", Values: []scalar.Scalar{i64(1), i64(2)}}}}, "(`id` <> 1) AND (`id` <> 2)"},
		{"or in a negated and", []connector.Predicate{connector.Not{X: connector.Or{connector.And{a, b}, c}}}, "(`id` <= 1) OR (`n` >= 2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := translateFilter(fg, tt.preds)
			require.NotNil(t, n)
			assert.Equal(t, tt.sql, n.String())
			checkLogic(t, n.restLogic(15))
		})
	}
	assert.Nil(t, translateFilter(fg, nil))
}

// checkLogic checks the backend's rules for a filter tree: each side
// holds a filter or a logic node, not both; SINGLE holds only leftFilter;
// AND and OR hold both sides.
func checkLogic(t *testing.T, l *filterLogicDTO) {
	t.Helper()
	switch l.Type {
	case logicSingle:
		assert.NotNil(t, l.LeftFilter)
		assert.Nil(t, l.LeftLogic)
		assert.Nil(t, l.RightFilter)
		assert.Nil(t, l.RightLogic)
		return
	case logicAnd, logicOr:
	default:
		t.Fatalf("logic type %q", l.Type)
	}
	assert.True(t, (l.LeftFilter == nil) != (l.LeftLogic == nil), "left side holds one of filter and logic")
	assert.True(t, (l.RightFilter == nil) != (l.RightLogic == nil), "right side holds one of filter and logic")
	for _, sub := range []*filterLogicDTO{l.LeftLogic, l.RightLogic} {
		if sub != nil {
			assert.NotEqual(t, logicSingle, sub.Type, "SINGLE only at the root")
			checkLogic(t, sub)
		}
	}
}

// TestTranslateIsNotNull checks IS NOT NULL on a feature of every type
// with literals: column = v OR column <> v with a value of its type, sent
// as two conditions under OR, exact.
func TestTranslateIsNotNull(t *testing.T) {
	fg := filterGroup(t)
	tests := []struct {
		feat  string
		value string // the REST form of v
		sql   string
	}{
		{"id", "0", "(`id` = 0) OR (`id` <> 0)"},
		{"n", "0", "(`n` = 0) OR (`n` <> 0)"},
		{"small", "0", "(`small` = 0) OR (`small` <> 0)"},
		{"tiny", "0", "(`tiny` = 0) OR (`tiny` <> 0)"},
		{"x", "0.0", "(`x` = 0.0) OR (`x` <> 0.0)"},
		{"f", "0.0", "(`f` = 0.0) OR (`f` <> 0.0)"},
		{"amount", "0.00", "(`amount` = 0.00) OR (`amount` <> 0.00)"},
		{"ok", "True", "(`ok` = TRUE) OR (`ok` <> TRUE)"},
		{"name", "", "(`name` = '') OR (`name` <> '')"},
		{"day", "1970-01-01", "(`day` = DATE '1970-01-01') OR (`day` <> DATE '1970-01-01')"},
		{"ts", "1970-01-01 00:00:00", "(`ts` = TIMESTAMP '1970-01-01 00:00:00') OR (`ts` <> TIMESTAMP '1970-01-01 00:00:00')"},
	}
	for _, tt := range tests {
		t.Run(tt.feat, func(t *testing.T) {
			for _, p := range []connector.Predicate{
				connector.IsNull{Column: tt.feat, Not: true},
				connector.Not{X: connector.IsNull{Column: tt.feat}},
			} {
				n, exact := translateConjuncts(fg, []connector.Predicate{p})
				require.NotNil(t, n)
				assert.Equal(t, []bool{true}, exact)
				assert.Equal(t, tt.sql, n.String())
				want := `{"type":"OR","leftFilter":` + leafJSON(t, fg, tt.feat, condEqual, sp(tt.value)) +
					`,"rightFilter":` + leafJSON(t, fg, tt.feat, condNotEqual, sp(tt.value)) + `,"leftLogic":null,"rightLogic":null}`
				got, err := json.Marshal(n.restLogic(15))
				require.NoError(t, err)
				assert.JSONEq(t, want, string(got))
				checkLogic(t, n.restLogic(15))
			}
		})
	}
}

func TestPythonFloat(t *testing.T) {
	// Python's repr of these floats.
	for x, want := range map[float64]string{
		0.1: "0.1", 100: "100.0", -0.5: "-0.5", 1e16: "1e+16", 1e15: "1000000000000000.0",
		1.5e-5: "1.5e-05", 0.0001: "0.0001", 123456.789: "123456.789", math.Copysign(0, -1): "-0.0",
		1.7976931348623157e308: "1.7976931348623157e+308",
	} {
		assert.Equal(t, want, pythonFloat(x), "%g", x)
		back, err := strconv.ParseFloat(pythonFloat(x), 64)
		require.NoError(t, err)
		assert.Equal(t, x, back, "reads back")
	}
}

func TestNotInLimit(t *testing.T) {
	fg := filterGroup(t)
	values := make([]scalar.Scalar, maxNotIn)
	for i := range values {
		values[i] = i64(int64(i))
	}
	n := translateFilter(fg, []connector.Predicate{connector.In{Column: "id", Values: values, Not: true}})
	require.NotNil(t, n)
	assert.Equal(t, maxNotIn, strings.Count(n.String(), "<>"))
}
