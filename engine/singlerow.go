package engine

import (
	"context"
	"errors"
	"io"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
)

// ErrMoreThanOneRow is the error of a scalar subquery that returns more
// than one row.
var ErrMoreThanOneRow = errors.New("a subquery used as a value returned more than one row")

// SingleRow yields exactly one row: its input's only row, or a row of
// NULLs when the input is empty. A second input row is an error. Scalar
// subqueries run under it.
type SingleRow struct {
	Input Operator
}

// Schema implements Operator.
func (s *SingleRow) Schema() *arrow.Schema { return s.Input.Schema() }

// Children implements Operator.
func (s *SingleRow) Children() []Operator { return []Operator{s.Input} }

// Describe implements Operator.
func (s *SingleRow) Describe() string { return "SingleRow" }

// Open implements Operator.
func (s *SingleRow) Open(ctx context.Context, x *Exec) (Stream, error) {
	in, err := s.Input.Open(ctx, x)
	if err != nil {
		return nil, err
	}
	return &singleRowStream{in: in, schema: s.Input.Schema(), x: x}, nil
}

type singleRowStream struct {
	in     Stream
	schema *arrow.Schema
	x      *Exec
	done   bool
}

func (s *singleRowStream) Next() (arrow.Record, error) {
	if s.done {
		return nil, io.EOF
	}
	s.done = true
	var row arrow.Record
	for {
		rec, err := s.in.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if row != nil {
				row.Release()
			}
			return nil, err
		}
		if rec.NumRows() == 0 {
			rec.Release()
			continue
		}
		if row != nil || rec.NumRows() > 1 {
			rec.Release()
			if row != nil {
				row.Release()
			}
			return nil, ErrMoreThanOneRow
		}
		row = rec
	}
	if row != nil {
		return row, nil
	}
	cols := make([]arrow.Array, s.schema.NumFields())
	for i, f := range s.schema.Fields() {
		cols[i] = array.MakeArrayOfNull(s.x.mem(), f.Type, 1)
		defer cols[i].Release()
	}
	return array.NewRecord(s.schema, cols, 1), nil
}

func (s *singleRowStream) Close() error { return s.in.Close() }
