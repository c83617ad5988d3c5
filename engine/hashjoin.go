package engine

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/compute"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// JoinType says which unmatched rows a join keeps.
type JoinType int

const (
	// InnerJoin keeps matched pairs only.
	InnerJoin JoinType = iota
	// LeftJoin also keeps probe rows without a match, with NULLs for the
	// build side.
	LeftJoin
)

func (t JoinType) String() string {
	switch t {
	case InnerJoin:
		return "inner"
	case LeftJoin:
		return "left"
	}
	return fmt.Sprintf("JoinType(%d)", int(t))
}

// HashJoin joins Probe with Build on equal keys. It reads all of Build into
// a hash table, then streams Probe through it. Output rows are the probe
// columns followed by the build columns. NULL keys never match.
type HashJoin struct {
	Probe, Build         Operator
	ProbeKeys, BuildKeys []int
	Type                 JoinType
	// Out is the output schema: Probe's fields then Build's (nullable for
	// a left join).
	Out *arrow.Schema
}

// Schema implements Operator.
func (j *HashJoin) Schema() *arrow.Schema { return j.Out }

// Children implements Operator.
func (j *HashJoin) Children() []Operator { return []Operator{j.Probe, j.Build} }

// Describe implements Operator.
func (j *HashJoin) Describe() string {
	ps, bs := j.Probe.Schema(), j.Build.Schema()
	keys := make([]string, len(j.ProbeKeys))
	for i := range keys {
		keys[i] = ps.Field(j.ProbeKeys[i]).Name + " = " + bs.Field(j.BuildKeys[i]).Name
	}
	return fmt.Sprintf("HashJoin %s on %s (build: right)", j.Type, strings.Join(keys, " AND "))
}

// JoinOutput returns the schema of a join's output: probe fields then build
// fields, the build side nullable when the join keeps unmatched probe rows.
func JoinOutput(probe, build *arrow.Schema, t JoinType) *arrow.Schema {
	fields := append([]arrow.Field{}, probe.Fields()...)
	for _, f := range build.Fields() {
		if t == LeftJoin {
			f.Nullable = true
		}
		fields = append(fields, f)
	}
	return arrow.NewSchema(fields, nil)
}

// Open implements Operator.
func (j *HashJoin) Open(ctx context.Context, x *Exec) (Stream, error) {
	if len(j.ProbeKeys) == 0 || len(j.ProbeKeys) != len(j.BuildKeys) {
		return nil, errors.New("engine: hash join needs matching key lists")
	}
	for i := range j.ProbeKeys {
		pt := j.Probe.Schema().Field(j.ProbeKeys[i]).Type
		bt := j.Build.Schema().Field(j.BuildKeys[i]).Type
		if !arrow.TypeEqual(pt, bt) {
			return nil, fmt.Errorf("engine: join key types differ: %s and %s", pt, bt)
		}
	}
	mem := x.mem()
	return &joinStream{
		ctx:   compute.WithAllocator(ctx, mem),
		mem:   mem,
		j:     j,
		x:     x,
		seed:  maphash.MakeSeed(),
		batch: x.batchSize(),
	}, nil
}

type joinStream struct {
	ctx   context.Context
	mem   memory.Allocator
	j     *HashJoin
	x     *Exec
	seed  maphash.Seed
	batch int
	// reserved is what the build side holds against the memory limit.
	reserved int64

	built bool
	probe Stream

	// The build side, concatenated, and its hash table.
	build   arrow.Record
	hashes  []uint64
	buckets []int32
	next    []int32
	mask    uint64

	// The probe batch in progress.
	cur     arrow.Record
	curHash []uint64
	curEq   []func(i, j int) bool
	row     int   // next probe row to look at
	chain   int32 // next build row in the current row's chain, -1 if none
	matched bool  // the current row has matched at least once
}

func (s *joinStream) Next() (arrow.Record, error) {
	if !s.built {
		if err := s.buildTable(); err != nil {
			return nil, err
		}
		s.built = true
	}
	if s.build.NumRows() == 0 && s.j.Type == InnerJoin {
		return nil, io.EOF
	}
	if s.probe == nil {
		p, err := s.j.Probe.Open(s.ctx, s.x)
		if err != nil {
			return nil, err
		}
		s.probe = p
	}
	probeIdx := make([]int32, 0, s.batch)
	buildIdx := make([]int32, 0, s.batch)
	for {
		if s.cur == nil {
			rec, err := s.probe.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return nil, err
			}
			if err := s.startProbe(rec); err != nil {
				rec.Release()
				return nil, err
			}
		}
		probeIdx, buildIdx = s.probeRows(probeIdx, buildIdx)
		if len(probeIdx) == cap(probeIdx) {
			return s.emit(probeIdx, buildIdx)
		}
		// The batch is exhausted; emit what it produced before moving on
		// so that output rows keep referring to the right batch.
		if len(probeIdx) > 0 {
			out, err := s.emit(probeIdx, buildIdx)
			s.endProbe()
			return out, err
		}
		s.endProbe()
	}
	return nil, io.EOF
}

// buildTable reads the build side and hashes it.
func (s *joinStream) buildTable() error {
	in, err := s.j.Build.Open(s.ctx, s.x)
	if err != nil {
		return err
	}
	defer in.Close()
	var recs []arrow.Record
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	for {
		rec, err := in.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		recs = append(recs, rec)
		n := RecordSize(rec)
		if err := s.x.Reserve("hash join build side", n); err != nil {
			return err
		}
		s.reserved += n
	}
	s.build, err = concatRecords(s.mem, s.j.Build.Schema(), recs)
	if err != nil {
		return err
	}
	n := int(s.build.NumRows())
	if n > 1<<31-2 {
		return fmt.Errorf("engine: hash join build side has %d rows, more than the %d supported", n, 1<<31-2)
	}
	// The table: hashes, buckets and chains, 16 bytes a row at most.
	table := int64(n) * 16
	if err := s.x.Reserve("hash join build side", table); err != nil {
		return err
	}
	s.reserved += table
	s.hashes = make([]uint64, n)
	for _, k := range s.j.BuildKeys {
		if err := hashColumn(s.seed, s.build.Column(k), s.hashes); err != nil {
			return err
		}
	}
	size := 1
	for size < 2*n {
		size <<= 1
	}
	s.mask = uint64(size - 1)
	s.buckets = make([]int32, size)
	for i := range s.buckets {
		s.buckets[i] = -1
	}
	s.next = make([]int32, n)
	// Insert in reverse so that each chain lists rows in build order.
	for i := n - 1; i >= 0; i-- {
		if anyNull(s.build, s.j.BuildKeys, i) {
			continue
		}
		b := s.hashes[i] & s.mask
		s.next[i] = s.buckets[b]
		s.buckets[b] = int32(i)
	}
	return nil
}

func anyNull(rec arrow.Record, cols []int, i int) bool {
	for _, c := range cols {
		if rec.Column(c).IsNull(i) {
			return true
		}
	}
	return false
}

func (s *joinStream) startProbe(rec arrow.Record) error {
	n := int(rec.NumRows())
	if cap(s.curHash) < n {
		s.curHash = make([]uint64, n)
	}
	s.curHash = s.curHash[:n]
	clear(s.curHash)
	s.curEq = s.curEq[:0]
	for k, c := range s.j.ProbeKeys {
		if err := hashColumn(s.seed, rec.Column(c), s.curHash); err != nil {
			return err
		}
		eq, err := keyEqual(rec.Column(c), s.build.Column(s.j.BuildKeys[k]))
		if err != nil {
			return err
		}
		s.curEq = append(s.curEq, eq)
	}
	s.cur = rec
	s.row = 0
	s.chain = -2 // the chain of row 0 has not been looked up yet
	s.matched = false
	return nil
}

func (s *joinStream) endProbe() {
	s.cur.Release()
	s.cur = nil
}

// probeRows appends matching (probe, build) row pairs until the output
// batch is full or the probe batch is exhausted. A build index of -1 stands
// for the NULLs of an unmatched probe row.
func (s *joinStream) probeRows(probeIdx, buildIdx []int32) ([]int32, []int32) {
	n := int(s.cur.NumRows())
	left := s.j.Type == LeftJoin
	for s.row < n {
		i := s.row
		if s.chain == -2 {
			s.matched = false
			if anyNull(s.cur, s.j.ProbeKeys, i) {
				s.chain = -1
			} else {
				s.chain = s.buckets[s.curHash[i]&s.mask]
			}
		}
		for s.chain >= 0 {
			if len(probeIdx) == cap(probeIdx) {
				return probeIdx, buildIdx
			}
			j := s.chain
			s.chain = s.next[j]
			if s.hashes[j] != s.curHash[i] || !s.keysEqual(i, int(j)) {
				continue
			}
			probeIdx = append(probeIdx, int32(i))
			buildIdx = append(buildIdx, j)
			s.matched = true
		}
		if left && !s.matched {
			if len(probeIdx) == cap(probeIdx) {
				return probeIdx, buildIdx
			}
			probeIdx = append(probeIdx, int32(i))
			buildIdx = append(buildIdx, -1)
		}
		s.row++
		s.chain = -2
	}
	return probeIdx, buildIdx
}

func (s *joinStream) keysEqual(i, j int) bool {
	for _, eq := range s.curEq {
		if !eq(i, j) {
			return false
		}
	}
	return true
}

// emit gathers the output columns for the given row pairs.
func (s *joinStream) emit(probeIdx, buildIdx []int32) (arrow.Record, error) {
	pi := indexArray(s.mem, probeIdx)
	defer pi.Release()
	bi := indexArray(s.mem, buildIdx)
	defer bi.Release()
	cols := make([]arrow.Array, 0, s.j.Out.NumFields())
	release := func() {
		for _, c := range cols {
			c.Release()
		}
	}
	for _, c := range s.cur.Columns() {
		out, err := compute.TakeArray(s.ctx, c, pi)
		if err != nil {
			release()
			return nil, err
		}
		cols = append(cols, out)
	}
	for _, c := range s.build.Columns() {
		out, err := compute.TakeArray(s.ctx, c, bi)
		if err != nil {
			release()
			return nil, err
		}
		cols = append(cols, out)
	}
	defer release()
	return array.NewRecord(s.j.Out, cols, int64(len(probeIdx))), nil
}

// indexArray makes take indices; negative entries become NULL.
func indexArray(mem memory.Allocator, idx []int32) arrow.Array {
	b := array.NewInt32Builder(mem)
	defer b.Release()
	b.Resize(len(idx))
	for _, v := range idx {
		if v < 0 {
			b.UnsafeAppendBoolToBitmap(false)
		} else {
			b.UnsafeAppend(v)
		}
	}
	return b.NewArray()
}

func (s *joinStream) Close() error {
	var err error
	if s.probe != nil {
		err = s.probe.Close()
		s.probe = nil
	}
	if s.cur != nil {
		s.cur.Release()
		s.cur = nil
	}
	if s.build != nil {
		s.build.Release()
		s.build = nil
	}
	s.hashes, s.buckets, s.next = nil, nil, nil
	s.x.Release(s.reserved)
	s.reserved = 0
	return err
}

// concatRecords joins batches into one record.
func concatRecords(mem memory.Allocator, schema *arrow.Schema, recs []arrow.Record) (arrow.Record, error) {
	var rows int64
	for _, r := range recs {
		rows += r.NumRows()
	}
	cols := make([]arrow.Array, schema.NumFields())
	for c := range cols {
		parts := make([]arrow.Array, len(recs))
		for i, r := range recs {
			parts[i] = r.Column(c)
		}
		var err error
		if len(parts) == 0 {
			cols[c] = array.MakeArrayOfNull(mem, schema.Field(c).Type, 0)
			continue
		}
		cols[c], err = array.Concatenate(parts, mem)
		if err != nil {
			for _, a := range cols[:c] {
				a.Release()
			}
			return nil, err
		}
	}
	rec := array.NewRecord(schema, cols, rows)
	for _, a := range cols {
		a.Release()
	}
	return rec, nil
}
