package engine

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
)

// Stats are what an instrumented operator measured while it ran.
type Stats struct {
	Rows, Batches atomic.Int64
	// Nanos is the wall time spent in the operator's Next, its inputs'
	// time included.
	Nanos atomic.Int64
	// FirstNanos is the time from Open to the first batch.
	FirstNanos atomic.Int64
}

// String summarises the stats for EXPLAIN ANALYZE.
func (s *Stats) String() string {
	return fmt.Sprintf("rows=%d batches=%d time=%s first=%s", s.Rows.Load(), s.Batches.Load(),
		time.Duration(s.Nanos.Load()).Round(time.Microsecond), time.Duration(s.FirstNanos.Load()).Round(time.Microsecond))
}

// Instrument wraps an operator and measures its streams. EXPLAIN ANALYZE
// wraps every operator of a plan.
type Instrument struct {
	Op    Operator
	Stats *Stats
	// Kids are Op's children, instrumented.
	Kids []Operator
}

// Schema implements Operator.
func (i *Instrument) Schema() *arrow.Schema { return i.Op.Schema() }

// Children implements Operator.
func (i *Instrument) Children() []Operator { return i.Kids }

// Describe implements Operator.
func (i *Instrument) Describe() string { return i.Op.Describe() }

// Open implements Operator.
func (i *Instrument) Open(ctx context.Context, x *Exec) (Stream, error) {
	start := time.Now()
	s, err := i.Op.Open(ctx, x)
	if err != nil {
		return nil, err
	}
	return &instrumentStream{s: s, stats: i.Stats, start: start}, nil
}

type instrumentStream struct {
	s     Stream
	stats *Stats
	start time.Time
	first bool
}

func (s *instrumentStream) Next() (arrow.Record, error) {
	t := time.Now()
	rec, err := s.s.Next()
	s.stats.Nanos.Add(int64(time.Since(t)))
	if err == nil {
		if !s.first {
			s.first = true
			s.stats.FirstNanos.Store(int64(time.Since(s.start)))
		}
		s.stats.Rows.Add(rec.NumRows())
		s.stats.Batches.Add(1)
	}
	return rec, err
}

func (s *instrumentStream) Close() error { return s.s.Close() }
