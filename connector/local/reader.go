package local

import (
	"context"
	"fmt"
	"io"
	"sync/atomic"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
	"github.com/hopsql/hopsql/connector"
)

// partition is some row groups of one Parquet file.
type partition struct {
	path      string
	features  []connector.Feature // the requested features, in output order
	schema    *arrow.Schema
	rowGroups []int
	numRows   int64
	batchSize int
	limit     int64
	footers   *footerCache // nil: read the footer
}

// Open starts reading the partition's row groups, one batch of at most
// batchSize rows at a time, decoding only the requested columns.
func (p *partition) Open(ctx context.Context, mem memory.Allocator) (rr array.RecordReader, err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	if len(p.features) == 0 {
		rows := p.numRows
		if p.limit > 0 {
			rows = min(rows, p.limit)
		}
		r := &countReader{ctx: ctx, schema: p.schema, left: rows, batch: int64(p.batchSize)}
		r.refs.Store(1)
		return r, nil
	}

	pf, fr, err := openParquet(p.path, pqarrow.ArrowReadProperties{BatchSize: int64(p.batchSize)}, mem, p.footers)
	if err != nil {
		return nil, err
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("local: reading %s: %v", p.path, r)
		}
		if err != nil {
			pf.Close()
		}
	}()
	cols, err := mapColumns(p.path, fr.Manifest, p.features)
	if err != nil {
		return nil, err
	}
	for _, rg := range p.rowGroups {
		if rg >= pf.NumRowGroups() {
			return nil, fmt.Errorf("local: %s: row group %d is gone; the file changed after the scan was planned", p.path, rg)
		}
	}
	readIntegersRaw(pf, fr.Manifest, cols)
	// A batch of dictionaries must not span row groups (each has its own
	// dictionary, and pqarrow yields a batch in one piece): with any, the
	// row groups are read one reader after another.
	groups := [][]int{p.rowGroups}
	if readStringsAsDictionaries(pf, fr.Manifest, cols, p.rowGroups) {
		groups = make([][]int, len(p.rowGroups))
		for i := range p.rowGroups {
			groups[i] = p.rowGroups[i : i+1]
		}
	}
	// The Parquet reader yields each file field once, in the order its
	// leaves first appear; src maps output columns to those fields.
	var leaves []int
	src := make([]int, len(cols))
	pos := make(map[int]int, len(cols))
	for i, c := range cols {
		j, ok := pos[c.field]
		if !ok {
			j = len(pos)
			pos[c.field] = j
			leaves = append(leaves, c.leaves...)
		}
		src[i] = j
	}
	remaining := int64(-1)
	if p.limit > 0 {
		remaining = p.limit
	}
	r := &recordReader{
		ctx:       ctx,
		mem:       mem,
		schema:    p.schema,
		path:      p.path,
		file:      pf,
		reader:    fr,
		leaves:    leaves,
		groups:    groups,
		fields:    len(pos),
		src:       src,
		remaining: remaining,
		rows:      p.numRows,
	}
	if err := r.nextInner(); err != nil {
		return nil, err
	}
	r.refs.Store(1)
	return r, nil
}

// nextInner starts the Parquet reader of the next group of row groups.
func (r *recordReader) nextInner() error {
	if r.inner != nil {
		r.inner.Release()
		r.inner = nil
	}
	inner, err := r.reader.GetRecordReader(r.ctx, r.leaves, r.groups[0])
	if err != nil {
		return fmt.Errorf("local: reading %s: %w", r.path, err)
	}
	if inner.Schema().NumFields() != r.fields {
		inner.Release()
		return fmt.Errorf("local: reading %s: the Parquet reader returned %d columns, want %d", r.path, inner.Schema().NumFields(), r.fields)
	}
	r.inner, r.groups = inner, r.groups[1:]
	return nil
}

// recordReader streams a partition's rows from a Parquet file, converting
// columns to the scan's schema.
type recordReader struct {
	refs      atomic.Int64
	ctx       context.Context
	mem       memory.Allocator
	schema    *arrow.Schema
	path      string
	file      *file.Reader         // nil once closed
	reader    *pqarrow.FileReader  // over file
	leaves    []int                // the leaf columns read
	groups    [][]int              // the groups of row groups still to read, one reader each
	fields    int                  // the fields each reader yields
	inner     pqarrow.RecordReader // nil once released
	src       []int                // output column i is inner column src[i]
	remaining int64                // rows still to yield, or -1 for all
	rows      int64                // rows in the partition's row groups
	read      int64                // rows read so far
	cur       arrow.Record
	err       error
}

func (r *recordReader) Retain() { r.refs.Add(1) }

// Release releases the current record and, with the last reference, closes
// the file.
func (r *recordReader) Release() {
	if r.refs.Add(-1) != 0 {
		return
	}
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	r.close()
}

func (r *recordReader) Schema() *arrow.Schema { return r.schema }
func (r *recordReader) Record() arrow.Record  { return r.cur }
func (r *recordReader) Err() error            { return r.err }

// Next reads the next batch. It stops at the end of the partition, after
// the limit, on an error and once the context is done.
func (r *recordReader) Next() (ok bool) {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	if r.inner == nil {
		return false
	}
	defer func() {
		// The Parquet decoders can panic on damaged pages.
		if p := recover(); p != nil {
			r.fail(fmt.Errorf("local: reading %s: %v", r.path, p))
			ok = false
		}
	}()
	if err := r.ctx.Err(); err != nil {
		r.fail(err)
		return false
	}
	if r.remaining == 0 {
		r.close()
		return false
	}
	for !r.inner.Next() {
		err := r.inner.Err()
		if (err == nil || err == io.EOF) && len(r.groups) > 0 {
			if err := r.nextInner(); err != nil {
				r.fail(err)
				return false
			}
			continue
		}
		// The Parquet reader ends with io.EOF, also when a damaged page
		// cuts a column short: count the rows to tell.
		switch {
		case err != nil && err != io.EOF:
			r.fail(fmt.Errorf("local: reading %s: %w", r.path, err))
		case r.read != r.rows:
			r.fail(fmt.Errorf("local: reading %s: read %d of the %d rows its metadata promises; the file is damaged", r.path, r.read, r.rows))
		default:
			r.close()
		}
		return false
	}
	rec := r.inner.Record()
	r.read += rec.NumRows()
	cols := make([]arrow.Array, len(r.src))
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	for i, j := range r.src {
		data, err := conform(r.mem, rec.Column(j).Data(), r.schema.Field(i).Type)
		if err != nil {
			r.fail(fmt.Errorf("local: reading %s: feature %q: %w", r.path, r.schema.Field(i).Name, err))
			return false
		}
		cols[i] = array.MakeFromData(data)
		data.Release()
	}
	r.cur = r.take(array.NewRecord(r.schema, cols, rec.NumRows()))
	return true
}

// take applies the limit to a batch.
func (r *recordReader) take(rec arrow.Record) arrow.Record {
	if r.remaining < 0 {
		return rec
	}
	if n := rec.NumRows(); n > r.remaining {
		sliced := rec.NewSlice(0, r.remaining)
		rec.Release()
		rec = sliced
	}
	r.remaining -= rec.NumRows()
	return rec
}

func (r *recordReader) fail(err error) {
	r.err = err
	r.close()
}

// close releases the Parquet reader and closes the file.
func (r *recordReader) close() {
	if r.inner != nil {
		r.inner.Release()
		r.inner = nil
	}
	if r.file != nil {
		r.file.Close()
		r.file = nil
	}
}

// countReader yields batches without columns that count a partition's
// rows, for scans that read no column.
type countReader struct {
	refs   atomic.Int64
	ctx    context.Context
	schema *arrow.Schema
	left   int64
	batch  int64
	cur    arrow.Record
	err    error
}

func (r *countReader) Retain() { r.refs.Add(1) }

func (r *countReader) Release() {
	if r.refs.Add(-1) == 0 && r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
}

func (r *countReader) Schema() *arrow.Schema { return r.schema }
func (r *countReader) Record() arrow.Record  { return r.cur }
func (r *countReader) Err() error            { return r.err }

func (r *countReader) Next() bool {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	if r.err != nil || r.left == 0 {
		return false
	}
	if err := r.ctx.Err(); err != nil {
		r.err = err
		return false
	}
	n := min(r.left, r.batch)
	r.left -= n
	r.cur = array.NewRecord(r.schema, nil, n)
	return true
}
