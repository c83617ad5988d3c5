package engine

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
)

// UnionAll yields the rows of every input, one input after another. The
// inputs' field types equal Out's (the planner casts); their names and
// nullability may differ. Each input is opened only when the previous one
// is exhausted, and nothing is buffered.
type UnionAll struct {
	Inputs []Operator
	Out    *arrow.Schema
}

// Schema implements Operator.
func (u *UnionAll) Schema() *arrow.Schema { return u.Out }

// Children implements Operator.
func (u *UnionAll) Children() []Operator { return u.Inputs }

// Describe implements Operator.
func (u *UnionAll) Describe() string { return fmt.Sprintf("UnionAll (%d inputs)", len(u.Inputs)) }

// Open implements Operator.
func (u *UnionAll) Open(ctx context.Context, x *Exec) (Stream, error) {
	for i, in := range u.Inputs {
		s := in.Schema()
		if s.NumFields() != u.Out.NumFields() {
			return nil, fmt.Errorf("engine: union input %d has %d columns, not %d", i+1, s.NumFields(), u.Out.NumFields())
		}
		for c, f := range s.Fields() {
			if want := u.Out.Field(c).Type; !arrow.TypeEqual(f.Type, want) {
				return nil, fmt.Errorf("engine: union input %d column %d is %s, not %s", i+1, c+1, f.Type, want)
			}
		}
	}
	return &unionStream{ctx: ctx, x: x, u: u}, nil
}

type unionStream struct {
	ctx  context.Context
	x    *Exec
	u    *UnionAll
	next int    // the input to open next
	cur  Stream // the input being read
}

func (s *unionStream) Next() (arrow.Record, error) {
	for {
		if err := s.ctx.Err(); err != nil {
			return nil, err
		}
		if s.cur == nil {
			if s.next >= len(s.u.Inputs) {
				return nil, io.EOF
			}
			in, err := s.u.Inputs[s.next].Open(s.ctx, s.x)
			if err != nil {
				return nil, err
			}
			s.cur = in
			s.next++
		}
		rec, err := s.cur.Next()
		if errors.Is(err, io.EOF) {
			err = s.cur.Close()
			s.cur = nil
			if err != nil {
				return nil, err
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		if rec.Schema().Equal(s.u.Out) {
			return rec, nil
		}
		out := array.NewRecord(s.u.Out, rec.Columns(), rec.NumRows())
		rec.Release()
		return out, nil
	}
}

func (s *unionStream) Close() error {
	s.next = len(s.u.Inputs)
	if s.cur == nil {
		return nil
	}
	err := s.cur.Close()
	s.cur = nil
	return err
}
