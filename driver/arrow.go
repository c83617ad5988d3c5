package driver

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// ArrowOptions are options of the Arrow API. The zero value uses the
// connector's allocator (Config.Mem).
type ArrowOptions struct {
	// Mem allocates the batches of the query. Nil means Config.Mem, and
	// memory.DefaultAllocator if that is nil too.
	Mem memory.Allocator
}

// QueryArrow runs query on conn, with ? placeholders bound to args, and
// returns the engine's Arrow batches as they are produced. The schema is
// known before the first batch.
//
// The caller must call Release on the reader. Releasing it before the last
// batch stops the query; cancelling ctx does too, and the reader's Err then
// reports it. A batch returned by Record is valid until the next call to
// Next or Release; Retain it to keep it longer. conn must stay open while
// the reader is used. QueryArrow fails if conn is not a hopsql connection.
func QueryArrow(ctx context.Context, conn *sql.Conn, query string, args ...any) (array.RecordReader, error) {
	return ArrowOptions{}.QueryArrow(ctx, conn, query, args...)
}

// QueryArrow is the package's QueryArrow with the options of o.
func (o ArrowOptions) QueryArrow(ctx context.Context, conn *sql.Conn, query string, args ...any) (array.RecordReader, error) {
	vals := make([]any, len(args))
	for i, a := range args {
		v, err := convertArg(a)
		if errors.Is(err, driver.ErrSkip) {
			v, err = driver.DefaultParameterConverter.ConvertValue(a)
		}
		if err != nil {
			return nil, fmt.Errorf("hopsql: argument %d: %w", i+1, err)
		}
		vals[i] = v
	}
	var rr array.RecordReader
	err := conn.Raw(func(dc any) error {
		c, ok := asSession(dc)
		if !ok {
			return fmt.Errorf("hopsql: QueryArrow needs a hopsql connection, not %T", dc)
		}
		qctx, cancel := c.withQueryTimeout(ctx)
		r, err := c.run(qctx, o.Mem, query, vals)
		if err != nil {
			cancel()
			return err
		}
		rr = &cancelReader{RecordReader: r, cancel: cancel}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return rr, nil
}

// cancelReader ends the query's context (its query_timeout) when the
// reader is released for the last time.
type cancelReader struct {
	array.RecordReader
	refs   atomic.Int64 // references beyond the first
	cancel context.CancelFunc
}

func (r *cancelReader) Retain() {
	r.refs.Add(1)
	r.RecordReader.Retain()
}

func (r *cancelReader) Release() {
	last := r.refs.Add(-1) < 0
	r.RecordReader.Release()
	if last {
		r.cancel()
	}
}

func asSession(dc any) (*conn, bool) {
	c, ok := dc.(*conn)
	return c, ok
}
