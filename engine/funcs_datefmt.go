package engine

import (
	"fmt"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
)

// date_format and strftime.

// Formatting with date_format (MySQL) and strftime (C).

// formatSpec is one piece of a compiled format: literal text, or a field.
type formatSpec struct {
	lit  string
	code byte // 0 for literal text
}

// compileFormat compiles a format string. MySQL's date_format specifiers:
// %Y %y %m %c %d %e %H %k %h %I %l %i %s %S %f %p %M %b %W %a %j %w %D %T %r
// %%; any other %x gives x. strftime's (as DuckDB): %Y %y %m %-m %d %-d %e
// %H %-H %I %-I %M %-M %S %-S %f %p %B %b %h %A %a %j %-j %w %u %%; any
// other is an error.
func compileFormat(f string, mysql bool) ([]formatSpec, error) {
	var out []formatSpec
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			out = append(out, formatSpec{lit: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(f); i++ {
		c := f[i]
		if c != '%' || i+1 == len(f) {
			lit.WriteByte(c)
			continue
		}
		i++
		var code byte
		if mysql {
			code = mysqlCodes(f[i])
		} else {
			s := f[i]
			noPad := false
			if s == '-' && i+1 < len(f) {
				noPad = true
				i++
				s = f[i]
			}
			code = strftimeCodes(s, noPad)
			if code == 0 {
				spec := "%" + string(s)
				if noPad {
					spec = "%-" + string(s)
				}
				return nil, fmt.Errorf("unsupported format specifier %s in strftime format '%s'", spec, f)
			}
		}
		if code == '%' || code == 0 {
			if code == 0 {
				lit.WriteByte(f[i])
			} else {
				lit.WriteByte('%')
			}
			continue
		}
		flush()
		out = append(out, formatSpec{code: code})
	}
	flush()
	return out, nil
}

// The internal field codes: Y y m c(month unpadded) d e(day unpadded)
// H k(hour unpadded) I l(12-hour unpadded) M(minute) N(minute unpadded)
// S(second) s(second unpadded) f(microseconds) p B b A a j J(day of year
// unpadded) w(0 = Sunday) u(1 = Monday) D(day with suffix) T(HH:MM:SS)
// r(hh:mm:ss AM).
func mysqlCodes(c byte) byte {
	switch c {
	case 'Y', 'y', 'm', 'c', 'd', 'e', 'H', 'k', 'I', 'l', 'f', 'p', 'b', 'a', 'j', 'w', 'D', 'T', 'r', '%':
		return c
	case 'h':
		return 'I'
	case 'i':
		return 'M'
	case 's', 'S':
		return 'S'
	case 'M':
		return 'B'
	case 'W':
		return 'A'
	}
	return 0
}

func strftimeCodes(c byte, noPad bool) byte {
	if noPad {
		switch c {
		case 'm':
			return 'c'
		case 'd':
			return 'e'
		case 'H':
			return 'k'
		case 'I':
			return 'l'
		case 'M':
			return 'N'
		case 'S':
			return 's'
		case 'j':
			return 'J'
		}
		return 0
	}
	switch c {
	case 'Y', 'y', 'm', 'd', 'e', 'H', 'I', 'M', 'S', 'f', 'p', 'B', 'b', 'A', 'a', 'j', 'w', 'u', '%':
		return c
	case 'h':
		return 'b'
	}
	return 0
}

// appendFormatted renders a day and time of day with a compiled format.
func appendFormatted(dst []byte, specs []formatSpec, days, tod int64) []byte {
	y, m, d := civil(days)
	h := tod / (3600 * usPerSecond)
	mi := tod / (60 * usPerSecond) % 60
	s := tod / usPerSecond % 60
	h12 := (h+11)%12 + 1
	ampm := "AM"
	if h >= 12 {
		ampm = "PM"
	}
	for _, sp := range specs {
		switch sp.code {
		case 0:
			dst = append(dst, sp.lit...)
		case 'Y':
			if y < 0 {
				dst = append(dst, '-')
				dst = appendPadded(dst, -y, 4)
			} else {
				dst = appendPadded(dst, y, 4)
			}
		case 'y':
			dst = appendPadded(dst, floorMod(y, 100), 2)
		case 'm':
			dst = appendPadded(dst, int64(m), 2)
		case 'c':
			dst = appendPadded(dst, int64(m), 1)
		case 'd':
			dst = appendPadded(dst, int64(d), 2)
		case 'e':
			dst = appendPadded(dst, int64(d), 1)
		case 'H':
			dst = appendPadded(dst, h, 2)
		case 'k':
			dst = appendPadded(dst, h, 1)
		case 'I':
			dst = appendPadded(dst, h12, 2)
		case 'l':
			dst = appendPadded(dst, h12, 1)
		case 'M':
			dst = appendPadded(dst, mi, 2)
		case 'N':
			dst = appendPadded(dst, mi, 1)
		case 'S':
			dst = appendPadded(dst, s, 2)
		case 's':
			dst = appendPadded(dst, s, 1)
		case 'f':
			dst = appendPadded(dst, tod%usPerSecond, 6)
		case 'p':
			dst = append(dst, ampm...)
		case 'B':
			dst = append(dst, monthName(m)...)
		case 'b':
			dst = append(dst, monthName(m)[:3]...)
		case 'A':
			dst = append(dst, dayName(weekday(days))...)
		case 'a':
			dst = append(dst, dayName(weekday(days))[:3]...)
		case 'j':
			dst = appendPadded(dst, days-daysFromCivil(y, 1, 1)+1, 3)
		case 'J':
			dst = appendPadded(dst, days-daysFromCivil(y, 1, 1)+1, 1)
		case 'w':
			dst = appendPadded(dst, weekday(days), 1)
		case 'u':
			dst = appendPadded(dst, floorMod(days+3, 7)+1, 1)
		case 'D':
			dst = appendPadded(dst, int64(d), 1)
			switch {
			case d >= 11 && d <= 13:
				dst = append(dst, "th"...)
			case d%10 == 1:
				dst = append(dst, "st"...)
			case d%10 == 2:
				dst = append(dst, "nd"...)
			case d%10 == 3:
				dst = append(dst, "rd"...)
			default:
				dst = append(dst, "th"...)
			}
		case 'T':
			dst = appendPadded(dst, h, 2)
			dst = append(dst, ':')
			dst = appendPadded(dst, mi, 2)
			dst = append(dst, ':')
			dst = appendPadded(dst, s, 2)
		case 'r':
			dst = appendPadded(dst, h12, 2)
			dst = append(dst, ':')
			dst = appendPadded(dst, mi, 2)
			dst = append(dst, ':')
			dst = appendPadded(dst, s, 2)
			dst = append(dst, ' ')
			dst = append(dst, ampm...)
		}
	}
	return dst
}

func formatKernel(mysql bool) kernelFunc {
	return func(k *kernel, args []operand) (arrow.Array, error) {
		out := newStringOut(k, k.n*16)
		d := newDayTime(args[0])
		fs := args[1].arr.(*array.String)
		var specs []formatSpec
		last, compiled := "", false
		var buf []byte
		for i := 0; i < k.n; i++ {
			if out.isNull(i) {
				out.b.AppendNull()
				continue
			}
			if f := fs.Value(i & args[1].mask); !compiled || f != last {
				var err error
				if specs, err = compileFormat(f, mysql); err != nil {
					out.release()
					return nil, err
				}
				last, compiled = f, true
			}
			days, tod := d.at(i)
			buf = appendFormatted(buf[:0], specs, days, tod)
			out.b.BinaryBuilder.Append(buf)
		}
		return out.finish(), nil
	}
}
