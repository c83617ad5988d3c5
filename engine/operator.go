package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync/atomic"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// DefaultBatchSize is the number of rows operators aim for in the batches
// they build themselves.
const DefaultBatchSize = 64 * 1024

// Exec holds what a running query needs besides its plan.
type Exec struct {
	// Mem allocates every buffer the query creates. Nil means a pool the
	// package keeps, which hands freed buffers out again (zeroed) instead
	// of leaving them to the garbage collector.
	Mem memory.Allocator
	// Parallelism bounds the goroutines an operator may use. Zero means
	// runtime.GOMAXPROCS(0).
	Parallelism int
	// BatchSize is the number of rows operators aim for when they build
	// batches. Zero means DefaultBatchSize.
	BatchSize int
	// MemoryLimit bounds, in bytes, what the query's pipeline breakers
	// (hash tables, sort buffers) hold at once. Zero means
	// DefaultMemoryLimit; negative means no limit.
	MemoryLimit int64
	// Progress, if not nil, counts the rows and bytes the query's scans
	// have read so far, for progress reports while it runs.
	Progress *Progress

	// used counts the bytes reserved against MemoryLimit. An Exec serves
	// one run of one query at a time.
	used atomic.Int64
}

// Progress counts what a running query has read. Scans add to it as
// batches arrive; it is safe to read from another goroutine while the query
// runs.
type Progress struct {
	rows, bytes atomic.Int64
}

// Rows returns the number of rows the query's scans have read.
func (p *Progress) Rows() int64 { return p.rows.Load() }

// Bytes returns the in-memory size of what the query's scans have read.
func (p *Progress) Bytes() int64 { return p.bytes.Load() }

func (p *Progress) add(rec arrow.Record) {
	if p != nil {
		p.rows.Add(rec.NumRows())
		p.bytes.Add(RecordSize(rec))
	}
}

// DefaultMemoryLimit is the memory limit of a query that sets none.
const DefaultMemoryLimit = 4 << 30

// ErrMemoryLimit is wrapped by the error of a query that needs more memory
// than its limit.
var ErrMemoryLimit = errors.New("memory limit exceeded")

// MemoryLimitError reports which operator went over the limit.
type MemoryLimitError struct {
	// Operator says what needed the memory ("hash join build side").
	Operator string
	// Limit is the limit in bytes; Need what the operator would have held.
	Limit, Need int64
}

func (e *MemoryLimitError) Error() string {
	return fmt.Sprintf("%s needs more than the query's memory limit of %s (%s with this batch): "+
		"raise the limit (memory_limit), or make the input smaller with filters", e.Operator, formatBytes(e.Limit), formatBytes(e.Need))
}

// Unwrap returns ErrMemoryLimit.
func (e *MemoryLimitError) Unwrap() error { return ErrMemoryLimit }

func formatBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// Reserve accounts n more bytes held by operator (a blocking operator's
// buffers) against the query's memory limit. It fails, reserving nothing,
// when the limit would be exceeded. Every successful Reserve is matched by
// a Release of the same amount when the memory is let go.
func (x *Exec) Reserve(operator string, n int64) error {
	if x == nil {
		return nil
	}
	limit := x.MemoryLimit
	if limit == 0 {
		limit = DefaultMemoryLimit
	}
	used := x.used.Add(n)
	if limit > 0 && used > limit {
		x.used.Add(-n)
		return &MemoryLimitError{Operator: operator, Limit: limit, Need: used}
	}
	return nil
}

// Release returns n bytes reserved with Reserve.
func (x *Exec) Release(n int64) {
	if x != nil {
		x.used.Add(-n)
	}
}

// Reserved reports the bytes currently reserved; tests use it to check that
// operators release what they reserve.
func (x *Exec) Reserved() int64 {
	if x == nil {
		return 0
	}
	return x.used.Load()
}

// RecordSize is the number of bytes of buffers a record holds, the measure
// operators reserve for the batches they keep.
func RecordSize(rec arrow.Record) int64 {
	var n int64
	for _, c := range rec.Columns() {
		n += dataSize(c.Data())
	}
	return n
}

func dataSize(d arrow.ArrayData) int64 {
	var n int64
	for _, b := range d.Buffers() {
		if b != nil {
			n += int64(b.Len())
		}
	}
	for _, c := range d.Children() {
		n += dataSize(c)
	}
	return n
}

func (x *Exec) mem() memory.Allocator {
	if x == nil || x.Mem == nil {
		return buffers
	}
	return x.Mem
}

func (x *Exec) parallelism() int {
	if x == nil || x.Parallelism <= 0 {
		return runtime.GOMAXPROCS(0)
	}
	return x.Parallelism
}

func (x *Exec) batchSize() int {
	if x == nil || x.BatchSize <= 0 {
		return DefaultBatchSize
	}
	return x.BatchSize
}

// Operator is a node of a physical plan. An Operator is a description: it
// holds no running state and may be opened any number of times, also
// concurrently.
type Operator interface {
	// Schema is the schema of every batch the operator's streams yield.
	Schema() *arrow.Schema
	// Open starts the operator. Work started in the background stops when
	// ctx is done or the stream is closed.
	Open(ctx context.Context, x *Exec) (Stream, error)
	// Describe says in one line what the operator does, for EXPLAIN.
	Describe() string
	// Children returns the operator's inputs.
	Children() []Operator
}

// Stream yields the batches of an opened Operator.
type Stream interface {
	// Next returns the next batch, which the caller owns and must release,
	// or io.EOF after the last one. Batches may have zero rows only when the
	// schema has zero columns.
	Next() (arrow.Record, error)
	// Close stops the stream and releases what it holds. It is safe to call
	// more than once and after Next has failed.
	Close() error
}

// Run opens op and returns its batches as an array.RecordReader. The reader
// must be released; releasing it before the end stops the query.
func Run(ctx context.Context, op Operator, x *Exec) (array.RecordReader, error) {
	s, err := op.Open(ctx, x)
	if err != nil {
		return nil, err
	}
	return &reader{ctx: ctx, schema: op.Schema(), s: s, refs: 1}, nil
}

// reader adapts a Stream to array.RecordReader.
type reader struct {
	ctx    context.Context
	schema *arrow.Schema
	s      Stream
	cur    arrow.Record
	err    error
	done   bool
	refs   int64
}

func (r *reader) Retain() { r.refs++ }

func (r *reader) Release() {
	r.refs--
	if r.refs > 0 {
		return
	}
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	if r.s != nil {
		r.s.Close()
		r.s = nil
	}
}

func (r *reader) Schema() *arrow.Schema { return r.schema }

func (r *reader) Next() bool {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	if r.done || r.s == nil {
		return false
	}
	// Operators may hold batches they can finish without reading more;
	// a cancelled query stops here all the same.
	// So does one cancelled once its last batch was ready: the caller asked
	// to stop, and is told so rather than that the results ended.
	rec, err := r.s.Next()
	if cerr := r.ctx.Err(); cerr != nil && (err == nil || errors.Is(err, io.EOF)) {
		if rec != nil {
			rec.Release()
		}
		err = cerr
	}
	if err != nil {
		r.done = true
		if !errors.Is(err, io.EOF) {
			r.err = err
		}
		if cerr := r.s.Close(); cerr != nil && r.err == nil {
			r.err = cerr
		}
		return false
	}
	r.cur = rec
	return true
}

func (r *reader) Record() arrow.Record { return r.cur }

func (r *reader) Err() error { return r.err }
