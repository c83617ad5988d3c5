package engine

import (
	"bytes"
	"fmt"
	"hash/maphash"
	"math"
	"unsafe"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/bitutil"
	"github.com/apache/arrow/go/v15/arrow/decimal128"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// rowTable groups by any number of key columns of any key type. A batch
// goes through it a phase at a time, each a loop over one column:
//
//  1. hash the rows, column by column;
//  2. probe the slots in row order, stopping at a slot with an equal hash
//     (a candidate group) or a free one (a new group for the row);
//  3. append the keys of the rows that made new groups, column by column;
//  4. compare each candidate's keys with its row's, column by column.
//
// A row whose candidate differs has a hash equal to another key's, which is
// rare; it is resolved alone, comparing row by row.
type rowTable struct {
	seed maphash.Seed
	// hash is hashGroupColumn; tests replace it to force collisions.
	hash  func(seed maphash.Seed, arr arrow.Array, hashes, scratch []uint64) error
	types []arrow.DataType
	slots []hashSlot
	mask  uint64
	cols  []keyColumn
	n     int

	// Scratch space, reused from batch to batch.
	hashes, tmp    []uint64
	fresh, check   []int32 // rows that made a group; rows with a candidate
	groups         []int32 // the candidate of each row in check
	differ         []bool
	oneRow, oneGrp [1]int32
}

func newRowTable(types []arrow.DataType, seed maphash.Seed) *rowTable {
	t := &rowTable{seed: seed, hash: hashGroupColumn, types: types, slots: make([]hashSlot, minSlots), mask: minSlots - 1}
	for _, typ := range types {
		t.cols = append(t.cols, newKeyColumn(typ))
	}
	return t
}

func (t *rowTable) len() int { return t.n }

func (t *rowTable) size() int64 {
	n := int64(cap(t.slots)) * 16
	for _, c := range t.cols {
		n += c.size()
	}
	return n
}

func (t *rowTable) find(keys []arrow.Array, ids []int32) error {
	if err := checkRoom(t.n, len(ids)); err != nil {
		return err
	}
	n := len(ids)
	t.hashes = reuse(t.hashes, n)
	t.tmp = reuse(t.tmp, n)
	hashes := t.hashes
	clear(hashes)
	for _, k := range keys {
		if err := t.hash(t.seed, k, hashes, t.tmp); err != nil {
			return err
		}
	}
	fresh, check := t.fresh[:0], t.check[:0]
	slots, mask := t.slots, t.mask
	for i, hash := range hashes {
		h := hash & mask
		for {
			s := &slots[h]
			if s.id == 0 {
				if t.n >= len(slots)/2 {
					t.slots, t.mask = growHashSlots(t.slots)
					slots, mask = t.slots, t.mask
					h = hash & mask
					continue
				}
				s.hash, s.id = hash, int32(t.n)+1
				ids[i] = int32(t.n)
				t.n++
				fresh = append(fresh, int32(i))
				break
			}
			if s.hash == hash {
				ids[i] = s.id - 1
				check = append(check, int32(i))
				break
			}
			h = (h + 1) & mask
		}
	}
	t.fresh, t.check = fresh, check
	for c, col := range t.cols {
		if err := col.appendRows(keys[c], fresh); err != nil {
			return err
		}
	}
	if len(check) == 0 {
		return nil
	}
	t.groups = reuse(t.groups, len(check))
	for k, r := range check {
		t.groups[k] = ids[r]
	}
	t.differ = reuse(t.differ, len(check))
	clear(t.differ)
	for c, col := range t.cols {
		col.differ(keys[c], check, t.groups, t.differ)
	}
	for k, r := range check {
		if t.differ[k] {
			id, err := t.resolve(keys, int(r), hashes[r])
			if err != nil {
				return err
			}
			ids[r] = id
		}
	}
	return nil
}

// resolve finds or adds the group of row r, comparing keys row by row.
func (t *rowTable) resolve(keys []arrow.Array, r int, hash uint64) (int32, error) {
	h := hash & t.mask
	for {
		s := &t.slots[h]
		if s.id == 0 {
			if t.n >= len(t.slots)/2 {
				t.slots, t.mask = growHashSlots(t.slots)
				h = hash & t.mask
				continue
			}
			id := int32(t.n)
			s.hash, s.id = hash, id+1
			t.n++
			t.oneRow[0] = int32(r)
			for c, col := range t.cols {
				if err := col.appendRows(keys[c], t.oneRow[:]); err != nil {
					return 0, err
				}
			}
			return id, nil
		}
		if s.hash == hash && t.rowEqual(keys, r, s.id-1) {
			return s.id - 1, nil
		}
		h = (h + 1) & t.mask
	}
}

func (t *rowTable) rowEqual(keys []arrow.Array, r int, g int32) bool {
	t.oneRow[0], t.oneGrp[0] = int32(r), g
	var differ [1]bool
	for c, col := range t.cols {
		col.differ(keys[c], t.oneRow[:], t.oneGrp[:], differ[:])
		if differ[0] {
			return false
		}
	}
	return true
}

func (t *rowTable) build(mem memory.Allocator) ([]arrow.Array, error) {
	out := make([]arrow.Array, len(t.cols))
	for c, col := range t.cols {
		out[c] = col.build(mem, t.types[c])
	}
	return out, nil
}

// reuse returns s with length n, reallocating only when it must; the
// contents are unspecified.
func reuse[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// keyColumn holds the values of one key column of a rowTable, by group id.
type keyColumn interface {
	// appendRows adds the values of the given rows of arr, one group each.
	appendRows(arr arrow.Array, rows []int32) error
	// differ sets differ[k] when row rows[k] of arr does not hold the key
	// of group groups[k]. NULL equals NULL.
	differ(arr arrow.Array, rows, groups []int32, differ []bool)
	// build returns the keys as an array of type t.
	build(mem memory.Allocator, t arrow.DataType) arrow.Array
	size() int64
}

func newKeyColumn(t arrow.DataType) keyColumn {
	switch t.ID() {
	case arrow.INT8:
		return &fixedKeys[int8]{}
	case arrow.UINT8:
		return &fixedKeys[uint8]{}
	case arrow.INT16:
		return &fixedKeys[int16]{}
	case arrow.UINT16:
		return &fixedKeys[uint16]{}
	case arrow.INT32, arrow.DATE32:
		return &fixedKeys[int32]{}
	case arrow.UINT32:
		return &fixedKeys[uint32]{}
	case arrow.INT64, arrow.DATE64, arrow.TIMESTAMP:
		return &fixedKeys[int64]{}
	case arrow.UINT64:
		return &fixedKeys[uint64]{}
	case arrow.DECIMAL128:
		return &fixedKeys[decimal128.Num]{}
	case arrow.FLOAT32:
		return &floatKeys[float32]{}
	case arrow.FLOAT64:
		return &floatKeys[float64]{}
	case arrow.BOOL:
		return &boolKeys{}
	case arrow.STRING, arrow.BINARY:
		return &bytesKeys{offsets: []int32{0}}
	}
	// newGroupTable checks the types first.
	panic(fmt.Sprintf("engine: no key column for %s", t))
}

// fixedKeys holds fixed-width keys compared bit for bit.
type fixedKeys[T integer | decimal128.Num] struct {
	vals  []T
	valid []bool
}

func (c *fixedKeys[T]) appendRows(arr arrow.Array, rows []int32) error {
	if len(rows) == 0 {
		return nil
	}
	var zero T
	if arr.NullN() == arr.Len() {
		for range rows {
			c.vals, c.valid = append(c.vals, zero), append(c.valid, false)
		}
		return nil
	}
	vals := arrow.GetValues[T](arr.Data(), 1)
	bm, off := nullBitmap(arr)
	for _, r := range rows {
		if bm != nil && !bitutil.BitIsSet(bm, off+int(r)) {
			c.vals, c.valid = append(c.vals, zero), append(c.valid, false)
			continue
		}
		c.vals, c.valid = append(c.vals, vals[r]), append(c.valid, true)
	}
	return nil
}

func (c *fixedKeys[T]) differ(arr arrow.Array, rows, groups []int32, differ []bool) {
	if arr.NullN() == arr.Len() {
		for k, g := range groups {
			differ[k] = differ[k] || c.valid[g]
		}
		return
	}
	vals := arrow.GetValues[T](arr.Data(), 1)
	bm, off := nullBitmap(arr)
	if bm == nil {
		for k, r := range rows {
			g := groups[k]
			differ[k] = differ[k] || !c.valid[g] || vals[r] != c.vals[g]
		}
		return
	}
	for k, r := range rows {
		g := groups[k]
		ok := bitutil.BitIsSet(bm, off+int(r))
		differ[k] = differ[k] || ok != c.valid[g] || ok && vals[r] != c.vals[g]
	}
}

func (c *fixedKeys[T]) build(mem memory.Allocator, t arrow.DataType) arrow.Array {
	return fixedArrayOf(mem, t, c.vals, c.valid)
}

func (c *fixedKeys[T]) size() int64 {
	var zero T
	return int64(cap(c.vals))*int64(unsafe.Sizeof(zero)) + int64(cap(c.valid))
}

// floatKeys holds float keys, equal as SQL groups them: -0 equals 0 and
// NaN equals NaN.
type floatKeys[T float32 | float64] struct {
	vals  []T
	valid []bool
}

func (c *floatKeys[T]) appendRows(arr arrow.Array, rows []int32) error {
	if len(rows) == 0 {
		return nil
	}
	if arr.NullN() == arr.Len() {
		for range rows {
			c.vals, c.valid = append(c.vals, 0), append(c.valid, false)
		}
		return nil
	}
	vals := arrow.GetValues[T](arr.Data(), 1)
	bm, off := nullBitmap(arr)
	for _, r := range rows {
		if bm != nil && !bitutil.BitIsSet(bm, off+int(r)) {
			c.vals, c.valid = append(c.vals, 0), append(c.valid, false)
			continue
		}
		c.vals, c.valid = append(c.vals, vals[r]), append(c.valid, true)
	}
	return nil
}

func (c *floatKeys[T]) differ(arr arrow.Array, rows, groups []int32, differ []bool) {
	if arr.NullN() == arr.Len() {
		for k, g := range groups {
			differ[k] = differ[k] || c.valid[g]
		}
		return
	}
	vals := arrow.GetValues[T](arr.Data(), 1)
	bm, off := nullBitmap(arr)
	for k, r := range rows {
		g := groups[k]
		ok := bm == nil || bitutil.BitIsSet(bm, off+int(r))
		differ[k] = differ[k] || ok != c.valid[g] ||
			ok && floatBits(float64(vals[r])) != floatBits(float64(c.vals[g]))
	}
}

func (c *floatKeys[T]) build(mem memory.Allocator, t arrow.DataType) arrow.Array {
	return fixedArrayOf(mem, t, c.vals, c.valid)
}

func (c *floatKeys[T]) size() int64 {
	var zero T
	return int64(cap(c.vals))*int64(unsafe.Sizeof(zero)) + int64(cap(c.valid))
}

// boolKeys holds boolean keys.
type boolKeys struct {
	vals, valid []bool
}

func (c *boolKeys) appendRows(arr arrow.Array, rows []int32) error {
	bits, boff := boolBits(arr)
	bm, off := nullBitmap(arr)
	for _, r := range rows {
		ok := bm == nil || bitutil.BitIsSet(bm, off+int(r))
		c.vals = append(c.vals, ok && bitutil.BitIsSet(bits, boff+int(r)))
		c.valid = append(c.valid, ok)
	}
	return nil
}

func (c *boolKeys) differ(arr arrow.Array, rows, groups []int32, differ []bool) {
	bits, boff := boolBits(arr)
	bm, off := nullBitmap(arr)
	for k, r := range rows {
		g := groups[k]
		ok := bm == nil || bitutil.BitIsSet(bm, off+int(r))
		differ[k] = differ[k] || ok != c.valid[g] || ok && bitutil.BitIsSet(bits, boff+int(r)) != c.vals[g]
	}
}

func (c *boolKeys) build(mem memory.Allocator, _ arrow.DataType) arrow.Array {
	return boolArrayOf(mem, c.vals, c.valid)
}

func (c *boolKeys) size() int64 { return int64(cap(c.vals) + cap(c.valid)) }

// boolBits returns the value bitmap of a boolean array and its offset.
func boolBits(arr arrow.Array) ([]byte, int) {
	d := arr.Data()
	if b := d.Buffers()[1]; b != nil {
		return b.Bytes(), d.Offset()
	}
	return nil, 0
}

// bytesKeys holds string or binary keys end to end, with each key's
// length (-1 for NULL) and, for keys of up to 8 bytes, the key packed into
// a word: short keys compare as two integers.
type bytesKeys struct {
	offsets []int32
	data    []byte
	lens    []int32
	words   []uint64
}

func (c *bytesKeys) appendRows(arr arrow.Array, rows []int32) error {
	if len(rows) == 0 {
		return nil
	}
	offsets, data := bytesView(arr)
	bm, off := nullBitmap(arr)
	for _, r := range rows {
		if bm != nil && !bitutil.BitIsSet(bm, off+int(r)) {
			c.offsets = append(c.offsets, int32(len(c.data)))
			c.lens, c.words = append(c.lens, -1), append(c.words, 0)
			continue
		}
		o, e := int(offsets[r]), int(offsets[r+1])
		if len(c.data)+e-o > math.MaxInt32 {
			return errKeysTooLarge
		}
		var w uint64
		if e-o <= 8 {
			w = packBytes(data, o, e-o)
		}
		c.data = append(c.data, data[o:e]...)
		c.offsets = append(c.offsets, int32(len(c.data)))
		c.lens, c.words = append(c.lens, int32(e-o)), append(c.words, w)
	}
	return nil
}

func (c *bytesKeys) differ(arr arrow.Array, rows, groups []int32, differ []bool) {
	offsets, data := bytesView(arr)
	bm, off := nullBitmap(arr)
	for k, r := range rows {
		g := groups[k]
		o, n := 0, -1
		if bm == nil || bitutil.BitIsSet(bm, off+int(r)) {
			o = int(offsets[r])
			n = int(offsets[r+1]) - o
		}
		switch {
		case n != int(c.lens[g]):
			differ[k] = true
		case n > 8:
			so := int(c.offsets[g])
			differ[k] = differ[k] || !bytes.Equal(data[o:o+n], c.data[so:so+n])
		case n >= 0:
			differ[k] = differ[k] || packBytes(data, o, n) != c.words[g]
		}
	}
}

func (c *bytesKeys) build(mem memory.Allocator, t arrow.DataType) arrow.Array {
	valid := make([]bool, len(c.lens))
	for g, n := range c.lens {
		valid[g] = n >= 0
	}
	return bytesArrayOf(mem, t, c.offsets, c.data, valid)
}

func (c *bytesKeys) size() int64 {
	return int64(cap(c.offsets)+cap(c.lens))*4 + int64(cap(c.words))*8 + int64(cap(c.data))
}
