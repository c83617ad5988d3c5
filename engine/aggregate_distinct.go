package engine

import (
	"context"
	"hash/maphash"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/bitutil"
	"github.com/apache/arrow/go/v15/arrow/compute"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// distinctAcc makes an aggregate DISTINCT: a table of the (group, value)
// pairs seen so far passes each pair's first row, and no other, to the
// aggregate's own accumulator. NULL values never reach it.
type distinctAcc struct {
	ctx   context.Context // carries the allocator
	inner accumulator
	// table is keyed by group id and value, or by value alone when the
	// aggregate has a single group.
	table  groupTable
	single bool
	// rows counts the rows passed to inner, by group.
	rows []int64

	// Scratch space, reused from batch to batch.
	pairs  []int32 // the pair of each row
	first  []bool  // which new pairs have had their first row
	sel    []int32 // the rows passed on
	selIDs []int32 // and their groups
}

func newDistinct(ctx context.Context, inner accumulator, t arrow.DataType, single bool, seed maphash.Seed) (*distinctAcc, error) {
	types := []arrow.DataType{arrow.PrimitiveTypes.Int32, t}
	if single {
		types = types[1:]
	}
	table, err := newGroupTable(types, seed)
	if err != nil {
		return nil, err
	}
	return &distinctAcc{ctx: ctx, inner: inner, table: table, single: single}, nil
}

func (a *distinctAcc) grow(n int) {
	a.inner.grow(n)
	a.rows = growTo(a.rows, n, 0)
}

func (a *distinctAcc) update(arr arrow.Array, ids []int32) error {
	n := len(ids)
	a.pairs = reuse(a.pairs, n)
	keys := []arrow.Array{arr}
	if !a.single {
		g := int32View(ids)
		defer g.Release()
		keys = []arrow.Array{g, arr}
	}
	before := a.table.len()
	if err := a.table.find(keys, a.pairs); err != nil {
		return err
	}
	added := a.table.len() - before
	if added == 0 {
		return nil
	}
	first := reuse(a.first, added)
	clear(first)
	a.first = first
	sel, selIDs := a.sel[:0], a.selIDs[:0]
	bm, off := nullBitmap(arr)
	for i, p := range a.pairs {
		p -= int32(before)
		if p < 0 || first[p] {
			continue
		}
		first[p] = true
		if bm != nil && !bitutil.BitIsSet(bm, off+i) {
			continue
		}
		sel, selIDs = append(sel, int32(i)), append(selIDs, ids[i])
	}
	a.sel, a.selIDs = sel, selIDs
	for _, g := range selIDs {
		a.rows[g]++
	}
	switch len(sel) {
	case 0:
		return nil
	case n:
		return a.inner.update(arr, ids)
	}
	vals := gather(compute.GetAllocator(a.ctx), arr, sel)
	defer vals.Release()
	return a.inner.update(vals, selIDs)
}

// merge adds the other table's pairs, with their groups renumbered.
func (a *distinctAcc) merge(other accumulator, ids []int32) error {
	o := other.(*distinctAcc)
	keys, err := o.table.build(compute.GetAllocator(a.ctx))
	if err != nil {
		return err
	}
	defer func() {
		for _, k := range keys {
			k.Release()
		}
	}()
	vals := keys[len(keys)-1]
	groups := make([]int32, vals.Len())
	if a.single {
		for k := range groups {
			groups[k] = ids[0]
		}
	} else {
		for k, g := range keys[0].(*array.Int32).Int32Values() {
			groups[k] = ids[g]
		}
	}
	return a.update(vals, groups)
}

func (a *distinctAcc) build(mem memory.Allocator, _ []int64) (arrow.Array, error) {
	return a.inner.build(mem, a.rows)
}

func (a *distinctAcc) size() int64 {
	return a.inner.size() + a.table.size() + int64(cap(a.rows))*8 +
		int64(cap(a.pairs)+cap(a.sel)+cap(a.selIDs))*4 + int64(cap(a.first))
}
