package engine

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// TopN is ORDER BY Keys LIMIT Limit OFFSET Offset without sorting
// everything: it yields what a Sort followed by a Limit would, but keeps
// only the best Limit+Offset rows seen so far in a heap while it reads its
// input. The batches those rows live in are held until they are no longer
// referenced, and the rows are copied into one batch whenever the batches
// held grow past Limit+Offset rows plus a batch (or twice Limit+Offset).
// A negative Limit means no limit, as for Limit; the planner should use a
// Sort then.
type TopN struct {
	Input         Operator
	Keys          []SortKey
	Limit, Offset int64
}

// Schema implements Operator.
func (t *TopN) Schema() *arrow.Schema { return t.Input.Schema() }

// Children implements Operator.
func (t *TopN) Children() []Operator { return []Operator{t.Input} }

// Describe implements Operator.
func (t *TopN) Describe() string {
	d := fmt.Sprintf("TopN %d", t.Limit)
	if t.Limit < 0 {
		d = "TopN all"
	}
	if t.Offset > 0 {
		d += fmt.Sprintf(" offset %d", t.Offset)
	}
	return d + " by " + describeKeys(t.Input.Schema(), t.Keys)
}

// Open implements Operator.
func (t *TopN) Open(ctx context.Context, x *Exec) (Stream, error) {
	if t.Offset < 0 {
		return nil, fmt.Errorf("engine: TopN offset %d is negative", t.Offset)
	}
	order, err := newRowOrder(t.Input.Schema(), t.Keys)
	if err != nil {
		return nil, err
	}
	keep := t.Limit + t.Offset
	if t.Limit < 0 || keep < 0 {
		keep = math.MaxInt64 // no limit, or overflow: keep everything
	}
	st := &topNStream{
		ctx:   ctx,
		t:     t,
		mem:   x.mem(),
		batch: x.batchSize(),
		acct:  account{x: x, op: "top-n"},
		keep:  keep,
		order: order,
	}
	if t.Limit == 0 {
		st.read = true
		return st, nil
	}
	if st.in, err = t.Input.Open(ctx, x); err != nil {
		return nil, err
	}
	return st, nil
}

// topRow refers to a row kept by a TopN: row r of chunk c, the seq'th row
// of the input.
type topRow struct {
	c, r int32
	seq  int64
}

// topChunk is an input batch a TopN holds because some of its rows are in
// the heap.
type topChunk struct {
	rec  arrow.Record
	refs int   // heap entries referring to it
	size int64 // bytes reserved for it
}

type topNStream struct {
	ctx   context.Context
	t     *TopN
	in    Stream
	mem   memory.Allocator
	batch int
	acct  account
	keep  int64 // Limit+Offset

	order  rowOrder
	chunks []topChunk
	heap   []topRow // a max-heap: the row that sorts last is at the top
	held   int64    // rows in the chunks held
	seq    int64    // rows read so far
	pre    []uint64 // first-key prefixes of the batch being read

	read   bool         // the input is consumed
	err    error        // why consuming it failed
	out    arrow.Record // the rows to emit, in order
	at     int64
	outLen int64
}

func (s *topNStream) Next() (arrow.Record, error) {
	if !s.read {
		s.read = true
		s.err = s.consume()
	}
	if s.err != nil {
		return nil, s.err
	}
	if err := s.ctx.Err(); err != nil {
		return nil, err
	}
	if s.at >= s.outLen {
		s.free()
		return nil, io.EOF
	}
	hi := min(s.at+int64(s.batch), s.outLen)
	out := s.out.NewSlice(s.at, hi)
	s.at = hi
	return out, nil
}

// consume reads the whole input through the heap, then puts the rows to
// emit in order.
func (s *topNStream) consume() error {
	for {
		if err := s.ctx.Err(); err != nil {
			return err
		}
		rec, err := s.in.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if err := s.add(rec); err != nil {
			return err
		}
	}
	err := s.in.Close()
	s.in = nil
	if err != nil {
		return err
	}
	if int64(len(s.heap)) <= s.t.Offset {
		return nil
	}
	if err := s.compact(); err != nil {
		return err
	}
	slices.SortFunc(s.heap, func(a, b topRow) int {
		if c := s.order.compare(int(a.c), int(a.r), int(b.c), int(b.r)); c != 0 {
			return c
		}
		return cmp.Compare(a.seq, b.seq)
	})
	idx := make([]int32, 0, int64(len(s.heap))-s.t.Offset)
	for _, row := range s.heap[s.t.Offset:] {
		idx = append(idx, row.r)
	}
	cols, err := gatherRecord(s.mem, nil, s.chunks[0].rec, idx)
	defer releaseCols(cols)
	if err != nil {
		return err
	}
	s.dropChunks()
	s.out = array.NewRecord(s.t.Schema(), cols, int64(len(idx)))
	s.outLen = s.out.NumRows()
	return s.acct.reserve(RecordSize(s.out))
}

// add runs a batch through the heap.
func (s *topNStream) add(rec arrow.Record) error {
	n := int(rec.NumRows())
	if n == 0 {
		rec.Release()
		return nil
	}
	c := len(s.chunks)
	views, err := s.order.add(rec)
	if err != nil {
		rec.Release()
		return err
	}
	size := RecordSize(rec) + views
	s.chunks = append(s.chunks, topChunk{rec: rec, size: size})
	s.held += int64(n)
	if err := s.acct.reserve(size); err != nil {
		s.chunks[c].size = 0
		return err
	}
	r := 0
	if free := s.keep - int64(len(s.heap)); free > 0 {
		fill := int(min(free, int64(n)))
		if err := s.acct.reserve(int64(fill) * 16); err != nil {
			return err
		}
		for ; r < fill; r++ {
			s.push(topRow{int32(c), int32(r), s.seq + int64(r)})
		}
		s.chunks[c].refs += fill
	}
	if r < n {
		s.replace(c, r, n)
	}
	s.seq += int64(n)
	if s.chunks[c].refs == 0 {
		s.freeChunk(c)
	}
	if extra := s.held - s.keep; extra > 0 && extra > max(s.keep, int64(s.batch)) {
		return s.compact()
	}
	return nil
}

// replace offers rows lo..n-1 of chunk c to the full heap. A cheap test of
// the first key's prefix against the heap's top rules out most rows.
func (s *topNStream) replace(c, lo, n int) {
	first := s.order[0]
	if cap(s.pre) < n {
		s.pre = make([]uint64, n)
	}
	pre := s.pre[:n]
	first.prefixes(c, nil, 0, pre)
	nullable := first.valid[c] != nil
	top := s.heap[0]
	topNull := first.isNull(int(top.c), int(top.r))
	topPre := first.prefix(int(top.c), int(top.r))
	for r := lo; r < n; r++ {
		switch {
		case nullable && first.isNull(c, r):
			if !topNull && !first.NullsFirst {
				continue // NULL sorts after the top's value
			}
		case topNull:
			if first.NullsFirst {
				continue // the value sorts after the top's NULL
			}
		case pre[r] > topPre:
			continue
		}
		// Equal keys lose: the row comes later in the input.
		if s.order.compare(c, r, int(top.c), int(top.r)) >= 0 {
			continue
		}
		s.unref(int(top.c), c)
		s.heap[0] = topRow{int32(c), int32(r), s.seq + int64(r)}
		s.chunks[c].refs++
		s.down(0)
		top = s.heap[0]
		topNull = first.isNull(int(top.c), int(top.r))
		topPre = first.prefix(int(top.c), int(top.r))
	}
}

// after reports whether row a sorts after row b.
func (s *topNStream) after(a, b topRow) bool {
	if c := s.order.compare(int(a.c), int(a.r), int(b.c), int(b.r)); c != 0 {
		return c > 0
	}
	return a.seq > b.seq
}

func (s *topNStream) push(row topRow) {
	s.heap = append(s.heap, row)
	h := s.heap
	for i := len(h) - 1; i > 0; {
		p := (i - 1) / 2
		if !s.after(h[i], h[p]) {
			break
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
}

func (s *topNStream) down(i int) {
	h := s.heap
	for {
		l := 2*i + 1
		if l >= len(h) {
			return
		}
		m := l
		if r := l + 1; r < len(h) && s.after(h[r], h[l]) {
			m = r
		}
		if !s.after(h[m], h[i]) {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}

// unref drops a heap reference to chunk c, freeing the chunk when it was
// the last one, unless c is the batch being read.
func (s *topNStream) unref(c, reading int) {
	s.chunks[c].refs--
	if s.chunks[c].refs == 0 && c != reading {
		s.freeChunk(c)
	}
}

func (s *topNStream) freeChunk(c int) {
	ch := &s.chunks[c]
	if ch.rec == nil {
		return
	}
	s.held -= ch.rec.NumRows()
	ch.rec.Release()
	ch.rec = nil
	s.order.drop(c)
	s.acct.release(ch.size)
	ch.size = 0
}

// dropChunks frees every chunk and starts a new list.
func (s *topNStream) dropChunks() {
	for c := range s.chunks {
		s.freeChunk(c)
	}
	s.chunks = s.chunks[:0]
	for _, k := range s.order {
		k.vals.reset()
		k.valid, k.offs = k.valid[:0], k.offs[:0]
	}
}

// compact copies the heap's rows into one new chunk, so that the batches
// they came from can go. Only the rows' places change, so the heap stays a
// heap.
func (s *topNStream) compact() error {
	if len(s.heap) > math.MaxInt32 {
		return fmt.Errorf("engine: TopN keeps %d rows, more than the %d supported", len(s.heap), math.MaxInt32)
	}
	rows := make([][]int32, len(s.chunks)) // the heap's rows in each chunk
	at := make([]int32, len(s.heap))       // where each heap row goes in its chunk's list
	for i, e := range s.heap {
		at[i] = int32(len(rows[e.c]))
		rows[e.c] = append(rows[e.c], e.r)
	}
	base := make([]int32, len(s.chunks))
	var pieces []arrow.Record
	defer func() { releaseBatchList(pieces) }()
	var n int32
	for c, rs := range rows {
		if len(rs) == 0 {
			continue
		}
		cols, err := gatherRecord(s.mem, nil, s.chunks[c].rec, rs)
		if err != nil {
			releaseCols(cols)
			return err
		}
		pieces = append(pieces, array.NewRecord(s.t.Schema(), cols, int64(len(rs))))
		releaseCols(cols)
		base[c] = n
		n += int32(len(rs))
	}
	rec, err := concatRecords(s.mem, s.t.Schema(), pieces)
	if err != nil {
		return err
	}
	for i, e := range s.heap {
		s.heap[i].c, s.heap[i].r = 0, base[e.c]+at[i]
	}
	s.dropChunks()
	views, err := s.order.add(rec)
	if err != nil {
		rec.Release()
		return err
	}
	size := RecordSize(rec) + views
	s.chunks = append(s.chunks, topChunk{rec: rec, refs: len(s.heap), size: size})
	s.held = rec.NumRows()
	if err := s.acct.reserve(size); err != nil {
		s.chunks[0].size = 0
		return err
	}
	return nil
}

// free lets go of everything but the input.
func (s *topNStream) free() {
	s.dropChunks()
	if s.out != nil {
		s.out.Release()
		s.out = nil
	}
	s.heap = nil
	s.acct.releaseAll()
}

func (s *topNStream) Close() error {
	var err error
	if s.in != nil {
		err = s.in.Close()
		s.in = nil
	}
	s.free()
	return err
}
