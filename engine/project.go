package engine

import (
	"context"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/compute"
)

// Project computes one output column per expression.
type Project struct {
	Input Operator
	Exprs []Expr
	// Out names the output columns; its field types must be the Exprs' types.
	Out *arrow.Schema
}

// Schema implements Operator.
func (p *Project) Schema() *arrow.Schema { return p.Out }

// Children implements Operator.
func (p *Project) Children() []Operator { return []Operator{p.Input} }

// Describe implements Operator.
func (p *Project) Describe() string {
	parts := make([]string, len(p.Exprs))
	for i, e := range p.Exprs {
		parts[i] = e.String()
		if name := p.Out.Field(i).Name; name != e.String() {
			parts[i] += " AS " + name
		}
	}
	return "Project " + strings.Join(parts, ", ")
}

// Open implements Operator.
func (p *Project) Open(ctx context.Context, x *Exec) (Stream, error) {
	in, err := p.Input.Open(ctx, x)
	if err != nil {
		return nil, err
	}
	return &projectStream{ctx: compute.WithAllocator(ctx, x.mem()), in: in, p: p}, nil
}

type projectStream struct {
	ctx context.Context
	in  Stream
	p   *Project
}

func (s *projectStream) Next() (arrow.Record, error) {
	rec, err := s.in.Next()
	if err != nil {
		return nil, err
	}
	defer rec.Release()
	n := int(rec.NumRows())
	cols := make([]arrow.Array, 0, len(s.p.Exprs))
	defer func() {
		for _, c := range cols {
			c.Release()
		}
	}()
	for _, e := range s.p.Exprs {
		d, err := e.Eval(s.ctx, rec)
		if err != nil {
			return nil, err
		}
		arr, err := broadcast(compute.GetAllocator(s.ctx), d, n)
		d.Release()
		if err != nil {
			return nil, err
		}
		cols = append(cols, arr)
	}
	return array.NewRecord(s.p.Out, cols, int64(n)), nil
}

func (s *projectStream) Close() error { return s.in.Close() }
