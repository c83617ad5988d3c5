package engine

import (
	"fmt"
	"math"
	"strconv"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// Reading values from text (see Cast).

// Parsing.

// parseArray converts text to type to.
func parseArray(mem memory.Allocator, a *array.String, to arrow.DataType) (arrow.Array, error) {
	n := a.Len()
	fail := func(i int) error {
		s := a.Value(i)
		if len(s) > 100 {
			s = s[:100] + "..."
		}
		return fmt.Errorf("could not convert '%s' to %s", s, sqlTypeName(to))
	}
	switch to := to.(type) {
	case *arrow.Int8Type:
		return parseInts[int8](mem, a, to, math.MinInt8, math.MaxInt8, fail)
	case *arrow.Int16Type:
		return parseInts[int16](mem, a, to, math.MinInt16, math.MaxInt16, fail)
	case *arrow.Int32Type:
		return parseInts[int32](mem, a, to, math.MinInt32, math.MaxInt32, fail)
	case *arrow.Int64Type:
		return parseInts[int64](mem, a, to, math.MinInt64, math.MaxInt64, fail)
	case *arrow.Float32Type:
		out := newCastOut[float32](mem, a)
		for i := 0; i < n; i++ {
			if a.IsValid(i) {
				f, ok := parseFloat(a.Value(i), 32)
				if !ok {
					out.release()
					return nil, fail(i)
				}
				out.vals[i] = float32(f)
			}
		}
		return out.finish(to), nil
	case *arrow.Float64Type:
		out := newCastOut[float64](mem, a)
		for i := 0; i < n; i++ {
			if a.IsValid(i) {
				f, ok := parseFloat(a.Value(i), 64)
				if !ok {
					out.release()
					return nil, fail(i)
				}
				out.vals[i] = f
			}
		}
		return out.finish(to), nil
	case *arrow.Decimal128Type:
		out := newCastOut[i128](mem, a)
		bound := pow10u(int(to.Precision))
		for i := 0; i < n; i++ {
			if a.IsValid(i) {
				v, ok := parseDecimal(a.Value(i), int(to.Scale), bound)
				if !ok {
					out.release()
					return nil, fail(i)
				}
				out.vals[i] = v
			}
		}
		return out.finish(to), nil
	case *arrow.Date32Type:
		out := newCastOut[int32](mem, a)
		for i := 0; i < n; i++ {
			if a.IsValid(i) {
				d, ok := parseDate(a.Value(i))
				if !ok {
					out.release()
					return nil, fail(i)
				}
				out.vals[i] = d
			}
		}
		return out.finish(to), nil
	case *arrow.TimestampType:
		out := newCastOut[int64](mem, a)
		per := unitsPerSecond(to)
		for i := 0; i < n; i++ {
			if a.IsValid(i) {
				us, ok := parseTimestamp(a.Value(i))
				var v int64
				if ok {
					switch {
					case per >= 1e6:
						v, ok = mulInt64(us, per/1e6)
					default:
						v = floorDiv(us, 1e6/per)
					}
				}
				if !ok {
					out.release()
					return nil, fail(i)
				}
				out.vals[i] = v
			}
		}
		return out.finish(to), nil
	case *arrow.BooleanType:
		out := newBoolOutN(mem, n)
		out.valid = copyValidity(mem, a)
		for i := 0; i < n; i++ {
			if a.IsValid(i) {
				v, ok := parseBool(a.Value(i))
				if !ok {
					out.bits.Release()
					if out.valid != nil {
						out.valid.Release()
					}
					return nil, fail(i)
				}
				out.set(i, v)
			}
		}
		return out.finish(), nil
	case *arrow.BinaryType:
		b := array.NewBinaryBuilder(mem, to)
		defer b.Release()
		b.Reserve(n)
		for i := 0; i < n; i++ {
			if a.IsNull(i) {
				b.AppendNull()
			} else {
				b.AppendString(a.Value(i))
			}
		}
		return b.NewArray(), nil
	}
	return nil, CastType(a.DataType(), to)
}

func parseInts[D signedInt](mem memory.Allocator, a *array.String, to arrow.DataType, lo, hi int64, fail func(int) error) (arrow.Array, error) {
	out := newCastOut[D](mem, a)
	for i := range out.vals {
		if a.IsNull(i) {
			continue
		}
		v, ok := parseInt(a.Value(i))
		if !ok || v < lo || v > hi {
			out.release()
			return nil, fail(i)
		}
		out.vals[i] = D(v)
	}
	return out.finish(to), nil
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

func trimSpace(s string) string {
	for len(s) > 0 && isSpace(s[0]) {
		s = s[1:]
	}
	for len(s) > 0 && isSpace(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	return s
}

// parseInt reads an integer: the number rounds half away from zero if it
// has a fraction.
func parseInt(s string) (int64, bool) {
	v, ok := parseDecimal(s, 0, pow10u(19))
	if !ok || !v.fitsInt64() {
		return 0, false
	}
	return int64(v.lo), true
}

// parseDecimal reads [+-]digits[.digits][(e|E)[+-]digits] (at least one
// digit in the mantissa) and returns it scaled by 10^scale, rounded half
// away from zero, if its magnitude is below bound.
func parseDecimal(s string, scale int, bound u128) (i128, bool) {
	s = trimSpace(s)
	neg := false
	if len(s) > 0 && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	var m u128       // the kept significant digits
	kept := 0        // how many significant digits m holds
	exp := 0         // value = m * 10^exp (before the exponent part)
	dropped := false // digits beyond 38 significant ones were dropped
	digits, point := 0, false
	i := 0
	for ; i < len(s); i++ {
		c := s[i]
		if c == '.' && !point {
			point = true
			continue
		}
		if c < '0' || c > '9' {
			break
		}
		digits++
		switch {
		case kept == 0 && c == '0':
			if point {
				exp--
			}
		case kept < 38:
			m, _ = m.mul(u128{lo: 10})
			lo, carry := addU64(m.lo, uint64(c-'0'))
			m = u128{hi: m.hi + carry, lo: lo}
			kept++
			if point {
				exp--
			}
		default:
			dropped = true
			if !point {
				exp++
			}
		}
	}
	if digits == 0 {
		return i128{}, false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		eneg := false
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			eneg = s[i] == '-'
			i++
		}
		e, edigits := 0, 0
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			if e < 100000 {
				e = e*10 + int(s[i]-'0')
			}
			edigits++
		}
		if edigits == 0 {
			return i128{}, false
		}
		if eneg {
			e = -e
		}
		exp += e
	}
	if i != len(s) {
		return i128{}, false
	}
	if kept == 0 {
		return i128{}, true
	}
	shift := exp + scale
	var u u128
	switch {
	case shift >= 0:
		if dropped || shift > 38 {
			return i128{}, false
		}
		var ok bool
		if u, ok = m.mul(pow10u(shift)); !ok {
			return i128{}, false
		}
	case -shift > 40:
		return i128{}, true
	default:
		u = m.roundPow10(-shift)
	}
	if !u.less(bound) {
		return i128{}, false
	}
	return u.signed(neg), true
}

func addU64(a, b uint64) (uint64, uint64) {
	s := a + b
	if s < a {
		return s, 1
	}
	return s, 0
}

// parseFloat reads a decimal floating-point number or inf, infinity or nan
// (any case, optionally signed).
func parseFloat(s string, bitSize int) (float64, bool) {
	s = trimSpace(s)
	if s == "" {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
			// Only the words inf, infinity and nan may have letters.
			switch lowerASCII(trimSign(s)) {
			case "inf", "infinity", "nan":
				f, err := strconv.ParseFloat(s, bitSize)
				return f, err == nil
			}
			return 0, false
		}
	}
	f, err := strconv.ParseFloat(s, bitSize)
	return f, err == nil
}

func trimSign(s string) string {
	if len(s) > 0 && (s[0] == '+' || s[0] == '-') {
		return s[1:]
	}
	return s
}

func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// parseBool reads true/false, t/f, yes/no, y/n or 1/0 in any case.
func parseBool(s string) (bool, bool) {
	switch lowerASCII(trimSpace(s)) {
	case "true", "t", "yes", "y", "1":
		return true, true
	case "false", "f", "no", "n", "0":
		return false, true
	}
	return false, false
}

// parseDate reads YYYY-MM-DD, optionally followed by a valid time of day
// (which is ignored), and returns days since 1970-01-01.
func parseDate(s string) (int32, bool) {
	s = trimSpace(s)
	days, rest, ok := parseDatePart(s)
	if !ok {
		return 0, false
	}
	if rest != "" {
		if _, ok := parseTimePart(rest); !ok {
			return 0, false
		}
	}
	if days < math.MinInt32 || days > math.MaxInt32 {
		return 0, false
	}
	return int32(days), true
}

// parseTimestamp reads a timestamp (see Cast) and returns microseconds
// since 1970-01-01 00:00:00 UTC.
func parseTimestamp(s string) (int64, bool) {
	s = trimSpace(s)
	days, rest, ok := parseDatePart(s)
	if !ok {
		return 0, false
	}
	var tod int64
	if rest != "" {
		if tod, ok = parseTimePart(rest); !ok {
			return 0, false
		}
	}
	us, ok := mulInt64(days, 86400e6)
	if !ok {
		return 0, false
	}
	r := us + tod
	if (us^r)&(tod^r) < 0 {
		return 0, false
	}
	return r, true
}

// parseDatePart reads Y-M-D at the start of s and returns the day number
// and the rest of s.
func parseDatePart(s string) (days int64, rest string, ok bool) {
	y, s, ok := parseNum(s, 1, 6)
	if !ok || len(s) == 0 || s[0] != '-' {
		return 0, "", false
	}
	m, s, ok := parseNum(s[1:], 1, 2)
	if !ok || len(s) == 0 || s[0] != '-' {
		return 0, "", false
	}
	d, s, ok := parseNum(s[1:], 1, 2)
	if !ok || m < 1 || m > 12 || d < 1 || d > int64(daysInMonth(y, int(m))) {
		return 0, "", false
	}
	return daysFromCivil(y, int(m), int(d)), s, true
}

// parseTimePart reads ( |T)HH:MM[:SS[.fraction]] and an optional zone
// (Z, UTC or ±HH[:MM]) and returns microseconds since midnight UTC (which
// may fall outside the day when there is an offset).
func parseTimePart(s string) (int64, bool) {
	if len(s) == 0 || (s[0] != ' ' && s[0] != 'T') {
		return 0, false
	}
	s = s[1:]
	h, s, ok := parseNum(s, 1, 2)
	if !ok || len(s) == 0 || s[0] != ':' || h > 23 {
		return 0, false
	}
	mi, s, ok := parseNum(s[1:], 2, 2)
	if !ok || mi > 59 {
		return 0, false
	}
	var sec, frac int64
	if len(s) > 0 && s[0] == ':' {
		if sec, s, ok = parseNum(s[1:], 2, 2); !ok || sec > 59 {
			return 0, false
		}
		if len(s) > 0 && s[0] == '.' {
			s = s[1:]
			digits := 0
			for ; len(s) > 0 && s[0] >= '0' && s[0] <= '9'; s = s[1:] {
				if digits < 6 {
					frac = frac*10 + int64(s[0]-'0')
				}
				digits++
			}
			if digits == 0 {
				return 0, false
			}
			for ; digits < 6; digits++ {
				frac *= 10
			}
		}
	}
	us := ((h*60+mi)*60+sec)*1e6 + frac
	s = trimSpace(s)
	switch {
	case s == "", s == "Z", s == "UTC", s == "utc":
		return us, true
	case s[0] == '+' || s[0] == '-':
		sign := int64(1)
		if s[0] == '-' {
			sign = -1
		}
		z := s[1:]
		var oh, om int64
		ok := true
		switch {
		case len(z) == 2:
			oh, ok = twoDigits(z)
		case len(z) == 4:
			oh, ok = twoDigits(z[:2])
			if ok {
				om, ok = twoDigits(z[2:])
			}
		case len(z) == 5 && z[2] == ':':
			oh, ok = twoDigits(z[:2])
			if ok {
				om, ok = twoDigits(z[3:])
			}
		default:
			ok = false
		}
		if !ok || oh > 23 || om > 59 {
			return 0, false
		}
		return us - sign*(oh*60+om)*60e6, true
	}
	return 0, false
}

// twoDigits reads exactly two decimal digits.
func twoDigits(s string) (int64, bool) {
	if len(s) != 2 || s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' {
		return 0, false
	}
	return int64(s[0]-'0')*10 + int64(s[1]-'0'), true
}

// parseNum reads between minDigits and maxDigits decimal digits.
func parseNum(s string, minDigits, maxDigits int) (int64, string, bool) {
	var v int64
	i := 0
	for ; i < len(s) && i < maxDigits && s[i] >= '0' && s[i] <= '9'; i++ {
		v = v*10 + int64(s[i]-'0')
	}
	if i < minDigits || (i < len(s) && s[i] >= '0' && s[i] <= '9') {
		return 0, s, false
	}
	return v, s[i:], true
}
