package engine

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/bitutil"
	"github.com/apache/arrow/go/v15/arrow/compute"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/arrow/scalar"
)

// InList is X IN (List...) with SQL semantics: true if X equals a list
// value; otherwise NULL if X or any list value is NULL; otherwise false.
// With Not it is X NOT IN (...), the negation. The list values have X's type
// (or are NULL-typed). A list of constants is hashed once (a linear scan for
// short lists).
type InList struct {
	X    Expr
	List []Expr
	Not  bool

	consts inListConsts
}

// Type implements Expr.
func (e *InList) Type() arrow.DataType { return arrow.FixedWidthTypes.Boolean }

// String implements Expr.
func (e *InList) String() string {
	parts := make([]string, len(e.List))
	for i, a := range e.List {
		parts[i] = a.String()
	}
	op := " IN ("
	if e.Not {
		op = " NOT IN ("
	}
	return e.X.String() + op + strings.Join(parts, ", ") + ")"
}

// Eval implements Expr.
func (e *InList) Eval(ctx context.Context, rec arrow.Record) (compute.Datum, error) {
	ops, err := evalOperands(ctx, []Expr{e.X}, rec)
	if err != nil {
		return nil, err
	}
	defer releaseOperands(ops)
	x := ops[0]
	if allConstExprs(e.List) {
		set, err := e.consts.get(ctx, e.List, rec, x.arr.DataType())
		if err != nil {
			return nil, err
		}
		return runKernel(ctx, arrow.FixedWidthTypes.Boolean, false, func(k *kernel, ops []operand) (arrow.Array, error) {
			return set.probe(k, ops[0], e.Not)
		}, ops)
	}
	items, err := evalOperands(ctx, e.List, rec)
	if err != nil {
		return nil, err
	}
	defer releaseOperands(items)
	all := append([]operand{x}, items...)
	return runKernel(ctx, arrow.FixedWidthTypes.Boolean, false, func(k *kernel, _ []operand) (arrow.Array, error) {
		return inListKernel(k, x, items, e.Not)
	}, all)
}

// inListKernel compares X with each evaluated list value.
func inListKernel(k *kernel, x operand, items []operand, not bool) (arrow.Array, error) {
	found := make([]bool, k.n)
	sawNull := make([]bool, k.n)
	xNull := isNull(x.arr.DataType())
	for _, it := range items {
		if xNull {
			break
		}
		if isNull(it.arr.DataType()) {
			for i := range sawNull {
				sawNull[i] = true
			}
			continue
		}
		eq, err := compareOperands(k, OpEq, x, it)
		if err != nil {
			return nil, err
		}
		m := eqMask(eq)
		for i := range found {
			switch {
			case eq.IsNull(i & m):
				sawNull[i] = true
			case eq.Value(i & m):
				found[i] = true
			}
		}
		eq.Release()
	}
	out := newBoolOutN(k.mem, k.n)
	for i := range found {
		switch {
		case xNull || x.isNull(i):
			out.setNull(i)
		case found[i]:
			out.set(i, !not)
		case sawNull[i]:
			out.setNull(i)
		default:
			out.set(i, not)
		}
	}
	return out.finish(), nil
}

// allConstExprs reports whether every expression is a constant: a literal,
// or casts, arithmetic and function calls over constants.
func allConstExprs(es []Expr) bool {
	for _, e := range es {
		if !isConstExpr(e) {
			return false
		}
	}
	return true
}

func isConstExpr(e Expr) bool {
	switch e := e.(type) {
	case *Lit:
		return true
	case *Cast:
		return isConstExpr(e.X)
	case *Negate:
		return isConstExpr(e.X)
	case *Arith:
		return isConstExpr(e.L) && isConstExpr(e.R)
	case *FuncCall:
		return allConstExprs(e.Args)
	}
	return false
}

// inListConsts caches the hashed values of an InList of constants.
type inListConsts struct {
	once sync.Once
	set  *constSet
	err  error
}

// get returns the set, building it on first use. Constant expressions do not
// read the record, so any batch serves to evaluate them.
func (c *inListConsts) get(ctx context.Context, list []Expr, rec arrow.Record, xt arrow.DataType) (*constSet, error) {
	c.once.Do(func() { c.set, c.err = buildConstSet(ctx, list, rec) })
	if c.err != nil {
		return nil, c.err
	}
	if !isNull(xt) && c.set.t != nil && !arrow.TypeEqual(xt, c.set.t) {
		return nil, fmt.Errorf("engine: IN compares %s with a list of %s", sqlTypeName(xt), sqlTypeName(c.set.t))
	}
	return c.set, nil
}

// valueSet is a set of values: a slice scanned linearly while small, a map
// beyond.
type valueSet[T comparable] struct {
	small []T
	m     map[T]struct{}
}

const smallSet = 8

func (s *valueSet[T]) add(v T) {
	if s.m != nil {
		s.m[v] = struct{}{}
		return
	}
	s.small = append(s.small, v)
	if len(s.small) > smallSet {
		s.m = make(map[T]struct{}, 2*len(s.small))
		for _, x := range s.small {
			s.m[x] = struct{}{}
		}
		s.small = nil
	}
}

func (s *valueSet[T]) has(v T) bool {
	if s.m != nil {
		_, ok := s.m[v]
		return ok
	}
	for _, x := range s.small {
		if x == v {
			return true
		}
	}
	return false
}

// constSet holds the values of a constant IN list, keyed by their physical
// representation.
type constSet struct {
	t       arrow.DataType // the list's type; nil if every value is NULL
	hasNull bool
	ints    valueSet[int64] // integers, dates and timestamps
	floats  valueSet[float64]
	strs    valueSet[string]
	decs    valueSet[i128]
	bools   [2]bool
}

func buildConstSet(ctx context.Context, list []Expr, rec arrow.Record) (*constSet, error) {
	s := &constSet{}
	for _, e := range list {
		d, err := e.Eval(ctx, rec)
		if err != nil {
			return nil, err
		}
		sd, ok := d.(*compute.ScalarDatum)
		if !ok {
			d.Release()
			return nil, fmt.Errorf("engine: IN list value %s is not a constant", e)
		}
		err = s.add(sd)
		d.Release()
		if err != nil {
			return nil, err
		}
	}
	return s, nil
}

func (s *constSet) add(d *compute.ScalarDatum) error {
	v := d.Value
	if !v.IsValid() || isNull(v.DataType()) {
		s.hasNull = true
		return nil
	}
	if s.t == nil {
		s.t = v.DataType()
	} else if !arrow.TypeEqual(s.t, v.DataType()) {
		return fmt.Errorf("engine: IN list mixes %s and %s", sqlTypeName(s.t), sqlTypeName(v.DataType()))
	}
	switch v := v.(type) {
	case *scalar.Int8:
		s.ints.add(int64(v.Value))
	case *scalar.Int16:
		s.ints.add(int64(v.Value))
	case *scalar.Int32:
		s.ints.add(int64(v.Value))
	case *scalar.Int64:
		s.ints.add(v.Value)
	case *scalar.Date32:
		s.ints.add(int64(v.Value))
	case *scalar.Timestamp:
		s.ints.add(int64(v.Value))
	case *scalar.Float32:
		s.floats.add(float64(v.Value))
	case *scalar.Float64:
		s.floats.add(v.Value)
	case *scalar.String:
		s.strs.add(string(v.Value.Bytes()))
	case *scalar.Decimal128:
		s.decs.add(i128{lo: v.Value.LowBits(), hi: v.Value.HighBits()})
	case *scalar.Boolean:
		if v.Value {
			s.bools[1] = true
		} else {
			s.bools[0] = true
		}
	default:
		return fmt.Errorf("engine: IN over %s is not supported", sqlTypeName(v.DataType()))
	}
	return nil
}

// probe evaluates X [NOT] IN the set: a bitmap of the rows whose value is
// in the set, turned into the three-valued result.
func (s *constSet) probe(k *kernel, x operand, not bool) (arrow.Array, error) {
	n := k.n
	if x.null {
		return array.MakeArrayOfNull(k.mem, arrow.FixedWidthTypes.Boolean, n), nil
	}
	hits := memory.NewResizableBuffer(k.mem)
	hits.Resize(int(bitutil.BytesForBits(int64(n))))
	h := hits.Bytes()
	clear(h)
	m := x.mask
	switch a := x.arr.(type) {
	case *array.Int8:
		probeInts(a.Int8Values(), m, n, &s.ints, h)
	case *array.Int16:
		probeInts(a.Int16Values(), m, n, &s.ints, h)
	case *array.Int32:
		probeInts(a.Int32Values(), m, n, &s.ints, h)
	case *array.Int64:
		probeInts(a.Int64Values(), m, n, &s.ints, h)
	case *array.Date32:
		probeInts(values[int32](a), m, n, &s.ints, h)
	case *array.Timestamp:
		probeInts(values[int64](a), m, n, &s.ints, h)
	case *array.Float32:
		vals := a.Float32Values()
		for i := 0; i < n; i++ {
			if s.floats.has(float64(vals[i&m])) {
				bitutil.SetBit(h, i)
			}
		}
	case *array.Float64:
		vals := a.Float64Values()
		for i := 0; i < n; i++ {
			if s.floats.has(vals[i&m]) {
				bitutil.SetBit(h, i)
			}
		}
	case *array.String:
		for i := 0; i < n; i++ {
			if s.strs.has(a.Value(i & m)) {
				bitutil.SetBit(h, i)
			}
		}
	case *array.Decimal128:
		vals := values[i128](a)
		for i := 0; i < n; i++ {
			if s.decs.has(vals[i&m]) {
				bitutil.SetBit(h, i)
			}
		}
	case *array.Boolean:
		for i := 0; i < n; i++ {
			if v := a.Value(i & m); (v && s.bools[1]) || (!v && s.bools[0]) {
				bitutil.SetBit(h, i)
			}
		}
	default:
		hits.Release()
		return nil, fmt.Errorf("engine: IN over %s is not supported", sqlTypeName(x.arr.DataType()))
	}
	// Valid where X is, and, with a NULL in the list, only where X matched.
	valid := k.validity()
	if x.isConst() && x.arr.IsNull(0) {
		hits.Release()
		if valid != nil {
			valid.Release()
		}
		return array.MakeArrayOfNull(k.mem, arrow.FixedWidthTypes.Boolean, n), nil
	}
	if s.hasNull {
		if valid == nil {
			valid = allValid(k.mem, n)
		}
		bitutil.BitmapAnd(valid.Bytes(), h, 0, 0, valid.Bytes(), 0, int64(n))
	}
	vals := hits
	if not {
		vals = memory.NewResizableBuffer(k.mem)
		vals.Resize(len(h))
		bitutil.InvertBitmap(h, 0, n, vals.Bytes(), 0)
		hits.Release()
	}
	return makeArray(arrow.FixedWidthTypes.Boolean, n, valid, vals), nil
}

func probeInts[T signedInt](vals []T, m, n int, set *valueSet[int64], hits []byte) {
	for i := 0; i < n; i++ {
		if set.has(int64(vals[i&m])) {
			bitutil.SetBit(hits, i)
		}
	}
}
