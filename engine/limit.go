package engine

import (
	"context"
	"fmt"
	"io"

	"github.com/apache/arrow/go/v15/arrow"
)

// Limit skips Offset rows and then passes at most Count rows (all of them
// when Count is negative). It stops reading its input once it is satisfied.
type Limit struct {
	Input  Operator
	Offset int64
	Count  int64
}

// Schema implements Operator.
func (l *Limit) Schema() *arrow.Schema { return l.Input.Schema() }

// Children implements Operator.
func (l *Limit) Children() []Operator { return []Operator{l.Input} }

// Describe implements Operator.
func (l *Limit) Describe() string {
	if l.Offset > 0 {
		return fmt.Sprintf("Limit %d offset %d", l.Count, l.Offset)
	}
	return fmt.Sprintf("Limit %d", l.Count)
}

// Open implements Operator.
func (l *Limit) Open(ctx context.Context, x *Exec) (Stream, error) {
	in, err := l.Input.Open(ctx, x)
	if err != nil {
		return nil, err
	}
	return &limitStream{in: in, skip: l.Offset, left: l.Count}, nil
}

type limitStream struct {
	in   Stream
	skip int64
	left int64 // negative: unlimited
}

func (s *limitStream) Next() (arrow.Record, error) {
	for s.left != 0 {
		rec, err := s.in.Next()
		if err != nil {
			return nil, err
		}
		n := rec.NumRows()
		if s.skip >= n {
			s.skip -= n
			rec.Release()
			continue
		}
		lo, hi := s.skip, n
		s.skip = 0
		if s.left >= 0 && hi-lo > s.left {
			hi = lo + s.left
		}
		if s.left > 0 {
			s.left -= hi - lo
		}
		if lo == 0 && hi == n {
			return rec, nil
		}
		out := rec.NewSlice(lo, hi)
		rec.Release()
		return out, nil
	}
	return nil, io.EOF
}

func (s *limitStream) Close() error { return s.in.Close() }
