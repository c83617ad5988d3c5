package engine

import (
	"context"
	"fmt"
	"hash/maphash"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
)

// AggFunc is an aggregate function.
type AggFunc int

// The aggregate functions.
const (
	// AggCount counts the non-NULL values of its argument: COUNT(x). With
	// no argument (Arg < 0) it counts rows: COUNT(*).
	AggCount AggFunc = iota
	// AggSum adds the non-NULL values.
	AggSum
	// AggAvg is the mean of the non-NULL values.
	AggAvg
	// AggMin is the least non-NULL value.
	AggMin
	// AggMax is the greatest non-NULL value.
	AggMax
)

var aggFuncNames = [...]string{"count", "sum", "avg", "min", "max"}

// String returns the function's name in lower case: "count", "sum", ...
func (f AggFunc) String() string {
	if f >= 0 && int(f) < len(aggFuncNames) {
		return aggFuncNames[f]
	}
	return fmt.Sprintf("AggFunc(%d)", int(f))
}

// Aggregate is one aggregate of a HashAggregate.
type Aggregate struct {
	Func AggFunc
	// Arg is the input column; -1 for COUNT(*).
	Arg int
	// Distinct aggregates the distinct non-NULL values only, as in
	// COUNT(DISTINCT x).
	Distinct bool
	// Name is the output field name.
	Name string
	// Type is the result type; it must equal AggResultType(Func, the type
	// of column Arg).
	Type arrow.DataType
}

// AggResultType returns the result type of f over a column of type t (nil
// for COUNT(*)), or an error naming the types f accepts.
//
// COUNT gives int64. SUM gives decimal(38,0) for integers (as DuckDB's
// HUGEINT reaches Arrow), decimal(38,s) for decimal(p,s) and float64 for
// floats. AVG gives float64 for integers, decimals and floats. MIN and MAX
// give their input's type, which may be an integer, float, decimal,
// string, binary, date, timestamp or boolean.
func AggResultType(f AggFunc, t arrow.DataType) (arrow.DataType, error) {
	if f == AggCount {
		return arrow.PrimitiveTypes.Int64, nil
	}
	if f < 0 || int(f) >= len(aggFuncNames) {
		return nil, fmt.Errorf("engine: unknown aggregate function %s", f)
	}
	if t == nil {
		return nil, fmt.Errorf("engine: %s needs an argument", f)
	}
	switch f {
	case AggSum:
		switch {
		case signedIntType(t):
			return &arrow.Decimal128Type{Precision: 38, Scale: 0}, nil
		case t.ID() == arrow.DECIMAL128:
			return &arrow.Decimal128Type{Precision: 38, Scale: t.(*arrow.Decimal128Type).Scale}, nil
		case floatType(t):
			return arrow.PrimitiveTypes.Float64, nil
		}
		return nil, fmt.Errorf("engine: sum accepts integer, decimal and floating-point values, not %s", t)
	case AggAvg:
		if signedIntType(t) || t.ID() == arrow.DECIMAL128 || floatType(t) {
			return arrow.PrimitiveTypes.Float64, nil
		}
		return nil, fmt.Errorf("engine: avg accepts integer, decimal and floating-point values, not %s", t)
	default: // AggMin, AggMax
		switch t.ID() {
		case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.FLOAT32, arrow.FLOAT64,
			arrow.DECIMAL128, arrow.STRING, arrow.BINARY, arrow.DATE32, arrow.DATE64,
			arrow.TIMESTAMP, arrow.BOOL:
			return t, nil
		}
		return nil, fmt.Errorf("engine: %s accepts integer, floating-point, decimal, string, binary, date, timestamp and boolean values, not %s", f, t)
	}
}

func signedIntType(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64:
		return true
	}
	return false
}

func floatType(t arrow.DataType) bool {
	return t.ID() == arrow.FLOAT32 || t.ID() == arrow.FLOAT64
}

// HashAggregate groups its input by Keys and computes Aggs per group.
//
// With no keys there is exactly one group, and so one output row even for
// an empty input; with keys there is one row per distinct combination of
// key values, NULLs forming a group of their own. Keys without Aggs is
// SELECT DISTINCT. Groups come out in the order in which they first appear
// in the input. With Exec.Parallelism above one, workers aggregate batches
// into partial tables that are merged at the end.
type HashAggregate struct {
	Input Operator
	// Keys are the group key columns; none means a single group.
	Keys []int
	Aggs []Aggregate
	// Out is the output schema: the key fields (with the input's types),
	// then one field per aggregate.
	Out *arrow.Schema
}

// Schema implements Operator.
func (a *HashAggregate) Schema() *arrow.Schema { return a.Out }

// Children implements Operator.
func (a *HashAggregate) Children() []Operator { return []Operator{a.Input} }

// Describe implements Operator.
func (a *HashAggregate) Describe() string {
	in := a.Input.Schema()
	var parts []string
	if len(a.Keys) > 0 {
		keys := make([]string, len(a.Keys))
		for i, k := range a.Keys {
			keys[i] = columnName(in, k)
		}
		parts = append(parts, "keys: "+strings.Join(keys, ", "))
	}
	if len(a.Aggs) > 0 {
		aggs := make([]string, len(a.Aggs))
		for i := range a.Aggs {
			aggs[i] = a.aggString(i)
		}
		parts = append(parts, "aggs: "+strings.Join(aggs, ", "))
	}
	if len(parts) == 0 {
		return "HashAggregate"
	}
	return "HashAggregate " + strings.Join(parts, "; ")
}

// aggString renders aggregate i as "sum(x)" or "count(distinct x)".
func (a *HashAggregate) aggString(i int) string {
	g := a.Aggs[i]
	if g.Arg < 0 {
		return g.Func.String() + "(*)"
	}
	arg := columnName(a.Input.Schema(), g.Arg)
	if g.Distinct {
		arg = "distinct " + arg
	}
	return g.Func.String() + "(" + arg + ")"
}

func columnName(s *arrow.Schema, i int) string {
	if i < 0 || i >= s.NumFields() {
		return fmt.Sprintf("#%d", i)
	}
	return s.Field(i).Name
}

// Open implements Operator.
func (a *HashAggregate) Open(ctx context.Context, x *Exec) (Stream, error) {
	if err := a.check(); err != nil {
		return nil, err
	}
	return &aggStream{
		ctx:          ctx,
		x:            x,
		a:            a,
		mem:          x.mem(),
		seed:         maphash.MakeSeed(),
		rowsPerGroup: rowsPerGroup,
	}, nil
}

// check validates the operator against its input's schema.
func (a *HashAggregate) check() error {
	in := a.Input.Schema()
	if a.Out == nil || a.Out.NumFields() != len(a.Keys)+len(a.Aggs) {
		return fmt.Errorf("engine: hash aggregate output needs %d fields (keys then aggregates)", len(a.Keys)+len(a.Aggs))
	}
	for i, k := range a.Keys {
		if k < 0 || k >= in.NumFields() {
			return fmt.Errorf("engine: hash aggregate key column %d out of range", k)
		}
		t := in.Field(k).Type
		if !groupKeyType(t) {
			return fmt.Errorf("engine: cannot group by %s: values of type %s cannot be group keys", in.Field(k).Name, t)
		}
		if !arrow.TypeEqual(t, a.Out.Field(i).Type) {
			return fmt.Errorf("engine: hash aggregate output field %s has type %s, its key %s", a.Out.Field(i).Name, a.Out.Field(i).Type, t)
		}
	}
	for i, g := range a.Aggs {
		var t arrow.DataType
		switch {
		case g.Arg >= in.NumFields():
			return fmt.Errorf("engine: %s: argument column %d out of range", g.Func, g.Arg)
		case g.Arg >= 0:
			t = in.Field(g.Arg).Type
		case g.Func != AggCount || g.Distinct:
			return fmt.Errorf("engine: %s needs an argument", g.Func)
		}
		rt, err := AggResultType(g.Func, t)
		if err != nil {
			return err
		}
		if g.Type == nil || !arrow.TypeEqual(rt, g.Type) {
			return fmt.Errorf("engine: %s has result type %s, not %v", a.aggString(i), rt, g.Type)
		}
		if out := a.Out.Field(len(a.Keys) + i).Type; !arrow.TypeEqual(out, rt) {
			return fmt.Errorf("engine: hash aggregate output field %s has type %s, its aggregate %s", a.Out.Field(len(a.Keys)+i).Name, out, rt)
		}
		if g.Distinct && !groupKeyType(t) {
			return fmt.Errorf("engine: %s: distinct values of type %s are not supported", a.aggString(i), t)
		}
	}
	return nil
}
