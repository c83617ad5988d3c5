package engine

import (
	"context"
	"fmt"
	"io"

	"github.com/apache/arrow/go/v15/arrow"
)

// Values yields batches held in memory: a query's constant rows, the
// answers of catalog statements, test inputs.
type Values struct {
	Out     *arrow.Schema
	Records []arrow.Record
	// Name describes the rows for EXPLAIN.
	Name string
}

// Schema implements Operator.
func (v *Values) Schema() *arrow.Schema { return v.Out }

// Children implements Operator.
func (v *Values) Children() []Operator { return nil }

// Describe implements Operator.
func (v *Values) Describe() string {
	var rows int64
	for _, r := range v.Records {
		rows += r.NumRows()
	}
	if v.Name != "" {
		return fmt.Sprintf("Values %s (%d rows)", v.Name, rows)
	}
	return fmt.Sprintf("Values (%d rows)", rows)
}

// Open implements Operator.
func (v *Values) Open(context.Context, *Exec) (Stream, error) {
	return &valuesStream{recs: v.Records}, nil
}

type valuesStream struct {
	recs []arrow.Record
	i    int
}

func (s *valuesStream) Next() (arrow.Record, error) {
	if s.i >= len(s.recs) {
		return nil, io.EOF
	}
	r := s.recs[s.i]
	s.i++
	r.Retain()
	return r, nil
}

func (s *valuesStream) Close() error {
	s.i = len(s.recs)
	return nil
}
