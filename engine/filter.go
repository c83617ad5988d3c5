package engine

import (
	"context"
	"fmt"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/compute"
	"github.com/apache/arrow/go/v15/arrow/scalar"
)

// Filter keeps the rows for which Pred is true; NULL counts as false, as in
// a SQL WHERE clause.
type Filter struct {
	Input Operator
	Pred  Expr
}

// Schema implements Operator.
func (f *Filter) Schema() *arrow.Schema { return f.Input.Schema() }

// Children implements Operator.
func (f *Filter) Children() []Operator { return []Operator{f.Input} }

// Describe implements Operator.
func (f *Filter) Describe() string { return "Filter " + f.Pred.String() }

// Open implements Operator.
func (f *Filter) Open(ctx context.Context, x *Exec) (Stream, error) {
	in, err := f.Input.Open(ctx, x)
	if err != nil {
		return nil, err
	}
	return &filterStream{ctx: compute.WithAllocator(ctx, x.mem()), in: in, stages: filterStages(f.Pred)}, nil
}

type filterStream struct {
	ctx    context.Context
	in     Stream
	stages []Expr // the predicate's conjuncts, grouped (filter_stages.go)
}

func (s *filterStream) Next() (arrow.Record, error) {
	for {
		rec, err := s.in.Next()
		if err != nil {
			return nil, err
		}
		out, err := applyStages(s.ctx, s.stages, rec)
		rec.Release()
		if err != nil {
			return nil, err
		}
		if out != nil {
			return out, nil
		}
	}
}

func (s *filterStream) Close() error { return s.in.Close() }

// applyFilter returns the rows of rec where pred is true, or nil when there
// are none. It does not release rec.
func applyFilter(ctx context.Context, pred Expr, rec arrow.Record) (arrow.Record, error) {
	mask, err := pred.Eval(ctx, rec)
	if err != nil {
		return nil, err
	}
	defer mask.Release()
	switch m := mask.(type) {
	case *compute.ScalarDatum:
		b, ok := m.Value.(*scalar.Boolean)
		if !ok {
			return nil, fmt.Errorf("engine: filter %s is %s, not boolean", pred, m.Value.DataType())
		}
		if b.IsValid() && b.Value {
			rec.Retain()
			return rec, nil
		}
		return nil, nil
	case *compute.ArrayDatum:
		arr := m.MakeArray()
		defer arr.Release()
		bools, ok := arr.(*array.Boolean)
		if !ok {
			return nil, fmt.Errorf("engine: filter %s is %s, not boolean", pred, arr.DataType())
		}
		idx := selectedRows(bools)
		switch len(idx) {
		case 0:
			return nil, nil
		case bools.Len():
			rec.Retain()
			return rec, nil
		}
		return selectRows(compute.GetAllocator(ctx), rec, idx)
	}
	return nil, fmt.Errorf("engine: filter %s gave %s", pred, mask.Kind())
}
