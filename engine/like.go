package engine

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/compute"
)

// Like is X LIKE Pattern, or X NOT LIKE Pattern with Not. In the pattern %
// matches any run of characters (also none), _ exactly one character (a
// Unicode code point; a byte that is not UTF-8 counts as one), and a
// backslash makes the next character literal (a trailing backslash is
// itself literal, as in MySQL); everything else matches itself,
// case-sensitively. The result is NULL when X or the pattern is.
//
// A constant pattern is compiled once; patterns of the forms 'abc',
// 'abc%', '%abc', '%abc%' and 'abc%xyz' take fast paths.
type Like struct {
	X, Pattern Expr
	Not        bool

	compiled likeCache
}

// Type implements Expr.
func (e *Like) Type() arrow.DataType { return arrow.FixedWidthTypes.Boolean }

// String implements Expr.
func (e *Like) String() string {
	op := " LIKE "
	if e.Not {
		op = " NOT LIKE "
	}
	return e.X.String() + op + e.Pattern.String()
}

// likeCache holds the matcher of a literal pattern.
type likeCache struct {
	once sync.Once
	m    *likeMatcher
}

// Eval implements Expr.
func (e *Like) Eval(ctx context.Context, rec arrow.Record) (compute.Datum, error) {
	ops, err := evalOperands(ctx, []Expr{e.X, e.Pattern}, rec)
	if err != nil {
		return nil, err
	}
	defer releaseOperands(ops)
	for _, op := range ops {
		if t := op.arr.DataType(); !isString(t) && !isNull(t) {
			return nil, fmt.Errorf("engine: %s: LIKE over %s", e, sqlTypeName(t))
		}
	}
	var fixed *likeMatcher
	if _, ok := e.Pattern.(*Lit); ok && isString(ops[1].arr.DataType()) && ops[1].isConst() && ops[1].arr.IsValid(0) {
		e.compiled.once.Do(func() {
			e.compiled.m = compileLike(ops[1].arr.(*array.String).Value(0))
		})
		fixed = e.compiled.m
	}
	return runKernel(ctx, arrow.FixedWidthTypes.Boolean, true, func(k *kernel, ops []operand) (arrow.Array, error) {
		return likeKernel(k, ops[0], ops[1], fixed, e.Not), nil
	}, ops)
}

func likeKernel(k *kernel, x, p operand, fixed *likeMatcher, not bool) arrow.Array {
	out := newBoolOut(k)
	xs := x.arr.(*array.String)
	if fixed == nil && p.isConst() {
		fixed = compileLike(p.arr.(*array.String).Value(0))
	}
	if fixed != nil {
		fixed.matchAll(xs, x.mask, k.n, not, out)
		return out.finish()
	}
	ps := p.arr.(*array.String)
	var m *likeMatcher
	last := ""
	for i := 0; i < k.n; i++ {
		if out.isNull(i) {
			continue
		}
		if pat := ps.Value(i & p.mask); m == nil || pat != last {
			m, last = compileLike(pat), pat
		}
		out.set(i, m.match(xs.Value(i&x.mask)) != not)
	}
	return out.finish()
}

// likeKind selects a matcher's strategy.
type likeKind int

const (
	likeAny      likeKind = iota // %
	likeExact                    // abc
	likePrefix                   // abc%
	likeSuffix                   // %abc
	likeContains                 // %abc%
	likeBoth                     // abc%xyz
	likeGeneral                  // anything else
)

// likeItem is a run of literal bytes or, when lit is empty, n single-
// character wildcards.
type likeItem struct {
	lit string
	n   int
}

// likeSeg is a part of a pattern between % signs.
type likeSeg []likeItem

// likeMatcher is a compiled LIKE pattern.
type likeMatcher struct {
	kind     likeKind
	pre, suf string // literal prefix and suffix for the fast paths
	segs     []likeSeg
	// anchored at the start (no leading %) and at the end (no trailing %).
	startAnchored, endAnchored bool
}

// compileLike compiles a pattern.
func compileLike(p string) *likeMatcher {
	var segs []likeSeg
	var cur likeSeg
	var lit strings.Builder
	flushLit := func() {
		if lit.Len() > 0 {
			cur = append(cur, likeItem{lit: lit.String()})
			lit.Reset()
		}
	}
	leading, trailing := len(p) > 0 && p[0] == '%', false
	for i := 0; i < len(p); i++ {
		c := p[i]
		trailing = false
		switch c {
		case '\\':
			if i+1 < len(p) {
				i++
			}
			lit.WriteByte(p[i])
		case '_':
			flushLit()
			if n := len(cur); n > 0 && cur[n-1].lit == "" {
				cur[n-1].n++
			} else {
				cur = append(cur, likeItem{n: 1})
			}
		case '%':
			flushLit()
			segs = append(segs, cur)
			cur = nil
			trailing = true
		default:
			lit.WriteByte(c)
		}
	}
	flushLit()
	segs = append(segs, cur)
	m := &likeMatcher{startAnchored: !leading, endAnchored: !trailing}
	// Drop empty segments (from leading, trailing or repeated %).
	for _, s := range segs {
		if len(s) > 0 {
			m.segs = append(m.segs, s)
		}
	}
	literal := func(s likeSeg) (string, bool) {
		if len(s) == 1 && s[0].lit != "" {
			return s[0].lit, true
		}
		return "", len(s) == 0
	}
	switch len(m.segs) {
	case 0:
		if m.startAnchored && m.endAnchored {
			m.kind = likeExact // the empty pattern matches only ''
		} else {
			m.kind = likeAny
		}
		return m
	case 1:
		s, ok := literal(m.segs[0])
		if !ok {
			break
		}
		switch {
		case m.startAnchored && m.endAnchored:
			m.kind, m.pre = likeExact, s
		case m.startAnchored:
			m.kind, m.pre = likePrefix, s
		case m.endAnchored:
			m.kind, m.suf = likeSuffix, s
		default:
			m.kind, m.pre = likeContains, s
		}
		return m
	case 2:
		a, okA := literal(m.segs[0])
		b, okB := literal(m.segs[1])
		if okA && okB && m.startAnchored && m.endAnchored {
			m.kind, m.pre, m.suf = likeBoth, a, b
			return m
		}
	}
	m.kind = likeGeneral
	return m
}

// matchAll sets out's bit i to whether row i of xs matches (or does not,
// with not) for rows that are not NULL.
func (m *likeMatcher) matchAll(xs *array.String, mask, n int, not bool, out *boolOut) {
	switch m.kind {
	case likeContains:
		for i := 0; i < n; i++ {
			out.set(i, strings.Contains(xs.Value(i&mask), m.pre) != not)
		}
	case likePrefix:
		for i := 0; i < n; i++ {
			out.set(i, strings.HasPrefix(xs.Value(i&mask), m.pre) != not)
		}
	case likeSuffix:
		for i := 0; i < n; i++ {
			out.set(i, strings.HasSuffix(xs.Value(i&mask), m.suf) != not)
		}
	case likeExact:
		for i := 0; i < n; i++ {
			out.set(i, (xs.Value(i&mask) == m.pre) != not)
		}
	default:
		for i := 0; i < n; i++ {
			out.set(i, m.match(xs.Value(i&mask)) != not)
		}
	}
	// Rows that are NULL keep a cleared value bit.
	if out.valid != nil {
		for i := 0; i < n; i++ {
			if out.isNull(i) {
				out.setNull(i)
			}
		}
	}
}

// match reports whether s matches the pattern.
func (m *likeMatcher) match(s string) bool {
	switch m.kind {
	case likeAny:
		return true
	case likeExact:
		return s == m.pre
	case likePrefix:
		return strings.HasPrefix(s, m.pre)
	case likeSuffix:
		return strings.HasSuffix(s, m.suf)
	case likeContains:
		return strings.Contains(s, m.pre)
	case likeBoth:
		return len(s) >= len(m.pre)+len(m.suf) && strings.HasPrefix(s, m.pre) && strings.HasSuffix(s, m.suf)
	}
	segs := m.segs
	lo, hi := 0, len(s)
	if m.startAnchored {
		end, ok := segs[0].matchAt(s, 0)
		if !ok {
			return false
		}
		if len(segs) == 1 && m.endAnchored {
			return end == len(s)
		}
		lo = end
		segs = segs[1:]
	}
	if m.endAnchored {
		start, ok := segs[len(segs)-1].matchEnd(s[lo:])
		if !ok {
			return false
		}
		hi = lo + start
		segs = segs[:len(segs)-1]
	}
	// Each middle segment at its leftmost place: any later place leaves
	// less room for the rest.
	for _, seg := range segs {
		end, ok := seg.find(s[:hi], lo)
		if !ok {
			return false
		}
		lo = end
	}
	return lo <= hi
}

// matchAt matches the segment at byte offset i of s and returns where the
// match ends.
func (seg likeSeg) matchAt(s string, i int) (int, bool) {
	for _, it := range seg {
		if it.lit != "" {
			if !strings.HasPrefix(s[i:], it.lit) {
				return 0, false
			}
			i += len(it.lit)
			continue
		}
		for c := 0; c < it.n; c++ {
			if i >= len(s) {
				return 0, false
			}
			_, size := utf8.DecodeRuneInString(s[i:])
			i += size
		}
	}
	return i, true
}

// matchEnd matches the segment at the end of s and returns where the match
// starts.
func (seg likeSeg) matchEnd(s string) (int, bool) {
	j := len(s)
	for k := len(seg) - 1; k >= 0; k-- {
		it := seg[k]
		if it.lit != "" {
			if !strings.HasSuffix(s[:j], it.lit) {
				return 0, false
			}
			j -= len(it.lit)
			continue
		}
		for c := 0; c < it.n; c++ {
			if j <= 0 {
				return 0, false
			}
			_, size := utf8.DecodeLastRuneInString(s[:j])
			j -= size
		}
	}
	return j, true
}

// find returns the end of the leftmost match of the segment in s at or
// after byte offset from, at a character boundary.
func (seg likeSeg) find(s string, from int) (int, bool) {
	if seg[0].lit != "" {
		// Candidates are the occurrences of the leading literal.
		for i := from; i <= len(s); {
			j := strings.Index(s[i:], seg[0].lit)
			if j < 0 {
				return 0, false
			}
			if end, ok := seg.matchAt(s, i+j); ok {
				return end, true
			}
			i += j + 1
		}
		return 0, false
	}
	for i := from; i <= len(s); {
		if end, ok := seg.matchAt(s, i); ok {
			return end, true
		}
		if i == len(s) {
			break
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return 0, false
}
