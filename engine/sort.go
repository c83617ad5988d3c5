package engine

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// Sort orders all its input by Keys. It is stable: rows with equal keys
// keep their input order. It holds the whole input in memory, accounted
// against the query's memory limit.
type Sort struct {
	Input Operator
	Keys  []SortKey
}

// Schema implements Operator.
func (s *Sort) Schema() *arrow.Schema { return s.Input.Schema() }

// Children implements Operator.
func (s *Sort) Children() []Operator { return []Operator{s.Input} }

// Describe implements Operator.
func (s *Sort) Describe() string { return "Sort by " + describeKeys(s.Input.Schema(), s.Keys) }

// Open implements Operator.
func (s *Sort) Open(ctx context.Context, x *Exec) (Stream, error) {
	if _, err := newRowOrder(s.Input.Schema(), s.Keys); err != nil {
		return nil, err
	}
	in, err := s.Input.Open(ctx, x)
	if err != nil {
		return nil, err
	}
	return &sortStream{
		ctx:   ctx,
		s:     s,
		in:    in,
		mem:   x.mem(),
		batch: x.batchSize(),
		acct:  account{x: x, op: "sort"},
	}, nil
}

type sortStream struct {
	ctx   context.Context
	s     *Sort
	in    Stream
	mem   memory.Allocator
	batch int
	acct  account

	sorted bool
	err    error        // why sorting failed
	rec    arrow.Record // the whole input
	perm   []int32      // rows of rec in output order
	at     int          // next position in perm to emit
}

func (st *sortStream) Next() (arrow.Record, error) {
	if !st.sorted {
		st.sorted = true
		st.err = st.sort()
	}
	if st.err != nil {
		return nil, st.err
	}
	if err := st.ctx.Err(); err != nil {
		return nil, err
	}
	if st.at >= len(st.perm) {
		st.free()
		return nil, io.EOF
	}
	idx := st.perm[st.at:min(st.at+st.batch, len(st.perm))]
	st.at += len(idx)
	cols, err := takeColumns(st.mem, nil, st.rec, idx)
	defer releaseCols(cols)
	if err != nil {
		return nil, err
	}
	return array.NewRecord(st.s.Schema(), cols, int64(len(idx))), nil
}

// sort reads the input and computes the output order.
func (st *sortStream) sort() error {
	in := st.in
	st.in = nil
	rec, err := materialize(in, st.s.Schema(), st.mem, &st.acct)
	if err != nil {
		return err
	}
	st.rec = rec
	n := int(rec.NumRows())
	if n == 0 {
		return nil
	}
	if int64(n) > math.MaxInt32 {
		return fmt.Errorf("engine: sort input has %d rows, more than the %d supported", n, math.MaxInt32)
	}
	if err := st.ctx.Err(); err != nil {
		return err
	}
	order, err := newRowOrder(st.s.Schema(), st.s.Keys)
	if err != nil {
		return err
	}
	views, err := order.add(rec)
	if err != nil {
		return err
	}
	// The permutation stays; prefixes, scratch space and views go.
	scratch := views + int64(n)*(8+8+4)
	if err := st.acct.reserve(int64(n)*4 + scratch); err != nil {
		return err
	}
	st.perm = sortPermutation(order, n)
	st.acct.release(scratch)
	return nil
}

// free lets go of the input once everything is emitted.
func (st *sortStream) free() {
	if st.rec != nil {
		st.rec.Release()
		st.rec = nil
	}
	st.perm = nil
	st.acct.releaseAll()
}

func (st *sortStream) Close() error {
	var err error
	if st.in != nil {
		err = st.in.Close()
		st.in = nil
	}
	st.free()
	return err
}

// sortPermutation returns the rows 0..n-1 of chunk 0 of o in sorted order,
// equal rows in their input order.
func sortPermutation(o rowOrder, n int) []int32 {
	idx := make([]int32, n)
	for i := range idx {
		idx[i] = int32(i)
	}
	s := permSorter{o: o, pre: make([]uint64, n), tmpK: make([]uint64, n), tmpI: make([]int32, n)}
	s.sort(idx, 0, 0, 0)
	return idx
}

// maxStringDepth bounds the prefix depths (seven bytes each) a string key
// is radix-sorted by; rows still tied after that are compared.
const maxStringDepth = 8

// permSorter is a most-significant-first radix sort of row numbers by a
// list of keys. Rows are set apart by NULLs in the key, then sorted by the
// key's 64-bit prefixes with a stable radix sort; each run of equal
// prefixes is then sorted the same way by the key's next prefix depth when
// its values may still differ, else by the next key. Every step is stable,
// so rows that are equal in all keys keep their input order.
type permSorter struct {
	o    rowOrder
	pre  []uint64 // the prefixes of the rows being sorted
	tmpK []uint64 // scratch for the radix sort
	tmpI []int32
}

// sort orders idx, rows in input order that are equal in the keys before
// o[key], by o[key] from prefix depth on and then by the keys after it.
// off is where idx starts in the scratch slices.
func (s *permSorter) sort(idx []int32, off, key, depth int) {
	if len(idx) < 2 || key == len(s.o) {
		return
	}
	k := s.o[key]
	if depth == 0 && k.valid[0] != nil {
		var nulls []int32
		var nullOff int
		idx, off, nulls, nullOff = s.splitNulls(idx, off, k)
		s.sort(nulls, nullOff, key+1, 0)
	}
	if depth > maxStringDepth {
		slices.SortFunc(idx, s.o[key:].byRow())
		return
	}
	n := len(idx)
	pre := s.pre[off : off+n]
	k.prefixes(0, idx, depth, pre)
	sortByPrefix(pre, idx, s.tmpK[off:off+n], s.tmpI[off:off+n])
	for lo := 0; lo < n; {
		hi := lo + 1
		for hi < n && pre[hi] == pre[lo] {
			hi++
		}
		if hi-lo > 1 {
			if k.deeper(pre[lo], depth) {
				s.sort(idx[lo:hi], off+lo, key, depth+1)
			} else {
				s.sort(idx[lo:hi], off+lo, key+1, 0)
			}
		}
		lo = hi
	}
}

// splitNulls moves the rows where k is NULL to the end of idx, or to its
// start for NULLS FIRST, keeping the order within both parts. It returns
// the part with values and the part with NULLs, and their offsets.
func (s *permSorter) splitNulls(idx []int32, off int, k *orderKey) (vals []int32, valOff int, nulls []int32, nullOff int) {
	tmp := s.tmpI[off : off+len(idx)]
	nv := 0
	for _, r := range idx {
		if !k.isNull(0, int(r)) {
			tmp[nv] = r
			nv++
		}
	}
	nn := nv
	for _, r := range idx {
		if k.isNull(0, int(r)) {
			tmp[nn] = r
			nn++
		}
	}
	if !k.NullsFirst {
		copy(idx, tmp)
		return idx[:nv], off, idx[nv:], off + nv
	}
	copy(idx, tmp[nv:])
	copy(idx[len(idx)-nv:], tmp[:nv])
	nullCount := len(idx) - nv
	return idx[nullCount:], off + nullCount, idx[:nullCount], off
}

// byRow returns a comparison of rows of chunk 0 by the keys of o, then by
// row number, for sorting row numbers stably with an unstable sort.
func (o rowOrder) byRow() func(a, b int32) int {
	return func(a, b int32) int {
		if c := o.compare(0, int(a), 0, int(b)); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	}
}

// sortByPrefix sorts keys in ascending order, moving idx along; equal keys
// keep their order. tmpK and tmpI are scratch space as long as keys.
func sortByPrefix(keys []uint64, idx []int32, tmpK []uint64, tmpI []int32) {
	if len(keys) <= 64 {
		for i := 1; i < len(keys); i++ {
			k, x := keys[i], idx[i]
			j := i
			for ; j > 0 && keys[j-1] > k; j-- {
				keys[j], idx[j] = keys[j-1], idx[j-1]
			}
			keys[j], idx[j] = k, x
		}
		return
	}
	radixSort(keys, idx, tmpK, tmpI)
}

// radixSort is a least-significant-byte-first radix sort, stable, that
// skips the bytes in which all keys agree.
func radixSort(keys []uint64, idx []int32, tmpK []uint64, tmpI []int32) {
	n := len(keys)
	var counts [8][256]int
	for _, k := range keys {
		counts[0][byte(k)]++
		counts[1][byte(k>>8)]++
		counts[2][byte(k>>16)]++
		counts[3][byte(k>>24)]++
		counts[4][byte(k>>32)]++
		counts[5][byte(k>>40)]++
		counts[6][byte(k>>48)]++
		counts[7][byte(k>>56)]++
	}
	srcK, srcI := keys, idx
	dstK, dstI := tmpK, tmpI
	for b := range 8 {
		shift := uint(8 * b)
		c := &counts[b]
		if c[byte(srcK[0]>>shift)] == n {
			continue
		}
		sum := 0
		for d, v := range c {
			c[d] = sum
			sum += v
		}
		for i, k := range srcK {
			d := byte(k >> shift)
			p := c[d]
			c[d]++
			dstK[p], dstI[p] = k, srcI[i]
		}
		srcK, dstK = dstK, srcK
		srcI, dstI = dstI, srcI
	}
	if &srcK[0] != &keys[0] {
		copy(keys, srcK)
		copy(idx, srcI)
	}
}
