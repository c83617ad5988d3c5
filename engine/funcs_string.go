package engine

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/bitutil"
)

// String functions. Positions and lengths count characters (Unicode code
// points), not bytes, and are 1-based; every function is NULL when an
// argument is NULL except concat and concat_ws.
//
//   - lower, upper (also lcase, ucase): Unicode simple case mapping.
//   - length (also char_length, character_length, len): characters;
//     octet_length and strlen: bytes.
//   - concat(x, ...): its arguments converted to VARCHAR, NULLs skipped (as
//     DuckDB and unlike MySQL): never NULL. concat_ws(sep, x, ...) joins the
//     non-NULL arguments with sep; NULL when sep is.
//   - substring(s, start[, len]) and substr: as DuckDB; a negative start
//     counts from the end (-1 is the last character), start 0 is one before
//     the first character, a negative len takes the characters before
//     start.
//   - trim, ltrim, rtrim(s[, chars]): remove spaces (or any of chars).
//   - replace(s, from, to): every occurrence; an empty from changes nothing.
//   - left(s, n), right(s, n): the first/last n characters; a negative n
//     drops -n characters from the other end (as DuckDB).
//   - strpos(s, sub), instr(s, sub), locate(sub, s): the position of the
//     first occurrence, 0 if none.
//   - reverse(s), repeat(s, n), lpad(s, n, pad), rpad(s, n, pad) (a string
//     longer than n is cut to n), starts_with, ends_with and contains (giving
//     BOOLEAN).

func stringFuncNames() []string {
	return []string{"lower", "lcase", "upper", "ucase", "length", "char_length", "character_length", "len",
		"octet_length", "strlen", "concat", "concat_ws", "substring", "substr", "trim", "ltrim", "rtrim",
		"replace", "left", "right", "strpos", "instr", "locate", "reverse", "repeat", "lpad", "rpad",
		"starts_with", "ends_with", "contains"}
}

func stringFunc(name string) (funcSpec, bool) {
	str := arrow.BinaryTypes.String
	i64 := arrow.PrimitiveTypes.Int64
	boolean := arrow.FixedWidthTypes.Boolean
	fixed := func(sigs string, params []func(arrow.DataType) (arrow.DataType, bool), result arrow.DataType, fn kernelFunc) funcSpec {
		return funcSpec{sigs: sigs, resolve: func(c *call) *Func {
			if len(c.args) != len(params) {
				return nil
			}
			args := make([]arrow.DataType, len(params))
			for i, p := range params {
				t, ok := p(c.args[i])
				if !ok {
					return nil
				}
				args[i] = t
			}
			return newFunc(args, result, fn)
		}}
	}
	s, n := stringParam, intParam
	switch name {
	case "lower", "lcase":
		return fixed(name+"(VARCHAR)", params(s), str, caseKernel(unicode.ToLower)), true
	case "upper", "ucase":
		return fixed(name+"(VARCHAR)", params(s), str, caseKernel(unicode.ToUpper)), true
	case "length", "char_length", "character_length", "len":
		return fixed(name+"(VARCHAR)", params(s), i64, lengthKernel(true)), true
	case "octet_length", "strlen":
		return fixed(name+"(VARCHAR)", params(s), i64, lengthKernel(false)), true
	case "concat", "concat_ws":
		ws := name == "concat_ws"
		sig := "concat(ANY, ...)"
		if ws {
			sig = "concat_ws(VARCHAR, ANY, ...)"
		}
		return funcSpec{sigs: sig, resolve: func(c *call) *Func {
			if len(c.args) == 0 || (ws && len(c.args) < 2) {
				return nil
			}
			args, ok := match(c.args, textParam)
			if !ok || (ws && !isString(c.args[0]) && !isNull(c.args[0])) {
				return nil
			}
			return &Func{Args: args, Result: str, eval: concatKernel(ws)}
		}}, true
	case "substring", "substr":
		return funcSpec{sigs: name + "(VARCHAR, BIGINT[, BIGINT])", resolve: func(c *call) *Func {
			if len(c.args) != 2 && len(c.args) != 3 {
				return nil
			}
			args, ok := match(c.args, stringParam, intParam)
			if !ok {
				return nil
			}
			return newFunc(args, str, substringKernel)
		}}, true
	case "trim", "ltrim", "rtrim":
		left, right := name != "rtrim", name != "ltrim"
		return funcSpec{sigs: name + "(VARCHAR[, VARCHAR])", resolve: func(c *call) *Func {
			if len(c.args) != 1 && len(c.args) != 2 {
				return nil
			}
			args, ok := match(c.args, stringParam)
			if !ok {
				return nil
			}
			return newFunc(args, str, trimKernel(left, right))
		}}, true
	case "replace":
		return fixed("replace(VARCHAR, VARCHAR, VARCHAR)", params(s, s, s), str, replaceKernel), true
	case "left", "right":
		return fixed(name+"(VARCHAR, BIGINT)", params(s, n), str, leftRightKernel(name == "left")), true
	case "strpos", "instr":
		return fixed(name+"(VARCHAR, VARCHAR)", params(s, s), i64, strposKernel(1, 0)), true
	case "locate":
		return fixed("locate(VARCHAR, VARCHAR)", params(s, s), i64, strposKernel(0, 1)), true
	case "reverse":
		return fixed("reverse(VARCHAR)", params(s), str, reverseKernel), true
	case "repeat":
		return fixed("repeat(VARCHAR, BIGINT)", params(s, n), str, repeatKernel), true
	case "lpad", "rpad":
		return fixed(name+"(VARCHAR, BIGINT, VARCHAR)", params(s, n, s), str, padKernel(name == "lpad")), true
	case "starts_with", "ends_with", "contains":
		return fixed(name+"(VARCHAR, VARCHAR)", params(s, s), boolean, affixKernel(name)), true
	}
	return funcSpec{}, false
}

func params(ps ...func(arrow.DataType) (arrow.DataType, bool)) []func(arrow.DataType) (arrow.DataType, bool) {
	return ps
}

// textParam accepts anything that casts to VARCHAR, as VARCHAR.
func textParam(t arrow.DataType) (arrow.DataType, bool) {
	if castable(t, arrow.BinaryTypes.String) {
		return arrow.BinaryTypes.String, true
	}
	return nil, false
}

// strArg reads a VARCHAR operand.
type strArg struct {
	a    *array.String
	mask int
}

func newStrArg(op operand) strArg { return strArg{a: op.arr.(*array.String), mask: op.mask} }

func (s strArg) at(i int) string { return s.a.Value(i & s.mask) }

// intArg reads a BIGINT operand.
type intArg struct {
	v    []int64
	mask int
}

func newIntArg(op operand) intArg { return intArg{v: values[int64](op.arr), mask: op.mask} }

func (n intArg) at(i int) int64 { return n.v[i&n.mask] }

// mapStrings builds a VARCHAR result: f appends row i's value to buf, or
// returns an error.
func mapStrings(k *kernel, hint int, f func(i int, buf []byte) ([]byte, error)) (arrow.Array, error) {
	out := newStringOut(k, hint)
	var buf []byte
	for i := 0; i < k.n; i++ {
		if out.isNull(i) {
			out.b.AppendNull()
			continue
		}
		var err error
		if buf, err = f(i, buf[:0]); err != nil {
			out.release()
			return nil, err
		}
		out.b.BinaryBuilder.Append(buf)
	}
	return out.finish(), nil
}

// dataLen returns the number of value bytes of a VARCHAR operand, as a
// size hint.
func dataLen(op operand) int {
	s := op.arr.(*array.String)
	if op.isConst() {
		return len(s.Value(0))
	}
	return int(s.ValueOffset(s.Len()) - s.ValueOffset(0))
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func caseKernel(conv func(rune) rune) kernelFunc {
	return func(k *kernel, args []operand) (arrow.Array, error) {
		s := newStrArg(args[0])
		upper := conv('a') == 'A'
		return mapStrings(k, dataLen(args[0]), func(i int, buf []byte) ([]byte, error) {
			v := s.at(i)
			for j := 0; j < len(v); {
				c := v[j]
				if c < utf8.RuneSelf {
					switch {
					case upper && c >= 'a' && c <= 'z':
						c -= 'a' - 'A'
					case !upper && c >= 'A' && c <= 'Z':
						c += 'a' - 'A'
					}
					buf = append(buf, c)
					j++
					continue
				}
				r, size := utf8.DecodeRuneInString(v[j:])
				if r == utf8.RuneError && size == 1 {
					buf = append(buf, c)
				} else {
					buf = utf8.AppendRune(buf, conv(r))
				}
				j += size
			}
			return buf, nil
		})
	}
}

func lengthKernel(chars bool) kernelFunc {
	return func(k *kernel, args []operand) (arrow.Array, error) {
		out := newFixedOut[int64](k)
		s := newStrArg(args[0])
		for i := range out.vals {
			v := s.at(i)
			if chars {
				out.vals[i] = int64(utf8.RuneCountInString(v))
			} else {
				out.vals[i] = int64(len(v))
			}
		}
		return out.finish(arrow.PrimitiveTypes.Int64), nil
	}
}

// concatKernel follows MySQL, whose dialect hopsql reads: concat is NULL
// when any argument is NULL; concat_ws is NULL when the separator is NULL
// and skips NULL values.
func concatKernel(ws bool) kernelFunc {
	return func(k *kernel, args []operand) (arrow.Array, error) {
		strs := make([]strArg, len(args))
		hint := 0
		for i, a := range args {
			if isNull(a.arr.DataType()) {
				continue
			}
			strs[i] = newStrArg(a)
			hint += dataLen(a)
		}
		if !args[0].isConst() {
			hint = max(hint, k.n)
		}
		out := newStringOut(k, hint)
		var buf []byte
		for i := 0; i < k.n; i++ {
			buf = buf[:0]
			first := 0
			if ws {
				if args[0].isNull(i) {
					out.b.AppendNull()
					continue
				}
				first = 1
			}
			sep, null := false, false
			for j := first; j < len(args); j++ {
				if strs[j].a == nil || args[j].isNull(i) {
					if !ws {
						null = true
						break
					}
					continue
				}
				if ws && sep {
					buf = append(buf, strs[0].at(i)...)
				}
				buf = append(buf, strs[j].at(i)...)
				sep = true
			}
			if null {
				out.b.AppendNull()
				continue
			}
			out.b.BinaryBuilder.Append(buf)
		}
		return out.finish(), nil
	}
}

// runeRange returns the byte offsets of characters [start, end) of s,
// clamped to its length.
func runeRange(s string, start, end int64) (int, int) {
	if isASCII(s) {
		n := int64(len(s))
		return int(min(max(start, 0), n)), int(min(max(end, 0), n))
	}
	bs, be := len(s), len(s)
	var c int64
	for off := range s {
		if c == start {
			bs = off
		}
		if c == end {
			be = off
			break
		}
		c++
	}
	if start > c {
		bs = len(s)
	}
	return bs, be
}

func charCount(s string) int64 {
	if isASCII(s) {
		return int64(len(s))
	}
	return int64(utf8.RuneCountInString(s))
}

// substringRange implements DuckDB's substring bounds over a string of size
// characters; ok is false for an empty result.
func substringRange(size, offset, length int64) (start, end int64, ok bool) {
	if length == 0 {
		return 0, 0, false
	}
	switch {
	case offset > 0:
		start = min(size, offset-1)
	case offset < 0:
		start = max(size+offset, 0)
	default:
		length--
		if length <= 0 {
			return 0, 0, false
		}
	}
	if length > 0 {
		if length > size-start {
			end = size
		} else {
			end = start + length
		}
	} else {
		end = start
		start = max(0, end+length)
	}
	return start, end, start < end
}

func substringKernel(k *kernel, args []operand) (arrow.Array, error) {
	s, off := newStrArg(args[0]), newIntArg(args[1])
	var length intArg
	hasLen := len(args) == 3
	if hasLen {
		length = newIntArg(args[2])
	}
	return mapStrings(k, dataLen(args[0]), func(i int, buf []byte) ([]byte, error) {
		v := s.at(i)
		size := charCount(v)
		o := off.at(i)
		var l int64
		if hasLen {
			l = length.at(i)
		} else {
			// To the end of the string.
			l = size + 1
			if o <= 0 {
				l = size + 2
			}
		}
		if l < -(1<<62) || l > 1<<62 {
			l = max(min(l, 1<<62), -(1 << 62))
		}
		if o < -(1<<62) || o > 1<<62 {
			o = max(min(o, 1<<62), -(1 << 62))
		}
		start, end, ok := substringRange(size, o, l)
		if !ok {
			return buf, nil
		}
		bs, be := runeRange(v, start, end)
		return append(buf, v[bs:be]...), nil
	})
}

func trimKernel(left, right bool) kernelFunc {
	return func(k *kernel, args []operand) (arrow.Array, error) {
		s := newStrArg(args[0])
		var chars strArg
		if len(args) == 2 {
			chars = newStrArg(args[1])
		}
		return mapStrings(k, dataLen(args[0]), func(i int, buf []byte) ([]byte, error) {
			v := s.at(i)
			cut := " "
			if chars.a != nil {
				cut = chars.at(i)
			}
			if left {
				v = strings.TrimLeft(v, cut)
			}
			if right {
				v = strings.TrimRight(v, cut)
			}
			return append(buf, v...), nil
		})
	}
}

func replaceKernel(k *kernel, args []operand) (arrow.Array, error) {
	s, from, to := newStrArg(args[0]), newStrArg(args[1]), newStrArg(args[2])
	return mapStrings(k, dataLen(args[0]), func(i int, buf []byte) ([]byte, error) {
		v, f, t := s.at(i), from.at(i), to.at(i)
		if f == "" {
			return append(buf, v...), nil
		}
		for {
			j := strings.Index(v, f)
			if j < 0 {
				return append(buf, v...), nil
			}
			buf = append(buf, v[:j]...)
			buf = append(buf, t...)
			v = v[j+len(f):]
		}
	})
}

func leftRightKernel(left bool) kernelFunc {
	return func(k *kernel, args []operand) (arrow.Array, error) {
		s, n := newStrArg(args[0]), newIntArg(args[1])
		return mapStrings(k, dataLen(args[0]), func(i int, buf []byte) ([]byte, error) {
			v, c := s.at(i), n.at(i)
			size := charCount(v)
			var start, end int64
			switch {
			case left && c >= 0:
				start, end = 0, min(c, size)
			case left:
				start, end = 0, max(0, size+max(c, -size))
			case c >= 0:
				start, end = size-min(c, size), size
			default:
				start, end = min(size, -max(c, -size)), size
			}
			bs, be := runeRange(v, start, end)
			return append(buf, v[bs:be]...), nil
		})
	}
}

// strposKernel finds args[needle] in args[hay].
func strposKernel(needle, hay int) kernelFunc {
	return func(k *kernel, args []operand) (arrow.Array, error) {
		out := newFixedOut[int64](k)
		h, nd := newStrArg(args[hay]), newStrArg(args[needle])
		for i := range out.vals {
			if out.isNull(i) {
				continue
			}
			v := h.at(i)
			j := strings.Index(v, nd.at(i))
			if j >= 0 {
				out.vals[i] = charCount(v[:j]) + 1
			}
		}
		return out.finish(arrow.PrimitiveTypes.Int64), nil
	}
}

func reverseKernel(k *kernel, args []operand) (arrow.Array, error) {
	s := newStrArg(args[0])
	return mapStrings(k, dataLen(args[0]), func(i int, buf []byte) ([]byte, error) {
		v := s.at(i)
		for len(v) > 0 {
			_, size := utf8.DecodeLastRuneInString(v)
			buf = append(buf, v[len(v)-size:]...)
			v = v[:len(v)-size]
		}
		return buf, nil
	})
}

// maxStringResult bounds the strings repeat and the pads build.
const maxStringResult = 1 << 28

func repeatKernel(k *kernel, args []operand) (arrow.Array, error) {
	s, n := newStrArg(args[0]), newIntArg(args[1])
	return mapStrings(k, dataLen(args[0]), func(i int, buf []byte) ([]byte, error) {
		v, c := s.at(i), n.at(i)
		if c <= 0 || v == "" {
			return buf, nil
		}
		if c > maxStringResult/int64(len(v)) {
			return nil, fmt.Errorf("repeat: the result would exceed %d bytes", maxStringResult)
		}
		for ; c > 0; c-- {
			buf = append(buf, v...)
		}
		return buf, nil
	})
}

func padKernel(left bool) kernelFunc {
	return func(k *kernel, args []operand) (arrow.Array, error) {
		s, n, pad := newStrArg(args[0]), newIntArg(args[1]), newStrArg(args[2])
		return mapStrings(k, dataLen(args[0]), func(i int, buf []byte) ([]byte, error) {
			v, width, p := s.at(i), n.at(i), pad.at(i)
			if width <= 0 {
				return buf, nil
			}
			if width > maxStringResult {
				return nil, fmt.Errorf("pad: the result would exceed %d bytes", maxStringResult)
			}
			size := charCount(v)
			if size >= width {
				_, be := runeRange(v, 0, width)
				return append(buf, v[:be]...), nil
			}
			if p == "" {
				return nil, fmt.Errorf("pad: the padding string is empty")
			}
			if !left {
				buf = append(buf, v...)
			}
			need := width - size
			for need > 0 {
				for _, r := range p {
					if need == 0 {
						break
					}
					buf = utf8.AppendRune(buf, r)
					need--
				}
			}
			if left {
				buf = append(buf, v...)
			}
			return buf, nil
		})
	}
}

func affixKernel(name string) kernelFunc {
	return func(k *kernel, args []operand) (arrow.Array, error) {
		out := newBoolOut(k)
		s, x := newStrArg(args[0]), newStrArg(args[1])
		bits := out.bits.Bytes()
		for i := 0; i < k.n; i++ {
			var v bool
			switch name {
			case "starts_with":
				v = strings.HasPrefix(s.at(i), x.at(i))
			case "ends_with":
				v = strings.HasSuffix(s.at(i), x.at(i))
			default:
				v = strings.Contains(s.at(i), x.at(i))
			}
			if v {
				bitutil.SetBit(bits, i)
			}
		}
		return out.finish(), nil
	}
}
