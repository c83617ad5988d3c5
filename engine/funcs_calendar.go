package engine

import (
	"fmt"

	"github.com/apache/arrow/go/v15/arrow"
)

// The calendar: day numbers to dates and back, and date arithmetic.

// Calendar arithmetic (proleptic Gregorian, after Howard Hinnant's
// algorithms). They are total: any input gives some date without panicking.

// civil returns the year, month and day of a day number.
func civil(days int64) (y int64, m, d int) {
	z := days + 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = int(doy - (153*mp+2)/5 + 1)
	if mp < 10 {
		m = int(mp + 3)
	} else {
		m = int(mp - 9)
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

// daysFromCivil returns the day number of a date.
func daysFromCivil(y int64, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := int64((m + 9) % 12)
	doy := (153*mp+2)/5 + int64(d) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

func isLeap(y int64) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysInMonth(y int64, m int) int {
	switch m {
	case 2:
		if isLeap(y) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// weekday returns 0 for Sunday through 6 for Saturday.
func weekday(days int64) int64 { return floorMod(days+4, 7) }

func floorMod(a, b int64) int64 { return a - floorDiv(a, b)*b }

// isoWeek returns the ISO 8601 week number of a day.
func isoWeek(days int64) int64 {
	wd := floorMod(days+3, 7) // 0 = Monday
	thursday := days - wd + 3
	y, _, _ := civil(thursday)
	return (thursday-daysFromCivil(y, 1, 1))/7 + 1
}

// addMonths adds months to a day number, clamping the day to the end of the
// resulting month.
func addMonths(days, months int64) int64 {
	if months == 0 {
		return days
	}
	y, m, d := civil(days)
	total := y*12 + int64(m-1) + months
	ny := floorDiv(total, 12)
	nm := int(total-ny*12) + 1
	return daysFromCivil(ny, nm, min(d, daysInMonth(ny, nm)))
}

// splitTimestamp returns the day number and microseconds into the day.
func splitTimestamp(us int64) (days, tod int64) {
	days = floorDiv(us, usPerDay)
	return days, us - days*usPerDay
}

// temporalArith computes DATE/TIMESTAMP ± INTERVAL, DATE ± days and
// DATE − DATE (see ArithType).
func temporalArith(k *kernel, op ArithOp, l, r operand) (arrow.Array, error) {
	lt, rt := l.arr.DataType(), r.arr.DataType()
	if op == OpAdd && (isDate(rt) || isTimestamp(rt)) && !(isDate(lt) || isTimestamp(lt)) {
		l, r, lt, rt = r, l, rt, lt
	}
	switch {
	case isDate(lt) && isDate(rt) && op == OpSub:
		out := newFixedOut[int64](k)
		x, y := values[int32](l.arr), values[int32](r.arr)
		for i := range out.vals {
			out.vals[i] = int64(x[i&l.mask]) - int64(y[i&r.mask])
		}
		return out.finish(arrow.PrimitiveTypes.Int64), nil
	case isDate(lt) && isInteger(rt):
		ri, err := convertOperand(k, r, arrow.PrimitiveTypes.Int64)
		if err != nil {
			return nil, err
		}
		defer ri.arr.Release()
		out := newFixedOut[int32](k)
		x, y := values[int32](l.arr), values[int64](ri.arr)
		for i := range out.vals {
			n := y[i&ri.mask]
			if op == OpSub {
				n = -n
			}
			v := int64(x[i&l.mask]) + n
			if v != int64(int32(v)) && !out.isNull(i) {
				out.release()
				return nil, fmt.Errorf("date %s %s %d days is out of range", l.arr.ValueStr(i&l.mask), op, y[i&ri.mask])
			}
			out.vals[i] = int32(v)
		}
		return out.finish(lt), nil
	case isDate(lt) && isInterval(rt):
		out := newFixedOut[int32](k)
		x, y := values[int32](l.arr), values[arrow.MonthDayNanoInterval](r.arr)
		for i := range out.vals {
			iv := y[i&r.mask]
			if iv.Nanoseconds%(usPerDay*1000) != 0 {
				if out.isNull(i) {
					continue
				}
				out.release()
				return nil, fmt.Errorf("cannot add an interval with a time of day (%s) to a DATE: cast the DATE to TIMESTAMP", intervalText(iv))
			}
			months, days := int64(iv.Months), int64(iv.Days)+iv.Nanoseconds/(usPerDay*1000)
			if op == OpSub {
				months, days = -months, -days
			}
			v := addMonths(int64(x[i&l.mask]), months) + days
			if v != int64(int32(v)) && !out.isNull(i) {
				out.release()
				return nil, fmt.Errorf("date %s %s %s is out of range", l.arr.ValueStr(i&l.mask), op, intervalText(iv))
			}
			out.vals[i] = int32(v)
		}
		return out.finish(lt), nil
	case isTimestamp(lt) && isInterval(rt):
		lc, err := convertOperand(k, l, timestampType())
		if err != nil {
			return nil, err
		}
		defer lc.arr.Release()
		out := newFixedOut[int64](k)
		x, y := values[int64](lc.arr), values[arrow.MonthDayNanoInterval](r.arr)
		for i := range out.vals {
			iv := y[i&r.mask]
			months, days, us := int64(iv.Months), int64(iv.Days), iv.Nanoseconds/1000
			if op == OpSub {
				months, days, us = -months, -days, -us
			}
			d, tod := splitTimestamp(x[i&lc.mask])
			d = addMonths(d, months) + days
			v, ok := mulInt64(d, usPerDay)
			if ok {
				v, ok = addChecked(v, tod)
			}
			if ok {
				v, ok = addChecked(v, us)
			}
			if !ok && !out.isNull(i) {
				out.release()
				return nil, fmt.Errorf("timestamp %s %s %s is out of range", lc.arr.ValueStr(i&lc.mask), op, intervalText(iv))
			}
			out.vals[i] = v
		}
		return out.finish(timestampType()), nil
	}
	return nil, fmt.Errorf("engine: %s %s %s", sqlTypeName(lt), op, sqlTypeName(rt))
}

func addChecked(a, b int64) (int64, bool) {
	s := a + b
	return s, (a^s)&(b^s) >= 0
}

// intervalText renders an interval for messages.
func intervalText(iv arrow.MonthDayNanoInterval) string {
	return fmt.Sprintf("INTERVAL %d months %d days %d nanoseconds", iv.Months, iv.Days, iv.Nanoseconds)
}
