package hopsworkstest

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/flight"
	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/hopsql/hopsql/engine"
)

// FlightBatchRows is the number of rows of every record batch DoGet sends
// but the last, the Hopsworks Query Service's query_result_batch_size.
const FlightBatchRows = 65536

// stream runs q and writes its result to out in batches of exactly
// FlightBatchRows rows (the last one may be shorter), under one schema.
// It stops as soon as the client cancels. An injected cut (Faults.CutStream)
// ends the stream with codes.Internal after the given number of batches;
// an injected stall (Faults.StallStream) waits there for the client to
// cancel.
func (f *flightService) stream(ctx context.Context, c *caller, q *pendingQuery, out flight.FlightService_DoGetServer) error {
	mem := memory.DefaultAllocator
	rr, err := f.open(ctx, c, q, mem)
	if err != nil {
		return err
	}
	defer rr.Release()
	w := flight.NewRecordWriter(out, ipc.WithSchema(rr.Schema()), ipc.WithAllocator(mem))
	cut := f.s.faults.takeCut()
	sent := 0
	// interrupt applies an injected cut or stall before batch number sent
	// (or the end, for a stall).
	interrupt := func(end bool) error {
		switch {
		case cut == nil || sent != cut.afterBatches:
			return nil
		case cut.stall:
			<-ctx.Done()
			return status.FromContextError(ctx.Err()).Err()
		case end:
			return nil
		}
		return status.Errorf(codes.Internal, "stream reset: cut by hopsworkstest fault injection after %d batches", sent)
	}
	emit := func(rec arrow.Record) error {
		defer rec.Release()
		if err := interrupt(false); err != nil {
			return err
		}
		if err := w.Write(rec); err != nil {
			return queryError(ctx, fmt.Errorf("sending a batch: %w", err))
		}
		sent++
		return nil
	}
	chunks := &rechunker{size: FlightBatchRows, mem: mem}
	defer chunks.release()
	for rr.Next() {
		chunks.add(rr.Record())
		for chunks.rows >= chunks.size {
			rec, err := chunks.take()
			if err != nil {
				return unknownError("%v", err)
			}
			if err := emit(rec); err != nil {
				return err
			}
		}
	}
	if err := rr.Err(); err != nil {
		return queryError(ctx, err)
	}
	if err := ctx.Err(); err != nil {
		return status.FromContextError(err).Err()
	}
	for chunks.rows > 0 {
		rec, err := chunks.take()
		if err != nil {
			return unknownError("%v", err)
		}
		if err := emit(rec); err != nil {
			return err
		}
	}
	if err := interrupt(true); err != nil {
		return err
	}
	// Close sends the schema if no batch was sent.
	if err := w.Close(); err != nil {
		return queryError(ctx, fmt.Errorf("ending the stream: %w", err))
	}
	return nil
}

// open starts reading q's result.
func (f *flightService) open(ctx context.Context, c *caller, q *pendingQuery, mem memory.Allocator) (array.RecordReader, error) {
	if q.file != "" {
		rr, err := openParquet(ctx, q.file, mem)
		if err != nil {
			return nil, unknownError("reading %s: %v", q.file, err)
		}
		return rr, nil
	}
	plan := f.takePlan(q)
	if plan == nil {
		var err error
		if plan, err = f.plan(ctx, c, q.sql); err != nil {
			return nil, err
		}
	}
	rr, err := plan.Run(ctx, &engine.Exec{Mem: mem, BatchSize: FlightBatchRows})
	if err != nil {
		return nil, queryError(ctx, err)
	}
	return rr, nil
}

// rechunker cuts a stream of records into records of size rows.
type rechunker struct {
	size int64
	mem  memory.Allocator
	// queue holds the rows not taken yet, oldest first; each record is
	// retained by the rechunker.
	queue []arrow.Record
	rows  int64
}

// add queues rec's rows.
func (r *rechunker) add(rec arrow.Record) {
	if rec.NumRows() == 0 {
		return
	}
	rec.Retain()
	r.queue = append(r.queue, rec)
	r.rows += rec.NumRows()
}

// take removes the next min(size, rows) rows and returns them as one
// record, which the caller releases. A queued record of exactly that size
// is passed on without copying.
func (r *rechunker) take() (arrow.Record, error) {
	n := min(r.size, r.rows)
	var parts []arrow.Record
	for need := n; need > 0; {
		head := r.queue[0]
		if head.NumRows() <= need {
			parts = append(parts, head)
			r.queue = r.queue[1:]
			need -= head.NumRows()
			continue
		}
		parts = append(parts, head.NewSlice(0, need))
		r.queue[0] = head.NewSlice(need, head.NumRows())
		head.Release()
		need = 0
	}
	r.rows -= n
	if len(parts) == 1 {
		return parts[0], nil
	}
	defer func() {
		for _, p := range parts {
			p.Release()
		}
	}()
	schema := parts[0].Schema()
	cols := make([]arrow.Array, schema.NumFields())
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	for i := range cols {
		chunks := make([]arrow.Array, len(parts))
		for j, p := range parts {
			chunks[j] = p.Column(i)
		}
		col, err := array.Concatenate(chunks, r.mem)
		if err != nil {
			return nil, fmt.Errorf("concatenating column %s: %w", schema.Field(i).Name, err)
		}
		cols[i] = col
	}
	return array.NewRecord(schema, cols, n), nil
}

// release drops the rows not taken.
func (r *rechunker) release() {
	for _, rec := range r.queue {
		rec.Release()
	}
	r.queue, r.rows = nil, 0
}

// openParquet reads a Parquet file in batches of FlightBatchRows rows.
func openParquet(ctx context.Context, path string, mem memory.Allocator) (array.RecordReader, error) {
	pf, err := file.OpenParquetFile(path, false)
	if err != nil {
		return nil, err
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: FlightBatchRows}, mem)
	if err != nil {
		pf.Close()
		return nil, err
	}
	rr, err := fr.GetRecordReader(ctx, nil, nil)
	if err != nil {
		pf.Close()
		return nil, err
	}
	return &parquetRecords{RecordReader: rr, file: pf}, nil
}

// parquetRecords closes the file when the reader is released, which it
// is once, and reports the end of the file as no error.
type parquetRecords struct {
	pqarrow.RecordReader
	file *file.Reader
}

func (p *parquetRecords) Err() error {
	if err := p.RecordReader.Err(); !errors.Is(err, io.EOF) {
		return err
	}
	return nil
}

func (p *parquetRecords) Release() {
	p.RecordReader.Release()
	p.file.Close()
}
