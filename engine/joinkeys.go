package engine

import (
	"fmt"
	"hash/maphash"
	"math"
	"slices"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
)

// joinKeys holds the key columns of a batch, or of a join's build side,
// normalised for hashing and comparing: each fixed-width key becomes a
// column of 64-bit words (a decimal becomes two), each string or binary key
// a column of Go strings viewing the Arrow data. Keys equal in SQL are
// equal here: -0 equals 0 and NaN equals NaN, as DuckDB has it.
type joinKeys struct {
	n      int
	words  [][]uint64
	strs   [][]string
	nulls  []bool   // nulls[i] says row i has a NULL key; nil when none has
	hashes []uint64 // set by hash for string and multi-column keys

	nullBuf []bool // reused for nulls
}

// load normalises the key columns cols, reusing k's buffers.
func (k *joinKeys) load(cols []arrow.Array) error {
	n := cols[0].Len()
	k.n = n
	nw, ns := 0, 0
	k.nulls = nil
	for _, a := range cols {
		if a.NullN() > 0 {
			k.nullBuf = sizedSlice(k.nullBuf, n)
			k.nulls = k.nullBuf
			clear(k.nulls)
			break
		}
	}
	word := func() []uint64 {
		if nw == len(k.words) {
			k.words = append(k.words, nil)
		}
		k.words[nw] = sizedSlice(k.words[nw], n)
		nw++
		return k.words[nw-1]
	}
	for _, a := range cols {
		if k.nulls != nil && a.NullN() > 0 {
			for i := range n {
				if a.IsNull(i) {
					k.nulls[i] = true
				}
			}
		}
		switch a := a.(type) {
		case *array.Int8:
			signedWords(word(), a.Int8Values())
		case *array.Int16:
			signedWords(word(), a.Int16Values())
		case *array.Int32:
			signedWords(word(), a.Int32Values())
		case *array.Int64:
			signedWords(word(), a.Int64Values())
		case *array.Date32:
			signedWords(word(), a.Date32Values())
		case *array.Date64:
			signedWords(word(), a.Date64Values())
		case *array.Timestamp:
			signedWords(word(), a.TimestampValues())
		case *array.Time32:
			signedWords(word(), a.Time32Values())
		case *array.Time64:
			signedWords(word(), a.Time64Values())
		case *array.Duration:
			signedWords(word(), a.DurationValues())
		case *array.Uint8:
			unsignedWords(word(), a.Uint8Values())
		case *array.Uint16:
			unsignedWords(word(), a.Uint16Values())
		case *array.Uint32:
			unsignedWords(word(), a.Uint32Values())
		case *array.Uint64:
			unsignedWords(word(), a.Uint64Values())
		case *array.Float32:
			w := word()
			for i, v := range a.Float32Values() {
				w[i] = floatWord(float64(v))
			}
		case *array.Float64:
			w := word()
			for i, v := range a.Float64Values() {
				w[i] = floatWord(v)
			}
		case *array.Boolean:
			w := word()
			for i := range w {
				w[i] = 0
				if a.Value(i) {
					w[i] = 1
				}
			}
		case *array.Decimal128:
			lo, hi := word(), word()
			for i, v := range a.Values() {
				lo[i], hi[i] = v.LowBits(), uint64(v.HighBits())
			}
		case *array.String, *array.LargeString, *array.Binary, *array.LargeBinary:
			if ns == len(k.strs) {
				k.strs = append(k.strs, nil)
			}
			k.strs[ns] = sizedSlice(k.strs[ns], n)
			stringViews(k.strs[ns], a)
			ns++
		default:
			return fmt.Errorf("engine: cannot join on keys of type %s", a.DataType())
		}
	}
	k.words, k.strs = k.words[:nw], k.strs[:ns]
	return nil
}

func sizedSlice[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

func signedWords[T ~int8 | ~int16 | ~int32 | ~int64](w []uint64, vals []T) {
	for i, v := range vals {
		w[i] = uint64(int64(v))
	}
}

func unsignedWords[T ~uint8 | ~uint16 | ~uint32 | ~uint64](w []uint64, vals []T) {
	for i, v := range vals {
		w[i] = uint64(v)
	}
}

// floatWord maps equal floats to equal words: -0 to 0 and every NaN to one
// NaN.
func floatWord(v float64) uint64 {
	switch {
	case v == 0:
		return 0
	case v != v:
		return math.Float64bits(math.NaN())
	}
	return math.Float64bits(v)
}

func stringViews(dst []string, a arrow.Array) {
	switch a := a.(type) {
	case *array.String:
		for i := range dst {
			dst[i] = a.Value(i)
		}
	case *array.LargeString:
		for i := range dst {
			dst[i] = a.Value(i)
		}
	case *array.Binary:
		for i := range dst {
			dst[i] = a.ValueString(i)
		}
	case *array.LargeBinary:
		for i := range dst {
			dst[i] = a.ValueString(i)
		}
	}
}

// wordHash is MurmurHash3's 64-bit finaliser: fast, and it mixes every
// input bit into every output bit.
func wordHash(k uint64) uint64 {
	k ^= k >> 33
	k *= 0xff51afd7ed558ccd
	k ^= k >> 33
	k *= 0xc4ceb9fe1a85ec53
	k ^= k >> 33
	return k
}

// singleWord reports whether the keys are one fixed-width column, hashed
// inline by the probe loops; singleString whether they are one string
// column.
func (k *joinKeys) singleWord() bool   { return len(k.words) == 1 && len(k.strs) == 0 }
func (k *joinKeys) singleString() bool { return len(k.words) == 0 && len(k.strs) == 1 }

// hash sets k.hashes for string and multi-column keys.
func (k *joinKeys) hash(seed maphash.Seed) {
	if k.singleWord() {
		return
	}
	k.hashes = sizedSlice(k.hashes, k.n)
	h := k.hashes
	if k.singleString() {
		for i, s := range k.strs[0][:k.n] {
			h[i] = maphash.String(seed, s)
		}
		return
	}
	clear(h)
	for _, w := range k.words {
		for i, v := range w[:k.n] {
			h[i] = wordHash(h[i]*0x9e3779b97f4a7c15 ^ v)
		}
	}
	for _, s := range k.strs {
		for i, v := range s[:k.n] {
			h[i] = wordHash(h[i]*0x9e3779b97f4a7c15 ^ maphash.String(seed, v))
		}
	}
}

// joinTable is a join's build side keys in a chained hash table. Rows
// with a NULL key are left out of the chains (they never match) and listed
// in nullRows. Each chain link sits next to the key it leads from, so that
// following a chain touches one entry per row: the words of one
// fixed-width key, the strings and hashes of one string key, or for
// several keys the hashes (the keys themselves are compared in keys).
type joinTable struct {
	keys     joinKeys
	seed     maphash.Seed
	buckets  []int32 // first row of each bucket's chain, -1 if none
	mask     uint64
	nullRows []int32

	words []wordEntry   // one fixed-width key
	strs  []stringEntry // one string key
	multi []multiEntry  // several keys
}

type wordEntry struct {
	key  uint64
	next int32 // the next row of the chain, -1 at the end
}

type stringEntry struct {
	key  string
	hash uint64
	next int32
}

type multiEntry struct {
	hash uint64
	next int32
}

// newJoinTable hashes the build side's key columns.
func newJoinTable(cols []arrow.Array) (*joinTable, error) {
	t := &joinTable{seed: maphash.MakeSeed()}
	k := &t.keys
	if err := k.load(cols); err != nil {
		return nil, err
	}
	n := k.n
	if n > math.MaxInt32-1 {
		return nil, fmt.Errorf("engine: join build side has %d rows, more than the %d supported", n, math.MaxInt32-1)
	}
	k.hash(t.seed)
	size := 1
	for size < 2*n {
		size <<= 1
	}
	t.mask = uint64(size - 1)
	t.buckets = make([]int32, size)
	for i := range t.buckets {
		t.buckets[i] = -1
	}
	switch {
	case k.singleWord():
		t.words = make([]wordEntry, n)
		for i, v := range k.words[0][:n] {
			t.words[i].key = v
		}
	case k.singleString():
		t.strs = make([]stringEntry, n)
		for i, v := range k.strs[0][:n] {
			t.strs[i].key, t.strs[i].hash = v, k.hashes[i]
		}
	default:
		t.multi = make([]multiEntry, n)
		for i, h := range k.hashes[:n] {
			t.multi[i].hash = h
		}
	}
	// Insert backwards so that each chain lists rows in build order.
	for i := n - 1; i >= 0; i-- {
		if k.nulls != nil && k.nulls[i] {
			t.nullRows = append(t.nullRows, int32(i))
			continue
		}
		switch {
		case t.words != nil:
			b := wordHash(t.words[i].key) & t.mask
			t.words[i].next, t.buckets[b] = t.buckets[b], int32(i)
		case t.strs != nil:
			b := t.strs[i].hash & t.mask
			t.strs[i].next, t.buckets[b] = t.buckets[b], int32(i)
		default:
			b := t.multi[i].hash & t.mask
			t.multi[i].next, t.buckets[b] = t.buckets[b], int32(i)
		}
	}
	slices.Reverse(t.nullRows)
	if t.multi == nil {
		// The entries hold the keys now.
		k.words, k.strs, k.hashes = nil, nil, nil
	}
	return t, nil
}

// size is the number of bytes the table holds besides the build record.
func (t *joinTable) size() int64 {
	n := int64(t.keys.n)
	b := int64(len(t.buckets))*4 + int64(len(t.nullRows))*4 + int64(len(t.keys.nulls))
	switch {
	case t.words != nil:
		return b + n*16
	case t.strs != nil:
		return b + n*32
	}
	return b + n*16 + n*8*int64(len(t.keys.words)+1) + n*16*int64(len(t.keys.strs))
}

// probeCursor is where the enumeration of a probe batch's pairs stands:
// the probe row, and the next build row of its chain (-2 before the chain
// is looked up).
type probeCursor struct {
	row   int
	chain int32
}

// pairs appends the pairs of probe rows p and build rows with equal keys,
// from cur on, until pi is full or the batch has no more (done). Probe rows
// with skip set are passed over when their chain is looked up.
func (t *joinTable) pairs(p *joinKeys, cur *probeCursor, pi, bi []int32, skip []bool) (_, _ []int32, done bool) {
	switch {
	case t.words != nil:
		return t.pairsWord(p, cur, pi, bi, skip)
	case t.strs != nil:
		return t.pairsString(p, cur, pi, bi, skip)
	}
	return t.pairsMulti(p, cur, pi, bi, skip)
}

// probeGroup is how many probe rows have their chains looked up at once.
// The lookups are independent loads, so their cache misses overlap.
const probeGroup = 64

func (t *joinTable) pairsWord(p *joinKeys, cur *probeCursor, pi, bi []int32, skip []bool) (_, _ []int32, done bool) {
	pk, entries := p.words[0][:p.n], t.words
	buckets, mask, nulls := t.buckets, t.mask, p.nulls
	var heads [probeGroup]int32
	for i := cur.row; i < len(pk); i += probeGroup {
		group := pk[i:min(i+probeGroup, len(pk))]
		for g, k := range group {
			heads[g] = buckets[wordHash(k)&mask]
		}
		if cur.chain != -2 {
			heads[0], cur.chain = cur.chain, -2 // resume inside a chain
		}
		for g, k := range group {
			if (nulls != nil && nulls[i+g]) || (skip != nil && skip[i+g]) {
				continue
			}
			for j := heads[g]; j >= 0; {
				e := &entries[j]
				if e.key == k {
					if len(pi) == cap(pi) {
						cur.row, cur.chain = i+g, j
						return pi, bi, false
					}
					pi, bi = append(pi, int32(i+g)), append(bi, j)
				}
				j = e.next
			}
		}
	}
	cur.row, cur.chain = len(pk), -2
	return pi, bi, true
}

func (t *joinTable) pairsString(p *joinKeys, cur *probeCursor, pi, bi []int32, skip []bool) (_, _ []int32, done bool) {
	pk, ph, entries := p.strs[0][:p.n], p.hashes, t.strs
	buckets, mask, nulls := t.buckets, t.mask, p.nulls
	var heads [probeGroup]int32
	var firsts [probeGroup]uint64
	for i := cur.row; i < len(pk); i += probeGroup {
		group := ph[i:min(i+probeGroup, len(pk))]
		for g, h := range group {
			heads[g] = buckets[h&mask]
		}
		if cur.chain != -2 {
			heads[0], cur.chain = cur.chain, -2
		}
		// Load the first entry of every chain before comparing any.
		for g := range group {
			if j := heads[g]; j >= 0 {
				firsts[g] = entries[j].hash
			}
		}
		for g, h := range group {
			if (nulls != nil && nulls[i+g]) || (skip != nil && skip[i+g]) {
				continue
			}
			j := heads[g]
			if j >= 0 && firsts[g] != h {
				j = entries[j].next
			}
			for j >= 0 {
				e := &entries[j]
				if e.hash == h && e.key == pk[i+g] {
					if len(pi) == cap(pi) {
						cur.row, cur.chain = i+g, j
						return pi, bi, false
					}
					pi, bi = append(pi, int32(i+g)), append(bi, j)
				}
				j = e.next
			}
		}
	}
	cur.row, cur.chain = len(pk), -2
	return pi, bi, true
}

func (t *joinTable) pairsMulti(p *joinKeys, cur *probeCursor, pi, bi []int32, skip []bool) (_, _ []int32, done bool) {
	ph, entries := p.hashes, t.multi
	buckets, mask, nulls := t.buckets, t.mask, p.nulls
	i, j := cur.row, cur.chain
	for ; i < p.n; i, j = i+1, -2 {
		h := ph[i]
		if j == -2 {
			if (nulls != nil && nulls[i]) || (skip != nil && skip[i]) {
				continue
			}
			j = buckets[h&mask]
		}
		for j >= 0 {
			e := &entries[j]
			if e.hash == h && t.equal(p, i, int(j)) {
				if len(pi) == cap(pi) {
					cur.row, cur.chain = i, j
					return pi, bi, false
				}
				pi, bi = append(pi, int32(i)), append(bi, j)
			}
			j = e.next
		}
	}
	cur.row, cur.chain = i, -2
	return pi, bi, true
}

// equal reports whether probe row i has the keys of build row j, for
// several keys.
func (t *joinTable) equal(p *joinKeys, i, j int) bool {
	for c, w := range p.words {
		if w[i] != t.keys.words[c][j] {
			return false
		}
	}
	for c, s := range p.strs {
		if s[i] != t.keys.strs[c][j] {
			return false
		}
	}
	return true
}

// mark sets matched[i] for every probe row whose key is in the table.
func (t *joinTable) mark(p *joinKeys, matched []bool) {
	nulls, buckets, mask := p.nulls, t.buckets, t.mask
	switch {
	case t.words != nil:
		for i, k := range p.words[0][:p.n] {
			if nulls != nil && nulls[i] {
				continue
			}
			for j := buckets[wordHash(k)&mask]; j >= 0; j = t.words[j].next {
				if t.words[j].key == k {
					matched[i] = true
					break
				}
			}
		}
	case t.strs != nil:
		ph := p.hashes
		for i, k := range p.strs[0][:p.n] {
			if nulls != nil && nulls[i] {
				continue
			}
			h := ph[i]
			for j := buckets[h&mask]; j >= 0; j = t.strs[j].next {
				if e := &t.strs[j]; e.hash == h && e.key == k {
					matched[i] = true
					break
				}
			}
		}
	default:
		ph := p.hashes
		for i := range p.n {
			if nulls != nil && nulls[i] {
				continue
			}
			h := ph[i]
			for j := buckets[h&mask]; j >= 0; j = t.multi[j].next {
				if t.multi[j].hash == h && t.equal(p, i, int(j)) {
					matched[i] = true
					break
				}
			}
		}
	}
}
