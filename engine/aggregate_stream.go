package engine

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"math"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/compute"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// aggMemory is the name under which aggregation reserves memory.
const aggMemory = "hash aggregate"

// aggState is a group table and one accumulator per aggregate: the whole
// aggregation, or one worker's share of it.
type aggState struct {
	a     *HashAggregate
	x     *Exec
	table groupTable
	accs  []accumulator
	// first holds, when track is set, the position of each group's first
	// row: its batch's sequence number << 32 | its row in the batch.
	first []int64
	track bool
	// counts holds the number of rows of each group; rows is their sum.
	counts []int64
	rows   int64
	// reserved is what the state holds against the memory limit.
	reserved int64

	// Scratch space, reused from batch to batch.
	ids  []int32
	keys []arrow.Array
}

func newAggState(ctx context.Context, a *HashAggregate, x *Exec, seed maphash.Seed, track bool) (*aggState, error) {
	in := a.Input.Schema()
	types := make([]arrow.DataType, len(a.Keys))
	for i, k := range a.Keys {
		types[i] = in.Field(k).Type
	}
	table, err := newGroupTable(types, seed)
	if err != nil {
		return nil, err
	}
	s := &aggState{a: a, x: x, table: table, track: track, counts: make([]int64, table.len())}
	for _, g := range a.Aggs {
		var t arrow.DataType
		if g.Arg >= 0 {
			t = in.Field(g.Arg).Type
		}
		acc, err := newAccumulator(g.Func, t, len(a.Keys) == 0)
		if err != nil {
			return nil, err
		}
		if g.Distinct {
			if acc, err = newDistinct(ctx, acc, t, len(a.Keys) == 0, seed); err != nil {
				return nil, err
			}
		}
		acc.grow(table.len())
		s.accs = append(s.accs, acc)
	}
	return s, nil
}

// add aggregates batch number seq.
func (s *aggState) add(rec arrow.Record, seq int64) error {
	n := int(rec.NumRows())
	if n == 0 {
		return nil
	}
	s.rows += int64(n)
	s.ids = reuse(s.ids, n)
	s.keys = s.keys[:0]
	for _, k := range s.a.Keys {
		s.keys = append(s.keys, rec.Column(k))
	}
	before := s.table.len()
	if err := s.table.find(s.keys, s.ids); err != nil {
		return err
	}
	groups := s.table.len()
	if s.track && groups > before {
		s.first = growTo(s.first, groups, -1)
		for i, g := range s.ids {
			if int(g) >= before && s.first[g] < 0 {
				s.first[g] = seq<<32 | int64(i)
			}
		}
	}
	s.counts = growTo(s.counts, groups, 0)
	if len(s.a.Keys) == 0 {
		s.counts[0] += int64(n)
	} else {
		for _, g := range s.ids {
			s.counts[g]++
		}
	}
	for i, acc := range s.accs {
		acc.grow(groups)
		var arg arrow.Array
		if c := s.a.Aggs[i].Arg; c >= 0 {
			arg = rec.Column(c)
		}
		if err := acc.update(arg, s.ids); err != nil {
			return fmt.Errorf("engine: %s: %w", s.a.aggString(i), err)
		}
	}
	return s.account()
}

func (s *aggState) size() int64 {
	n := s.table.size() + int64(cap(s.first)+cap(s.counts))*8 + int64(cap(s.ids))*4
	for _, acc := range s.accs {
		n += acc.size()
	}
	return n
}

// account reserves what the state has grown by.
func (s *aggState) account() error {
	n := s.size()
	if n <= s.reserved {
		return nil
	}
	if err := s.x.Reserve(aggMemory, n-s.reserved); err != nil {
		return err
	}
	s.reserved = n
	return nil
}

// release lets go of the state and its reservation.
func (s *aggState) release() {
	s.x.Release(s.reserved)
	s.reserved = 0
	s.table, s.accs, s.first, s.counts, s.ids = nil, nil, nil, nil, nil
}

// result builds the output: one row per group.
func (s *aggState) result(mem memory.Allocator) (arrow.Record, error) {
	cols, err := s.table.build(mem)
	release := func() {
		for _, c := range cols {
			c.Release()
		}
	}
	if err != nil {
		release()
		return nil, err
	}
	for i, acc := range s.accs {
		c, err := acc.build(mem, s.counts)
		if err != nil {
			release()
			return nil, fmt.Errorf("engine: %s: %w", s.a.aggString(i), err)
		}
		cols = append(cols, c)
	}
	defer release()
	return array.NewRecord(s.a.Out, cols, int64(s.table.len())), nil
}

// mergeStates combines the states of workers into one whose groups are
// numbered in the order of their first rows: it adds the workers' groups
// to a new table in that order, taking runs of consecutive groups from one
// worker at a time, then merges the accumulators. A single worker's state
// is the result as it is.
func mergeStates(ctx context.Context, a *HashAggregate, x *Exec, seed maphash.Seed, mem memory.Allocator, parts []*aggState) (*aggState, error) {
	var live []*aggState
	for _, p := range parts {
		if p.rows > 0 {
			live = append(live, p)
		}
	}
	switch len(live) {
	case 0:
		return parts[0], nil
	case 1:
		return live[0], nil
	}
	final, err := newAggState(ctx, a, x, seed, false)
	if err != nil {
		return nil, err
	}
	maps := make([][]int32, len(live))
	if len(a.Keys) == 0 {
		for p := range maps {
			maps[p] = []int32{0}
		}
	} else if err := mergeKeys(final, mem, live, maps); err != nil {
		return final, err
	}
	groups := final.table.len()
	final.counts = growTo(final.counts, groups, 0)
	for p, part := range live {
		for g, n := range part.counts {
			final.counts[maps[p][g]] += n
		}
		final.rows += part.rows
	}
	for i, acc := range final.accs {
		acc.grow(groups)
		for p, part := range live {
			if err := acc.merge(part.accs[i], maps[p]); err != nil {
				return final, fmt.Errorf("engine: %s: %w", a.aggString(i), err)
			}
		}
	}
	return final, final.account()
}

// mergeKeys adds the groups of parts to final in the order of their first
// rows; maps[p][g] is the group in final of group g of parts[p].
func mergeKeys(final *aggState, mem memory.Allocator, parts []*aggState, maps [][]int32) error {
	keys := make([][]arrow.Array, len(parts))
	defer func() {
		for _, cols := range keys {
			for _, c := range cols {
				c.Release()
			}
		}
	}()
	for p, part := range parts {
		var err error
		if keys[p], err = part.table.build(mem); err != nil {
			return err
		}
		maps[p] = make([]int32, part.table.len())
	}
	pos := make([]int, len(parts))
	run := make([]arrow.Array, len(final.a.Keys))
	for {
		// The part whose next group comes first, and up to where.
		best, limit := -1, int64(math.MaxInt64)
		for p, part := range parts {
			if pos[p] == len(part.first) {
				continue
			}
			f := part.first[pos[p]]
			if best < 0 || f < parts[best].first[pos[best]] {
				if best >= 0 {
					limit = min(limit, parts[best].first[pos[best]])
				}
				best = p
			} else {
				limit = min(limit, f)
			}
		}
		if best < 0 {
			return nil
		}
		b, start := parts[best], pos[best]
		end := start + 1
		for end < len(b.first) && b.first[end] < limit {
			end++
		}
		for c, k := range keys[best] {
			run[c] = array.NewSlice(k, int64(start), int64(end))
		}
		err := final.table.find(run, maps[best][start:end])
		for _, c := range run {
			c.Release()
		}
		if err != nil {
			return err
		}
		if err := final.account(); err != nil {
			return err
		}
		pos[best] = end
	}
}

// aggStream runs a HashAggregate: the first call to Next reads the whole
// input, later ones hand out slices of the result.
type aggStream struct {
	ctx  context.Context
	x    *Exec
	a    *HashAggregate
	mem  memory.Allocator
	seed maphash.Seed

	// rowsPerGroup is the constant; tests lower it to share out batches.
	rowsPerGroup int64

	states []*aggState // released on Close
	out    arrow.Record
	// outReserved is what out holds against the memory limit.
	outReserved int64
	pos         int64
	err         error
}

func (s *aggStream) Next() (arrow.Record, error) {
	if s.err != nil {
		return nil, s.err
	}
	if s.out == nil {
		if err := s.run(); err != nil {
			s.err = err
			s.releaseStates()
			return nil, err
		}
	}
	rows := s.out.NumRows()
	if s.pos >= rows {
		return nil, io.EOF
	}
	end := min(rows, s.pos+int64(s.x.batchSize()))
	rec := s.out.NewSlice(s.pos, end)
	s.pos = end
	return rec, nil
}

// run aggregates the input and builds the result.
func (s *aggStream) run() (err error) {
	ctx := compute.WithAllocator(s.ctx, s.mem)
	in, err := s.a.Input.Open(ctx, s.x)
	if err != nil {
		return err
	}
	var st *aggState
	// Without keys, aggregating a batch costs less than handing it over.
	if workers := s.x.parallelism(); workers > 1 && len(s.a.Keys) > 0 {
		st, err = s.parallel(ctx, in, workers)
	} else {
		st, err = s.serial(ctx, in)
	}
	if cerr := in.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	out, err := st.result(s.mem)
	if err != nil {
		return err
	}
	n := RecordSize(out)
	if err := s.x.Reserve(aggMemory, n); err != nil {
		out.Release()
		return err
	}
	s.out, s.outReserved = out, n
	s.releaseStates()
	return nil
}

// serial aggregates the input on the calling goroutine.
func (s *aggStream) serial(ctx context.Context, in Stream) (*aggState, error) {
	st, err := newAggState(ctx, s.a, s.x, s.seed, false)
	if err != nil {
		return nil, err
	}
	s.states = append(s.states, st)
	for seq := int64(0); ; seq++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rec, err := in.Next()
		if errors.Is(err, io.EOF) {
			return st, nil
		}
		if err != nil {
			return nil, err
		}
		err = st.add(rec, seq)
		rec.Release()
		if err != nil {
			return nil, err
		}
	}
}

// rowsPerGroup is how many rows the workers must have been given per group
// they hold before batches are shared among them. Merging a worker's group
// costs about what aggregating a few rows does, so while groups are many,
// every batch goes to worker 0, and the other workers' tables stay small.
const rowsPerGroup = 16

// parallel reads the input on the calling goroutine and hands its batches
// to workers, each aggregating into a state of its own, then merges them.
func (s *aggStream) parallel(ctx context.Context, in Stream, workers int) (*aggState, error) {
	type batch struct {
		rec arrow.Record
		seq int64
	}
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	parts := make([]*aggState, workers)
	for w := range parts {
		st, err := newAggState(ctx, s.a, s.x, s.seed, true)
		if err != nil {
			return nil, err
		}
		parts[w] = st
		s.states = append(s.states, st)
	}
	shared := make(chan batch) // to any worker
	first := make(chan batch)  // to worker 0
	// groups holds each worker's group count, published after each batch;
	// worker 0 closes started after its first.
	groups := make([]atomic.Int64, workers)
	started := make(chan struct{})
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w, part := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			own := first
			if w > 0 {
				own = nil
			}
			for in := shared; in != nil || own != nil; {
				var b batch
				var ok bool
				select {
				case b, ok = <-in:
					if !ok {
						in = nil
						continue
					}
				case b, ok = <-own:
					if !ok {
						own = nil
						continue
					}
				}
				if errs[w] == nil {
					if errs[w] = part.add(b.rec, b.seq); errs[w] != nil {
						cancel()
					}
					groups[w].Store(int64(part.table.len()))
				}
				b.rec.Release()
				if b.seq == 0 {
					close(started)
				}
			}
		}()
	}
	var err error
	var rows int64
	for seq := int64(0); err == nil; seq++ {
		if err = ctx.Err(); err != nil {
			break
		}
		var rec arrow.Record
		if rec, err = in.Next(); err != nil {
			break
		}
		if seq == 1 {
			// Judge the groups per row by the first batch before sharing.
			select {
			case <-started:
			case <-wctx.Done():
			}
		}
		var held int64
		for w := range groups {
			held += groups[w].Load()
		}
		to := shared
		if seq == 0 || held*s.rowsPerGroup > rows {
			to = first
		}
		rows += rec.NumRows()
		select {
		case to <- batch{rec, seq}:
		case <-wctx.Done():
			rec.Release()
			err = wctx.Err()
		}
	}
	close(shared)
	close(first)
	wg.Wait()
	for _, e := range errs {
		if e != nil {
			return nil, e
		}
	}
	if !errors.Is(err, io.EOF) {
		return nil, err
	}
	final, err := mergeStates(ctx, s.a, s.x, s.seed, s.mem, parts)
	if final != nil && !slices.Contains(s.states, final) {
		s.states = append(s.states, final)
	}
	return final, err
}

func (s *aggStream) releaseStates() {
	for _, st := range s.states {
		st.release()
	}
	s.states = nil
}

func (s *aggStream) Close() error {
	s.releaseStates()
	if s.out != nil {
		s.out.Release()
		s.out = nil
		s.x.Release(s.outReserved)
		s.outReserved = 0
	}
	if s.err == nil {
		s.err = errors.New("engine: hash aggregate stream is closed")
	}
	return nil
}
