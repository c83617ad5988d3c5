package engine

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// Partition is an independently readable part of a table. Connectors'
// partitions satisfy it.
type Partition interface {
	// Open starts reading; the reader stops with ctx.Err() once ctx is done.
	Open(ctx context.Context, mem memory.Allocator) (array.RecordReader, error)
}

// Scan reads partitions, up to Exec.Parallelism of them at once, and yields
// their batches in partition order, so a scan's output order is the table's
// order however many goroutines read it.
type Scan struct {
	// Table names what is scanned, for EXPLAIN.
	Table string
	// Details are extra EXPLAIN lines (columns, filters, row groups).
	Details []string
	// Out is the schema every partition yields.
	Out *arrow.Schema
	// Parts are read in order.
	Parts []Partition
}

// Schema implements Operator.
func (s *Scan) Schema() *arrow.Schema { return s.Out }

// Children implements Operator.
func (s *Scan) Children() []Operator { return nil }

// Describe implements Operator.
func (s *Scan) Describe() string {
	d := "Scan " + s.Table
	if len(s.Details) > 0 {
		d += " [" + strings.Join(s.Details, "; ") + "]"
	}
	return d
}

// scanBuffer is how many batches each running partition may read ahead.
const scanBuffer = 2

type scanResult struct {
	rec arrow.Record
	err error
}

// Open implements Operator.
func (s *Scan) Open(ctx context.Context, x *Exec) (Stream, error) {
	ctx, cancel := context.WithCancel(ctx)
	st := &scanStream{
		schema: s.Out,
		cancel: cancel,
		chans:  make([]chan scanResult, len(s.Parts)),
	}
	for i := range st.chans {
		st.chans[i] = make(chan scanResult, scanBuffer)
	}
	workers := min(x.parallelism(), len(s.Parts))
	if workers == 0 {
		return st, nil
	}
	// reading bounds the partitions read at once; inFlight bounds those
	// started but not yet consumed, so that a slow consumer holds the scan
	// back instead of letting it buffer every small partition: the
	// consumer frees a partition's inFlight slot when it has read it all.
	reading := make(chan struct{}, workers)
	st.inFlight = make(chan struct{}, 2*workers)
	mem := x.mem()
	st.wg.Add(1)
	go func() {
		defer st.wg.Done()
		for i, p := range s.Parts {
			if !acquire(ctx, st.inFlight) || !acquire(ctx, reading) {
				// Unstarted partitions end with the cancellation.
				for _, ch := range st.chans[i:] {
					ch <- scanResult{err: ctx.Err()}
					close(ch)
				}
				return
			}
			st.wg.Add(1)
			go func() {
				defer st.wg.Done()
				defer func() { <-reading }()
				readPartition(ctx, p, mem, s.Out, x.Progress, st.chans[i])
			}()
		}
	}()
	return st, nil
}

// acquire takes a slot of sem, or reports false once ctx is done.
func acquire(ctx context.Context, sem chan struct{}) bool {
	select {
	case sem <- struct{}{}:
		return true
	case <-ctx.Done():
		return false
	}
}

// readPartition sends the partition's batches to ch and closes it.
func readPartition(ctx context.Context, p Partition, mem memory.Allocator, schema *arrow.Schema, progress *Progress, ch chan<- scanResult) {
	defer close(ch)
	send := func(r scanResult) bool {
		select {
		case ch <- r:
			return true
		case <-ctx.Done():
			if r.rec != nil {
				r.rec.Release()
			}
			return false
		}
	}
	rr, err := p.Open(ctx, mem)
	if err != nil {
		send(scanResult{err: err})
		return
	}
	defer rr.Release()
	if !rr.Schema().Equal(schema) {
		send(scanResult{err: fmt.Errorf("engine: partition yields schema %s, want %s", rr.Schema(), schema)})
		return
	}
	for rr.Next() {
		rec := rr.Record()
		if rec.NumRows() == 0 && rec.NumCols() > 0 {
			continue
		}
		progress.add(rec)
		rec.Retain()
		if !send(scanResult{rec: rec}) {
			return
		}
	}
	if err := rr.Err(); err != nil {
		send(scanResult{err: err})
	}
}

type scanStream struct {
	schema *arrow.Schema
	cancel context.CancelFunc
	chans  []chan scanResult
	// inFlight holds a slot for every partition started and not yet
	// consumed; Next frees one when it finishes a partition.
	inFlight chan struct{}
	next     int
	wg       sync.WaitGroup
	closed   bool
}

func (st *scanStream) Next() (arrow.Record, error) {
	for st.next < len(st.chans) {
		r, ok := <-st.chans[st.next]
		if !ok {
			st.next++
			select {
			case <-st.inFlight:
			default: // a partition the cancellation ended unstarted
			}
			continue
		}
		if r.err != nil {
			return nil, r.err
		}
		return r.rec, nil
	}
	return nil, io.EOF
}

func (st *scanStream) Close() error {
	if st.closed {
		return nil
	}
	st.closed = true
	st.cancel()
	// Drain so that blocked senders finish and buffered batches are freed.
	done := make(chan struct{})
	go func() {
		st.wg.Wait()
		close(done)
	}()
	for _, ch := range st.chans {
		for r := range ch {
			if r.rec != nil {
				r.rec.Release()
			}
		}
	}
	<-done
	return nil
}
