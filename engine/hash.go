package engine

import (
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"math"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/bitutil"
)

// fmix64 is MurmurHash3's finaliser: a fast, well-mixing bijection.
func fmix64(k uint64) uint64 {
	k ^= k >> 33
	k *= 0xff51afd7ed558ccd
	k ^= k >> 33
	k *= 0xc4ceb9fe1a85ec53
	k ^= k >> 33
	return k
}

// combine folds value v of the next key column into hash h.
func combine(h, v uint64) uint64 {
	return fmix64(h ^ (v + 0x9e3779b97f4a7c15 + h<<6 + h>>2))
}

// hashColumn folds the values of arr into hashes, one per row. The hash of
// a row where arr is NULL is unspecified; callers test validity separately,
// or use hashGroupColumn.
func hashColumn(seed maphash.Seed, arr arrow.Array, hashes []uint64) error {
	switch a := arr.(type) {
	case *array.Int64:
		hashInts(a.Int64Values(), hashes)
	case *array.Int32:
		hashInts(a.Int32Values(), hashes)
	case *array.Int16:
		hashInts(a.Int16Values(), hashes)
	case *array.Int8:
		hashInts(a.Int8Values(), hashes)
	case *array.Uint64:
		hashInts(a.Uint64Values(), hashes)
	case *array.Uint32:
		hashInts(a.Uint32Values(), hashes)
	case *array.Uint16:
		hashInts(a.Uint16Values(), hashes)
	case *array.Uint8:
		hashInts(a.Uint8Values(), hashes)
	case *array.Date32:
		hashInts(a.Date32Values(), hashes)
	case *array.Date64:
		hashInts(a.Date64Values(), hashes)
	case *array.Timestamp:
		hashInts(a.TimestampValues(), hashes)
	case *array.Float64:
		for i, v := range a.Float64Values() {
			hashes[i] = combine(hashes[i], floatBits(v))
		}
	case *array.Float32:
		for i, v := range a.Float32Values() {
			hashes[i] = combine(hashes[i], floatBits(float64(v)))
		}
	case *array.Boolean:
		for i := range hashes {
			if a.Value(i) {
				hashes[i] = combine(hashes[i], 1)
			} else {
				hashes[i] = combine(hashes[i], 0)
			}
		}
	case *array.Decimal128:
		for i, v := range a.Values() {
			hashes[i] = combine(combine(hashes[i], v.LowBits()), uint64(v.HighBits()))
		}
	case *array.String, *array.Binary:
		offsets, data := bytesView(arr)
		k := seedWord(seed)
		for i := range hashes {
			o, e := int(offsets[i]), int(offsets[i+1])
			// combine mixes, so short values go in as they are.
			var v uint64
			if n := e - o; n <= 8 {
				v = (packBytes(data, o, n) ^ k) + uint64(n)*0x9e3779b97f4a7c15
			} else {
				v = maphash.Bytes(seed, data[o:e])
			}
			hashes[i] = combine(hashes[i], v)
		}
	case *array.LargeString:
		for i := range hashes {
			hashes[i] = combine(hashes[i], maphash.String(seed, a.Value(i)))
		}
	default:
		return fmt.Errorf("engine: cannot hash keys of type %s", arr.DataType())
	}
	return nil
}

// seedWord derives from seed the word mixed into the hash of values of up
// to 8 bytes, which are hashed as packed words rather than with maphash.
func seedWord(seed maphash.Seed) uint64 { return maphash.String(seed, "") }

// hashPacked hashes a value of n <= 8 bytes packed by packBytes.
func hashPacked(k, packed uint64, n int) uint64 {
	return fmix64((packed ^ k) + uint64(n)*0x9e3779b97f4a7c15)
}

// packBytes returns the n <= 8 bytes data[o:o+n] as a little-endian word;
// with the length, it identifies the value.
func packBytes(data []byte, o, n int) uint64 {
	if o+8 <= len(data) {
		w := binary.LittleEndian.Uint64(data[o:])
		if n == 8 {
			return w
		}
		return w & (1<<(8*uint(n)) - 1)
	}
	var w uint64
	for j, b := range data[o : o+n] {
		w |= uint64(b) << (8 * j)
	}
	return w
}

// nullHash is what a NULL key contributes to a row's hash.
const nullHash = 0x6a09e667f3bcc908

// hashGroupColumn is hashColumn for grouping, where NULLs are equal: every
// NULL row folds in the same value. scratch has room for len(hashes).
func hashGroupColumn(seed maphash.Seed, arr arrow.Array, hashes, scratch []uint64) error {
	if arr.NullN() == 0 {
		return hashColumn(seed, arr, hashes)
	}
	scratch = scratch[:len(hashes)]
	copy(scratch, hashes)
	if arr.NullN() < arr.Len() {
		if err := hashColumn(seed, arr, hashes); err != nil {
			return err
		}
	}
	bm, off := arr.NullBitmapBytes(), arr.Data().Offset()
	for i := range hashes {
		if !bitutil.BitIsSet(bm, off+i) {
			hashes[i] = combine(scratch[i], nullHash)
		}
	}
	return nil
}

func hashInts[T int8 | int16 | int32 | int64 | uint8 | uint16 | uint32 | uint64 | arrow.Date32 | arrow.Date64 | arrow.Timestamp](vals []T, hashes []uint64) {
	for i, v := range vals {
		hashes[i] = combine(hashes[i], uint64(v))
	}
}

// floatBits maps equal floats to equal bits: -0 to 0 and every NaN to one
// NaN, so that they hash and compare as SQL groups them.
func floatBits(v float64) uint64 {
	if v == 0 {
		return 0
	}
	if v != v {
		return math.Float64bits(math.NaN())
	}
	return math.Float64bits(v)
}

// keyEqual returns a function reporting whether row i of a equals row j of
// b; a and b have the same type, and both rows are non-NULL.
func keyEqual(a, b arrow.Array) (func(i, j int) bool, error) {
	switch a := a.(type) {
	case *array.Int64:
		x, y := a.Int64Values(), b.(*array.Int64).Int64Values()
		return func(i, j int) bool { return x[i] == y[j] }, nil
	case *array.Int32:
		x, y := a.Int32Values(), b.(*array.Int32).Int32Values()
		return func(i, j int) bool { return x[i] == y[j] }, nil
	case *array.Int16:
		x, y := a.Int16Values(), b.(*array.Int16).Int16Values()
		return func(i, j int) bool { return x[i] == y[j] }, nil
	case *array.Int8:
		x, y := a.Int8Values(), b.(*array.Int8).Int8Values()
		return func(i, j int) bool { return x[i] == y[j] }, nil
	case *array.Uint64:
		x, y := a.Uint64Values(), b.(*array.Uint64).Uint64Values()
		return func(i, j int) bool { return x[i] == y[j] }, nil
	case *array.Uint32:
		x, y := a.Uint32Values(), b.(*array.Uint32).Uint32Values()
		return func(i, j int) bool { return x[i] == y[j] }, nil
	case *array.Date32:
		x, y := a.Date32Values(), b.(*array.Date32).Date32Values()
		return func(i, j int) bool { return x[i] == y[j] }, nil
	case *array.Date64:
		x, y := a.Date64Values(), b.(*array.Date64).Date64Values()
		return func(i, j int) bool { return x[i] == y[j] }, nil
	case *array.Timestamp:
		x, y := a.TimestampValues(), b.(*array.Timestamp).TimestampValues()
		return func(i, j int) bool { return x[i] == y[j] }, nil
	case *array.Float64:
		x, y := a.Float64Values(), b.(*array.Float64).Float64Values()
		return func(i, j int) bool { return floatBits(x[i]) == floatBits(y[j]) }, nil
	case *array.Float32:
		x, y := a.Float32Values(), b.(*array.Float32).Float32Values()
		return func(i, j int) bool { return floatBits(float64(x[i])) == floatBits(float64(y[j])) }, nil
	case *array.Boolean:
		y := b.(*array.Boolean)
		return func(i, j int) bool { return a.Value(i) == y.Value(j) }, nil
	case *array.Decimal128:
		x, y := a.Values(), b.(*array.Decimal128).Values()
		return func(i, j int) bool { return x[i] == y[j] }, nil
	case *array.String:
		y := b.(*array.String)
		return func(i, j int) bool { return a.Value(i) == y.Value(j) }, nil
	case *array.LargeString:
		y := b.(*array.LargeString)
		return func(i, j int) bool { return a.Value(i) == y.Value(j) }, nil
	case *array.Binary:
		y := b.(*array.Binary)
		return func(i, j int) bool { return string(a.Value(i)) == string(y.Value(j)) }, nil
	}
	return nil, fmt.Errorf("engine: cannot compare keys of type %s", a.DataType())
}
