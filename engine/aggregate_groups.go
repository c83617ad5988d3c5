package engine

import (
	"bytes"
	"errors"
	"fmt"
	"hash/maphash"
	"math"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/bitutil"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// A groupTable numbers the distinct keys it is shown: group ids are 0, 1,
// 2, ... in the order in which keys first appear (but for the rare key of
// a rowTable whose hash equals another key's, which is numbered when its
// batch is done). NULL keys are equal to each other. Tables are
// open-addressed hash tables of group ids with linear probing; the keys
// live in typed slices indexed by group id.
type groupTable interface {
	// find sets ids[i] to the group of row i of the key columns, adding a
	// group for each key not seen before.
	find(keys []arrow.Array, ids []int32) error
	// len is the number of groups.
	len() int
	// size is the number of bytes the table holds.
	size() int64
	// build returns the key columns: one row per group, in group order.
	build(mem memory.Allocator) ([]arrow.Array, error)
}

// maxGroups bounds the groups of one table: ids are int32.
const maxGroups = math.MaxInt32 - 1

// errKeysTooLarge reports strings beyond what one Arrow string array
// holds.
var errKeysTooLarge = errors.New("engine: hash aggregate strings take more than 2 GiB")

// minSlots is the number of slots a table starts with.
const minSlots = 64

// groupKeyType reports whether values of type t can be group keys (and
// DISTINCT arguments).
func groupKeyType(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64,
		arrow.DATE32, arrow.DATE64, arrow.TIMESTAMP,
		arrow.FLOAT32, arrow.FLOAT64, arrow.BOOL, arrow.DECIMAL128,
		arrow.STRING, arrow.BINARY:
		return true
	}
	return false
}

// newGroupTable returns a table for keys of the given types: one that
// holds a single group when there are none, specialised tables for a
// single integer-like or string key, and a general one otherwise.
func newGroupTable(types []arrow.DataType, seed maphash.Seed) (groupTable, error) {
	for _, t := range types {
		if !groupKeyType(t) {
			return nil, fmt.Errorf("engine: values of type %s cannot be group keys", t)
		}
	}
	if len(types) == 0 {
		return singleGroup{}, nil
	}
	if len(types) == 1 {
		switch types[0].ID() {
		case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
			arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64,
			arrow.DATE32, arrow.DATE64, arrow.TIMESTAMP:
			return newIntTable(types[0]), nil
		case arrow.STRING, arrow.BINARY:
			return newBytesTable(types[0], seed), nil
		}
	}
	return newRowTable(types, seed), nil
}

// checkRoom fails when adding rows more groups to a table of n could
// overflow group ids.
func checkRoom(n, rows int) error {
	if n > maxGroups-rows {
		return fmt.Errorf("engine: hash aggregate has more than %d groups", maxGroups)
	}
	return nil
}

// singleGroup is the table of an aggregate without keys: every row is in
// group 0, which exists even when no rows do.
type singleGroup struct{}

func (singleGroup) find(_ []arrow.Array, ids []int32) error {
	clear(ids)
	return nil
}

func (singleGroup) len() int                                      { return 1 }
func (singleGroup) size() int64                                   { return 0 }
func (singleGroup) build(memory.Allocator) ([]arrow.Array, error) { return nil, nil }

// intSlot is a slot of an intTable: a key and its group id plus one (zero
// marks a free slot).
type intSlot struct {
	key int64
	id  int32
}

// intTable groups by one integer-like key (integers, dates, timestamps),
// held as int64: the slots hold the keys themselves, so a lookup touches
// one cache line.
type intTable struct {
	typ   arrow.DataType
	slots []intSlot
	mask  uint64
	keys  []int64 // by group id
	null  int32   // the group of the NULL key, or -1
}

func newIntTable(t arrow.DataType) *intTable {
	return &intTable{typ: t, slots: make([]intSlot, minSlots), mask: minSlots - 1, null: -1}
}

func (t *intTable) len() int { return len(t.keys) }

func (t *intTable) size() int64 { return int64(cap(t.slots))*16 + int64(cap(t.keys))*8 }

func (t *intTable) find(keys []arrow.Array, ids []int32) error {
	arr := keys[0]
	if err := checkRoom(len(t.keys), len(ids)); err != nil {
		return err
	}
	if arr.NullN() == arr.Len() {
		for i := range ids {
			ids[i] = t.nullGroup()
		}
		return nil
	}
	d := arr.Data()
	switch arr.DataType().ID() {
	case arrow.INT8:
		findInts(t, arrow.GetValues[int8](d, 1), arr, ids)
	case arrow.UINT8:
		findInts(t, arrow.GetValues[uint8](d, 1), arr, ids)
	case arrow.INT16:
		findInts(t, arrow.GetValues[int16](d, 1), arr, ids)
	case arrow.UINT16:
		findInts(t, arrow.GetValues[uint16](d, 1), arr, ids)
	case arrow.INT32, arrow.DATE32:
		findInts(t, arrow.GetValues[int32](d, 1), arr, ids)
	case arrow.UINT32:
		findInts(t, arrow.GetValues[uint32](d, 1), arr, ids)
	case arrow.INT64, arrow.DATE64, arrow.TIMESTAMP:
		findInts(t, arrow.GetValues[int64](d, 1), arr, ids)
	case arrow.UINT64:
		findInts(t, arrow.GetValues[uint64](d, 1), arr, ids)
	default:
		return fmt.Errorf("engine: integer group table cannot hold %s", arr.DataType())
	}
	return nil
}

func findInts[T integer](t *intTable, vals []T, arr arrow.Array, ids []int32) {
	bm, off := nullBitmap(arr)
	slots, mask := t.slots, t.mask
	// Sorted and clustered inputs repeat keys: a row with the key of the
	// row before needs no lookup.
	last, lastID := int64(0), int32(-1)
	for i, v := range vals[:len(ids)] {
		if bm != nil && !bitutil.BitIsSet(bm, off+i) {
			ids[i] = t.nullGroup()
			continue
		}
		k := int64(v)
		if k == last && lastID >= 0 {
			ids[i] = lastID
			continue
		}
		h := fmix64(uint64(k)) & mask
		for {
			s := &slots[h]
			if s.id == 0 {
				if len(t.keys) >= len(slots)/2 {
					t.grow()
					slots, mask = t.slots, t.mask
					h = fmix64(uint64(k)) & mask
					continue
				}
				id := int32(len(t.keys))
				t.keys = append(t.keys, k)
				s.key, s.id = k, id+1
				ids[i] = id
				last, lastID = k, id
				break
			}
			if s.key == k {
				ids[i] = s.id - 1
				last, lastID = k, s.id-1
				break
			}
			h = (h + 1) & mask
		}
	}
}

// nullGroup returns the group of the NULL key, adding it when needed. The
// NULL group has no slot.
func (t *intTable) nullGroup() int32 {
	if t.null < 0 {
		t.null = int32(len(t.keys))
		t.keys = append(t.keys, 0)
	}
	return t.null
}

func (t *intTable) grow() {
	slots := make([]intSlot, 2*len(t.slots))
	mask := uint64(len(slots) - 1)
	for _, s := range t.slots {
		if s.id == 0 {
			continue
		}
		h := fmix64(uint64(s.key)) & mask
		for slots[h].id != 0 {
			h = (h + 1) & mask
		}
		slots[h] = s
	}
	t.slots, t.mask = slots, mask
}

func (t *intTable) build(mem memory.Allocator) ([]arrow.Array, error) {
	var valid []bool
	if t.null >= 0 {
		valid = make([]bool, len(t.keys))
		for i := range valid {
			valid[i] = true
		}
		valid[t.null] = false
	}
	var a arrow.Array
	switch t.typ.ID() {
	case arrow.INT8:
		a = fixedArrayConv[int8](mem, t.typ, t.keys, valid)
	case arrow.UINT8:
		a = fixedArrayConv[uint8](mem, t.typ, t.keys, valid)
	case arrow.INT16:
		a = fixedArrayConv[int16](mem, t.typ, t.keys, valid)
	case arrow.UINT16:
		a = fixedArrayConv[uint16](mem, t.typ, t.keys, valid)
	case arrow.INT32, arrow.DATE32:
		a = fixedArrayConv[int32](mem, t.typ, t.keys, valid)
	case arrow.UINT32:
		a = fixedArrayConv[uint32](mem, t.typ, t.keys, valid)
	case arrow.UINT64:
		a = fixedArrayConv[uint64](mem, t.typ, t.keys, valid)
	default:
		a = fixedArrayOf(mem, t.typ, t.keys, valid)
	}
	return []arrow.Array{a}, nil
}

// hashSlot is a slot of a rowTable: the hash of a group's key and its id
// plus one (zero marks a free slot).
type hashSlot struct {
	hash uint64
	id   int32
}

// growHashSlots doubles a rowTable's slots.
func growHashSlots(old []hashSlot) ([]hashSlot, uint64) {
	slots := make([]hashSlot, 2*len(old))
	mask := uint64(len(slots) - 1)
	for _, s := range old {
		if s.id == 0 {
			continue
		}
		h := s.hash & mask
		for slots[h].id != 0 {
			h = (h + 1) & mask
		}
		slots[h] = s
	}
	return slots, mask
}

// bytesSlot is a slot of a bytesTable: a group's id plus one (zero marks
// a free slot), the length of its key, and the key itself packed into a
// word when it has at most 8 bytes (see packBytes), its hash otherwise.
// Short keys, the common case, compare without touching the key bytes.
type bytesSlot struct {
	word uint64
	id   int32
	n    int32
}

// bytesTable groups by one string or binary key. Keys are stored end to
// end, as the data and offsets of the Arrow array they become.
type bytesTable struct {
	typ     arrow.DataType
	seed    maphash.Seed
	k       uint64 // seedWord(seed)
	slots   []bytesSlot
	mask    uint64
	offsets []int32 // one more than groups
	data    []byte
	null    int32 // the group of the NULL key, or -1
}

func newBytesTable(t arrow.DataType, seed maphash.Seed) *bytesTable {
	return &bytesTable{
		typ: t, seed: seed, k: seedWord(seed), slots: make([]bytesSlot, minSlots), mask: minSlots - 1,
		offsets: []int32{0}, null: -1,
	}
}

func (t *bytesTable) len() int { return len(t.offsets) - 1 }

func (t *bytesTable) size() int64 {
	return int64(cap(t.slots))*16 + int64(cap(t.offsets))*4 + int64(cap(t.data))
}

// home returns the slot where probing for a key starts.
func (t *bytesTable) home(word uint64, n int) uint64 {
	if n <= 8 {
		return hashPacked(t.k, word, n) & t.mask
	}
	return word & t.mask
}

func (t *bytesTable) find(keys []arrow.Array, ids []int32) error {
	arr := keys[0]
	if err := checkRoom(t.len(), len(ids)); err != nil {
		return err
	}
	if arr.NullN() == arr.Len() {
		for i := range ids {
			ids[i] = t.nullGroup()
		}
		return nil
	}
	offsets, data := bytesView(arr)
	bm, off := nullBitmap(arr)
	for i := range ids {
		if bm != nil && !bitutil.BitIsSet(bm, off+i) {
			ids[i] = t.nullGroup()
			continue
		}
		o, e := int(offsets[i]), int(offsets[i+1])
		n := e - o
		var word uint64
		if n <= 8 {
			word = packBytes(data, o, n)
		} else {
			word = maphash.Bytes(t.seed, data[o:e])
		}
		h := t.home(word, n)
		for {
			s := &t.slots[h]
			if s.id == 0 {
				if t.len() >= len(t.slots)/2 {
					t.grow()
					h = t.home(word, n)
					continue
				}
				if len(t.data)+n > math.MaxInt32 {
					return errKeysTooLarge
				}
				id := int32(t.len())
				t.data = append(t.data, data[o:e]...)
				t.offsets = append(t.offsets, int32(len(t.data)))
				*s = bytesSlot{word: word, id: id + 1, n: int32(n)}
				ids[i] = id
				break
			}
			if s.word == word && int(s.n) == n {
				g := s.id - 1
				if n <= 8 || bytes.Equal(t.data[t.offsets[g]:t.offsets[g+1]], data[o:e]) {
					ids[i] = g
					break
				}
			}
			h = (h + 1) & t.mask
		}
	}
	return nil
}

// nullGroup returns the group of the NULL key, adding it when needed. The
// NULL group has no slot and an empty value.
func (t *bytesTable) nullGroup() int32 {
	if t.null < 0 {
		t.null = int32(t.len())
		t.offsets = append(t.offsets, int32(len(t.data)))
	}
	return t.null
}

func (t *bytesTable) grow() {
	old := t.slots
	t.slots = make([]bytesSlot, 2*len(old))
	t.mask = uint64(len(t.slots) - 1)
	for _, s := range old {
		if s.id == 0 {
			continue
		}
		h := t.home(s.word, int(s.n))
		for t.slots[h].id != 0 {
			h = (h + 1) & t.mask
		}
		t.slots[h] = s
	}
}

func (t *bytesTable) build(mem memory.Allocator) ([]arrow.Array, error) {
	var valid []bool
	if t.null >= 0 {
		valid = make([]bool, t.len())
		for i := range valid {
			valid[i] = true
		}
		valid[t.null] = false
	}
	return []arrow.Array{bytesArrayOf(mem, t.typ, t.offsets, t.data, valid)}, nil
}
