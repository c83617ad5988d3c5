package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/bitutil"
	"github.com/apache/arrow/go/v15/arrow/compute"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/arrow/scalar"
)

// Expr is a physical expression evaluated a batch at a time.
type Expr interface {
	// Type is the Arrow type of the result.
	Type() arrow.DataType
	// Eval evaluates the expression over rec. The result is an array of
	// rec.NumRows() values or a scalar standing for that many equal values;
	// the caller releases it. ctx carries the allocator (compute.WithAllocator).
	Eval(ctx context.Context, rec arrow.Record) (compute.Datum, error)
	// String renders the expression for EXPLAIN.
	String() string
}

// Col is a column of the input batch.
type Col struct {
	Index int
	Name  string
	T     arrow.DataType
}

// Type implements Expr.
func (c *Col) Type() arrow.DataType { return c.T }

// String implements Expr.
func (c *Col) String() string { return c.Name }

// Eval implements Expr.
func (c *Col) Eval(_ context.Context, rec arrow.Record) (compute.Datum, error) {
	return compute.NewDatum(rec.Column(c.Index)), nil
}

// Lit is a constant.
type Lit struct {
	Value scalar.Scalar
}

// Type implements Expr.
func (l *Lit) Type() arrow.DataType { return l.Value.DataType() }

// String implements Expr.
func (l *Lit) String() string {
	if !l.Value.IsValid() {
		return "NULL"
	}
	if s, ok := l.Value.(*scalar.String); ok {
		return "'" + strings.ReplaceAll(string(s.Value.Bytes()), "'", "''") + "'"
	}
	return l.Value.String()
}

// Eval implements Expr.
func (l *Lit) Eval(context.Context, arrow.Record) (compute.Datum, error) {
	return compute.NewDatum(l.Value), nil
}

// Call applies an Arrow compute function (such as "equal", "add" or
// "and_kleene") to its arguments.
type Call struct {
	Fn   string
	Args []Expr
	T    arrow.DataType
	// Infix, when set, is the operator String uses between two arguments.
	Infix string
}

// Type implements Expr.
func (c *Call) Type() arrow.DataType { return c.T }

// String implements Expr.
func (c *Call) String() string {
	if c.Infix != "" && len(c.Args) == 2 {
		return "(" + c.Args[0].String() + " " + c.Infix + " " + c.Args[1].String() + ")"
	}
	parts := make([]string, len(c.Args))
	for i, a := range c.Args {
		parts[i] = a.String()
	}
	return c.Fn + "(" + strings.Join(parts, ", ") + ")"
}

// Eval implements Expr.
func (c *Call) Eval(ctx context.Context, rec arrow.Record) (compute.Datum, error) {
	args, err := evalAll(ctx, c.Args, rec)
	if err != nil {
		return nil, err
	}
	defer releaseAll(args)
	out, err := compute.CallFunction(ctx, c.Fn, nil, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.String(), err)
	}
	// Kernels pick their own result type (decimal precision, for one); the
	// plan promised T.
	if got := out.(compute.ArrayLikeDatum).Type(); !arrow.TypeEqual(got, c.T) {
		defer out.Release()
		cast, err := compute.CastDatum(ctx, out, compute.SafeCastOptions(c.T))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.String(), err)
		}
		return cast, nil
	}
	return out, nil
}

func evalAll(ctx context.Context, exprs []Expr, rec arrow.Record) ([]compute.Datum, error) {
	out := make([]compute.Datum, 0, len(exprs))
	for _, e := range exprs {
		d, err := e.Eval(ctx, rec)
		if err != nil {
			releaseAll(out)
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

func releaseAll(ds []compute.Datum) {
	for _, d := range ds {
		d.Release()
	}
}

func cloneDatum(d compute.Datum) compute.Datum {
	switch d := d.(type) {
	case *compute.ArrayDatum:
		arr := d.MakeArray()
		defer arr.Release()
		return compute.NewDatum(arr)
	case *compute.ScalarDatum:
		return compute.NewDatum(d.Value)
	}
	return d
}

// IsNull tests for NULL (or for non-NULL when Not is set). Its result is
// never NULL.
type IsNull struct {
	X   Expr
	Not bool
}

// Type implements Expr.
func (e *IsNull) Type() arrow.DataType { return arrow.FixedWidthTypes.Boolean }

// String implements Expr.
func (e *IsNull) String() string {
	if e.Not {
		return e.X.String() + " IS NOT NULL"
	}
	return e.X.String() + " IS NULL"
}

// Eval implements Expr.
func (e *IsNull) Eval(ctx context.Context, rec arrow.Record) (compute.Datum, error) {
	d, err := e.X.Eval(ctx, rec)
	if err != nil {
		return nil, err
	}
	defer d.Release()
	switch d := d.(type) {
	case *compute.ScalarDatum:
		return compute.NewDatum(scalar.NewBooleanScalar(d.Value.IsValid() == e.Not)), nil
	case *compute.ArrayDatum:
		arr := d.MakeArray()
		defer arr.Release()
		b := array.NewBooleanBuilder(compute.GetAllocator(ctx))
		defer b.Release()
		n := arr.Len()
		b.Resize(n)
		for i := 0; i < n; i++ {
			b.UnsafeAppend(arr.IsNull(i) != e.Not)
		}
		return datumOf(b.NewArray(), nil)
	}
	return nil, fmt.Errorf("engine: IS NULL over %s", d.Kind())
}

// broadcast turns a datum into an array of n values.
func broadcast(mem memory.Allocator, d compute.Datum, n int) (arrow.Array, error) {
	switch d := d.(type) {
	case *compute.ArrayDatum:
		return d.MakeArray(), nil
	case *compute.ScalarDatum:
		return scalar.MakeArrayFromScalar(d.Value, n, mem)
	}
	return nil, fmt.Errorf("engine: cannot make an array of %s", d.Kind())
}

// Not negates a boolean; NOT NULL is NULL.
type Not struct{ X Expr }

// Type implements Expr.
func (e *Not) Type() arrow.DataType { return arrow.FixedWidthTypes.Boolean }

// String implements Expr.
func (e *Not) String() string { return "NOT " + e.X.String() }

// Eval implements Expr.
func (e *Not) Eval(ctx context.Context, rec arrow.Record) (compute.Datum, error) {
	d, err := e.X.Eval(ctx, rec)
	if err != nil {
		return nil, err
	}
	defer d.Release()
	switch d := d.(type) {
	case *compute.ScalarDatum:
		b, ok := d.Value.(*scalar.Boolean)
		if !ok {
			return nil, fmt.Errorf("engine: NOT of %s", d.Value.DataType())
		}
		if !b.IsValid() {
			return compute.NewDatum(b), nil
		}
		return compute.NewDatum(scalar.NewBooleanScalar(!b.Value)), nil
	case *compute.ArrayDatum:
		arr := d.MakeArray()
		defer arr.Release()
		in, ok := arr.(*array.Boolean)
		if !ok {
			return nil, fmt.Errorf("engine: NOT of %s", arr.DataType())
		}
		mem := compute.GetAllocator(ctx)
		n := in.Len()
		values := memory.NewResizableBuffer(mem)
		defer values.Release()
		values.Resize(int(bitutil.BytesForBits(int64(n))))
		bitutil.InvertBitmap(in.Data().Buffers()[1].Bytes(), in.Data().Offset(), n, values.Bytes(), 0)
		var validity *memory.Buffer
		if in.NullN() > 0 {
			validity = memory.NewResizableBuffer(mem)
			defer validity.Release()
			validity.Resize(int(bitutil.BytesForBits(int64(n))))
			bitutil.CopyBitmap(in.NullBitmapBytes(), in.Data().Offset(), n, validity.Bytes(), 0)
		}
		data := array.NewData(arrow.FixedWidthTypes.Boolean, n, []*memory.Buffer{validity, values}, nil, in.NullN(), 0)
		defer data.Release()
		return datumOf(array.MakeFromData(data), nil)
	}
	return nil, fmt.Errorf("engine: NOT over %s", d.Kind())
}
