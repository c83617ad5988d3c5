package engine

import (
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/decimal128"
)

// Comparison loops for decimals and strings against a constant, the
// common shape of filters (l_quantity < 24, p_brand = 'Brand#23'), with
// the operator chosen outside the loop and no call per value.

// decLess reports a < b for 128-bit two's complement values.
func decLess(a, b decimal128.Num) bool {
	ah, bh := a.HighBits(), b.HighBits()
	return ah < bh || (ah == bh && a.LowBits() < b.LowBits())
}

// cmpDecimalScalar sets bit i of bits when x[i] op v.
func cmpDecimalScalar(op CmpOp, x []decimal128.Num, v decimal128.Num, bits []byte) {
	switch op {
	case OpEq:
		for i, a := range x {
			if a == v {
				bits[i>>3] |= 1 << (i & 7)
			}
		}
	case OpNe:
		for i, a := range x {
			if a != v {
				bits[i>>3] |= 1 << (i & 7)
			}
		}
	case OpLt:
		for i, a := range x {
			if decLess(a, v) {
				bits[i>>3] |= 1 << (i & 7)
			}
		}
	case OpLe:
		for i, a := range x {
			if !decLess(v, a) {
				bits[i>>3] |= 1 << (i & 7)
			}
		}
	case OpGt:
		for i, a := range x {
			if decLess(v, a) {
				bits[i>>3] |= 1 << (i & 7)
			}
		}
	case OpGe:
		for i, a := range x {
			if !decLess(a, v) {
				bits[i>>3] |= 1 << (i & 7)
			}
		}
	}
}

// cmpStringScalar sets bit i of bits when x's value i op s, comparing
// bytes.
func cmpStringScalar(op CmpOp, x *array.String, s string, bits []byte) {
	n := x.Len()
	if n == 0 {
		return
	}
	offsets := x.ValueOffsets()[:n+1]
	data := x.ValueBytes()
	base := int(offsets[0])
	data = data[:int(offsets[n])-base]
	switch op {
	case OpEq, OpNe:
		want := op == OpEq
		for i := range n {
			lo, hi := int(offsets[i])-base, int(offsets[i+1])-base
			if (hi-lo == len(s) && string(data[lo:hi]) == s) == want {
				bits[i>>3] |= 1 << (i & 7)
			}
		}
	default:
		for i := range n {
			v := string(data[int(offsets[i])-base : int(offsets[i+1])-base])
			var ok bool
			switch op {
			case OpLt:
				ok = v < s
			case OpLe:
				ok = v <= s
			case OpGt:
				ok = v > s
			case OpGe:
				ok = v >= s
			}
			if ok {
				bits[i>>3] |= 1 << (i & 7)
			}
		}
	}
}
