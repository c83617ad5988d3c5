package engine

import (
	"fmt"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/scalar"
)

// Date and time functions. DATE is days since 1970-01-01 and TIMESTAMP
// microseconds since 1970-01-01 00:00:00, both proleptic Gregorian without
// time zones. Where a function takes a date or timestamp:
//
//   - year, month, day (dayofmonth), hour, minute, second, millisecond,
//     microsecond, quarter, dayofweek (0 = Sunday, as DuckDB), isodow
//     (1 = Monday … 7 = Sunday), dayofyear (1-based), week and weekofyear
//     (the ISO 8601 week, as DuckDB; MySQL's default week mode differs) give
//     BIGINT; hour, minute and second of a DATE are 0. second is the whole
//     seconds; millisecond and microsecond include them (as DuckDB:
//     second*1000 + ms).
//   - date_part(part, d) is any of the above by name (also dow, doy).
//   - dayname and monthname give English names; last_day gives the DATE of
//     the month's last day.
//   - date_add(d, i) and date_sub(d, i) (also adddate, subdate) add or
//     subtract an INTERVAL, with the types of DATE ± INTERVAL in ArithType;
//     a BIGINT i counts days. Resolved with ResolveFuncConst and a constant
//     interval that has a time of day (INTERVAL 2 HOUR), a DATE argument
//     converts to TIMESTAMP and so does the result, as MySQL's DATE_ADD.
//   - datediff(a, b) is the BIGINT number of days a − b between the dates
//     (MySQL; timestamps use their dates). datediff(part, start, end) and
//     date_diff are DuckDB's: the number of part boundaries from start to
//     end for year, quarter, month and day, and the whole number of parts
//     between the instants for hour, minute, second, millisecond and
//     microsecond.
//   - date_trunc(part, d) truncates to year, quarter, month, week (ISO, from
//     Monday), day, hour, minute, second or millisecond; a DATE stays a DATE.
//   - date_format(d, f) formats with MySQL specifiers and strftime(d, f)
//     with C specifiers (see formatSpecs).
//   - make_date(y, m, d) builds a DATE; an invalid date is an error.
//
// A VARCHAR argument where a date is expected converts to TIMESTAMP for the
// part and formatting functions and to DATE for the others.

func dateFuncNames() []string {
	return []string{"year", "month", "day", "dayofmonth", "hour", "minute", "second", "millisecond",
		"microsecond", "quarter", "dayofweek", "isodow", "dayofyear", "week", "weekofyear", "date_part",
		"dayname", "monthname", "last_day", "date_add", "date_sub", "adddate", "subdate", "datediff",
		"date_diff", "date_trunc", "date_format", "strftime", "make_date"}
}

func dateFunc(name string) (funcSpec, bool) {
	switch name {
	case "year", "month", "day", "dayofmonth", "hour", "minute", "second", "millisecond", "microsecond",
		"quarter", "dayofweek", "isodow", "dayofyear", "week", "weekofyear":
		part, _ := parsePart(name)
		return funcSpec{sigs: name + "(DATE | TIMESTAMP)", resolve: func(c *call) *Func {
			args, ok := match(c.args, timestampParam)
			if !ok || len(args) != 1 {
				return nil
			}
			return newFunc(args, arrow.PrimitiveTypes.Int64, extractKernel(part))
		}}, true
	case "date_part":
		return funcSpec{sigs: "date_part(VARCHAR, DATE | TIMESTAMP)", resolve: func(c *call) *Func {
			args, ok := match(c.args, stringParam, timestampParam)
			if !ok || len(args) != 2 {
				return nil
			}
			return newFunc(args, arrow.PrimitiveTypes.Int64, datePartKernel)
		}}, true
	case "dayname", "monthname":
		return funcSpec{sigs: name + "(DATE | TIMESTAMP)", resolve: func(c *call) *Func {
			args, ok := match(c.args, timestampParam)
			if !ok || len(args) != 1 {
				return nil
			}
			return newFunc(args, arrow.BinaryTypes.String, nameKernel(name == "dayname"))
		}}, true
	case "last_day":
		return funcSpec{sigs: "last_day(DATE | TIMESTAMP)", resolve: func(c *call) *Func {
			args, ok := match(c.args, dateParam)
			if !ok || len(args) != 1 {
				return nil
			}
			return newFunc(args, arrow.FixedWidthTypes.Date32, lastDayKernel)
		}}, true
	case "date_add", "date_sub", "adddate", "subdate":
		sub := name == "date_sub" || name == "subdate"
		return funcSpec{sigs: name + "(DATE | TIMESTAMP, INTERVAL | BIGINT)", resolve: func(c *call) *Func {
			if len(c.args) != 2 {
				return nil
			}
			d, ok := dateParam(c.args[0])
			if !ok {
				return nil
			}
			var iv arrow.DataType
			switch {
			case isInterval(c.args[1]), isNull(c.args[1]):
				iv = arrow.FixedWidthTypes.MonthDayNanoInterval
				// A constant interval with a time of day makes a DATE a
				// TIMESTAMP, as in MySQL.
				if k, ok := c.constArg(1).(*scalar.MonthDayNanoInterval); ok && k.IsValid() && isDate(d) && k.Value.Nanoseconds%(usPerDay*1000) != 0 {
					d = timestampType()
				}
			case isInteger(c.args[1]):
				iv = arrow.PrimitiveTypes.Int64
			default:
				return nil
			}
			op := OpAdd
			if sub {
				op = OpSub
			}
			t, ok := temporalArithType(op, d, iv)
			if !ok {
				return nil
			}
			return newFunc([]arrow.DataType{d, iv}, t, func(k *kernel, args []operand) (arrow.Array, error) {
				return temporalArith(k, op, args[0], args[1])
			})
		}}, true
	case "datediff", "date_diff":
		return funcSpec{sigs: name + "(DATE | TIMESTAMP, DATE | TIMESTAMP), " + name + "(VARCHAR, DATE | TIMESTAMP, DATE | TIMESTAMP)", resolve: func(c *call) *Func {
			switch len(c.args) {
			case 2:
				if name != "datediff" {
					return nil
				}
				args, ok := match(c.args, dateParam)
				if !ok {
					return nil
				}
				return newFunc(args, arrow.PrimitiveTypes.Int64, dateDiffKernel)
			case 3:
				args, ok := match(c.args, stringParam, timestampParam)
				if !ok {
					return nil
				}
				return newFunc(args, arrow.PrimitiveTypes.Int64, partDiffKernel)
			}
			return nil
		}}, true
	case "date_trunc":
		return funcSpec{sigs: "date_trunc(VARCHAR, DATE | TIMESTAMP)", resolve: func(c *call) *Func {
			args, ok := match(c.args, stringParam, timestampParam)
			if !ok || len(args) != 2 {
				return nil
			}
			if isDate(c.args[1]) {
				args[1] = c.args[1]
			}
			return newFunc(args, args[1], dateTruncKernel)
		}}, true
	case "date_format", "strftime":
		mysql := name == "date_format"
		return funcSpec{sigs: name + "(DATE | TIMESTAMP, VARCHAR)", resolve: func(c *call) *Func {
			args, ok := match(c.args, timestampParam, stringParam)
			if !ok || len(args) != 2 {
				return nil
			}
			return newFunc(args, arrow.BinaryTypes.String, formatKernel(mysql))
		}}, true
	case "make_date":
		return funcSpec{sigs: "make_date(BIGINT, BIGINT, BIGINT)", resolve: func(c *call) *Func {
			args, ok := match(c.args, intParam)
			if !ok || len(args) != 3 {
				return nil
			}
			return newFunc(args, arrow.FixedWidthTypes.Date32, makeDateKernel)
		}}, true
	}
	return funcSpec{}, false
}

// timestampParam accepts DATE as itself, timestamps as TIMESTAMP and VARCHAR
// (or NULL) as TIMESTAMP.
func timestampParam(t arrow.DataType) (arrow.DataType, bool) {
	switch {
	case isDate(t):
		return t, true
	case isTimestamp(t), isString(t), isNull(t):
		return timestampType(), true
	}
	return nil, false
}

// dateParam accepts DATE, timestamps as TIMESTAMP and VARCHAR (or NULL) as
// DATE.
func dateParam(t arrow.DataType) (arrow.DataType, bool) {
	switch {
	case isDate(t), isString(t), isNull(t):
		return arrow.FixedWidthTypes.Date32, true
	case isTimestamp(t):
		return timestampType(), true
	}
	return nil, false
}

const (
	usPerSecond = int64(1e6)
	usPerDay    = 86400 * usPerSecond
)

// datePart is a field of a date or timestamp.
type datePart int

const (
	partYear datePart = iota
	partQuarter
	partMonth
	partWeek
	partDay
	partHour
	partMinute
	partSecond
	partMillisecond
	partMicrosecond
	partDayOfWeek
	partISODayOfWeek
	partDayOfYear
)

func parsePart(s string) (datePart, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "year", "years", "yr", "y":
		return partYear, true
	case "quarter", "quarters":
		return partQuarter, true
	case "month", "months", "mon":
		return partMonth, true
	case "week", "weeks", "weekofyear", "w":
		return partWeek, true
	case "day", "days", "dayofmonth", "d":
		return partDay, true
	case "hour", "hours", "h":
		return partHour, true
	case "minute", "minutes", "min", "m":
		return partMinute, true
	case "second", "seconds", "sec", "s":
		return partSecond, true
	case "millisecond", "milliseconds", "ms":
		return partMillisecond, true
	case "microsecond", "microseconds", "us":
		return partMicrosecond, true
	case "dayofweek", "dow", "weekday":
		return partDayOfWeek, true
	case "isodow":
		return partISODayOfWeek, true
	case "dayofyear", "doy":
		return partDayOfYear, true
	}
	return 0, false
}

// partValue extracts a field from a day number and microseconds into it.
func partValue(p datePart, days, tod int64) int64 {
	switch p {
	case partYear:
		y, _, _ := civil(days)
		return y
	case partQuarter:
		_, m, _ := civil(days)
		return int64(m+2) / 3
	case partMonth:
		_, m, _ := civil(days)
		return int64(m)
	case partWeek:
		return isoWeek(days)
	case partDay:
		_, _, d := civil(days)
		return int64(d)
	case partHour:
		return tod / (3600 * usPerSecond)
	case partMinute:
		return tod / (60 * usPerSecond) % 60
	case partSecond:
		return tod / usPerSecond % 60
	case partMillisecond:
		return tod % (60 * usPerSecond) / 1000
	case partMicrosecond:
		return tod % (60 * usPerSecond)
	case partDayOfWeek:
		return weekday(days)
	case partISODayOfWeek:
		return floorMod(days+3, 7) + 1
	case partDayOfYear:
		y, _, _ := civil(days)
		return days - daysFromCivil(y, 1, 1) + 1
	}
	return 0
}

// dayTime reads row i of a DATE or TIMESTAMP (microseconds) operand.
type dayTime struct {
	dates []int32
	ts    []int64
	mask  int
}

func newDayTime(op operand) dayTime {
	if isDate(op.arr.DataType()) {
		return dayTime{dates: values[int32](op.arr), mask: op.mask}
	}
	return dayTime{ts: values[int64](op.arr), mask: op.mask}
}

func (d dayTime) at(i int) (days, tod int64) {
	if d.dates != nil {
		return int64(d.dates[i&d.mask]), 0
	}
	return splitTimestamp(d.ts[i&d.mask])
}

func extractKernel(p datePart) kernelFunc {
	return func(k *kernel, args []operand) (arrow.Array, error) {
		out := newFixedOut[int64](k)
		x := args[0]
		if isDate(x.arr.DataType()) {
			for i, v := range values[int32](x.arr) {
				out.vals[i] = partValue(p, int64(v), 0)
			}
		} else {
			for i, v := range values[int64](x.arr) {
				days, tod := splitTimestamp(v)
				out.vals[i] = partValue(p, days, tod)
			}
		}
		return out.finish(arrow.PrimitiveTypes.Int64), nil
	}
}

// partReader parses a part-name operand, once when it is constant.
type partReader struct {
	s    *array.String
	mask int
	last string
	part datePart
	ok   bool
	init bool
}

func (r *partReader) at(i int) (datePart, error) {
	s := r.s.Value(i & r.mask)
	if !r.init || s != r.last {
		r.part, r.ok = parsePart(s)
		r.last, r.init = s, true
	}
	if !r.ok {
		return 0, fmt.Errorf("unknown date part '%s'", s)
	}
	return r.part, nil
}

func datePartKernel(k *kernel, args []operand) (arrow.Array, error) {
	out := newFixedOut[int64](k)
	parts := &partReader{s: args[0].arr.(*array.String), mask: args[0].mask}
	d := newDayTime(args[1])
	for i := range out.vals {
		if out.isNull(i) {
			continue
		}
		p, err := parts.at(i)
		if err != nil {
			out.release()
			return nil, err
		}
		days, tod := d.at(i)
		out.vals[i] = partValue(p, days, tod)
	}
	return out.finish(arrow.PrimitiveTypes.Int64), nil
}

// dayName returns the English name of a weekday (0 = Sunday).
func dayName(wd int64) string {
	return [...]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}[wd]
}

// monthName returns the English name of a month (1 = January).
func monthName(m int) string {
	return [...]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}[m-1]
}

func nameKernel(day bool) kernelFunc {
	return func(k *kernel, args []operand) (arrow.Array, error) {
		out := newStringOut(k, k.n*8)
		d := newDayTime(args[0])
		for i := 0; i < k.n; i++ {
			if out.isNull(i) {
				out.b.AppendNull()
				continue
			}
			days, _ := d.at(i)
			if day {
				out.b.Append(dayName(weekday(days)))
			} else {
				_, m, _ := civil(days)
				out.b.Append(monthName(m))
			}
		}
		return out.finish(), nil
	}
}

func lastDayKernel(k *kernel, args []operand) (arrow.Array, error) {
	out := newFixedOut[int32](k)
	d := newDayTime(args[0])
	for i := range out.vals {
		days, _ := d.at(i)
		y, m, _ := civil(days)
		out.vals[i] = int32(daysFromCivil(y, m, daysInMonth(y, m)))
	}
	return out.finish(arrow.FixedWidthTypes.Date32), nil
}

func makeDateKernel(k *kernel, args []operand) (arrow.Array, error) {
	out := newFixedOut[int32](k)
	y, m, d := values[int64](args[0].arr), values[int64](args[1].arr), values[int64](args[2].arr)
	for i := range out.vals {
		if out.isNull(i) {
			continue
		}
		yy, mm, dd := y[i&args[0].mask], m[i&args[1].mask], d[i&args[2].mask]
		if yy < -5877641 || yy > 5881580 || mm < 1 || mm > 12 || dd < 1 || dd > int64(daysInMonth(yy, int(mm))) {
			out.release()
			return nil, fmt.Errorf("%d-%d-%d is not a valid date", yy, mm, dd)
		}
		out.vals[i] = int32(daysFromCivil(yy, int(mm), int(dd)))
	}
	return out.finish(arrow.FixedWidthTypes.Date32), nil
}

func dateDiffKernel(k *kernel, args []operand) (arrow.Array, error) {
	out := newFixedOut[int64](k)
	a, b := newDayTime(args[0]), newDayTime(args[1])
	for i := range out.vals {
		da, _ := a.at(i)
		db, _ := b.at(i)
		out.vals[i] = da - db
	}
	return out.finish(arrow.PrimitiveTypes.Int64), nil
}

func partDiffKernel(k *kernel, args []operand) (arrow.Array, error) {
	out := newFixedOut[int64](k)
	parts := &partReader{s: args[0].arr.(*array.String), mask: args[0].mask}
	a, b := newDayTime(args[1]), newDayTime(args[2])
	for i := range out.vals {
		if out.isNull(i) {
			continue
		}
		p, err := parts.at(i)
		if err != nil {
			out.release()
			return nil, err
		}
		d1, t1 := a.at(i)
		d2, t2 := b.at(i)
		var v int64
		switch p {
		case partYear, partQuarter, partMonth:
			y1, m1, _ := civil(d1)
			y2, m2, _ := civil(d2)
			switch p {
			case partYear:
				v = y2 - y1
			case partQuarter:
				v = (y2*4 + int64(m2-1)/3) - (y1*4 + int64(m1-1)/3)
			default:
				v = (y2*12 + int64(m2)) - (y1*12 + int64(m1))
			}
		case partDay:
			v = d2 - d1
		case partHour, partMinute, partSecond, partMillisecond, partMicrosecond:
			unit := partMicros(p)
			v = (d2*usPerDay+t2)/unit - (d1*usPerDay+t1)/unit
		default:
			out.release()
			return nil, fmt.Errorf("datediff does not support the date part '%s'", parts.last)
		}
		out.vals[i] = v
	}
	return out.finish(arrow.PrimitiveTypes.Int64), nil
}

// partMicros returns the length of a time part in microseconds.
func partMicros(p datePart) int64 {
	switch p {
	case partHour:
		return 3600 * usPerSecond
	case partMinute:
		return 60 * usPerSecond
	case partSecond:
		return usPerSecond
	case partMillisecond:
		return 1000
	}
	return 1
}

func dateTruncKernel(k *kernel, args []operand) (arrow.Array, error) {
	parts := &partReader{s: args[0].arr.(*array.String), mask: args[0].mask}
	x := args[1]
	isDateArg := isDate(x.arr.DataType())
	var dates *fixedOut[int32]
	var stamps *fixedOut[int64]
	if isDateArg {
		dates = newFixedOut[int32](k)
	} else {
		stamps = newFixedOut[int64](k)
	}
	d := newDayTime(x)
	for i := 0; i < k.n; i++ {
		if (isDateArg && dates.isNull(i)) || (!isDateArg && stamps.isNull(i)) {
			continue
		}
		p, err := parts.at(i)
		if err != nil {
			if isDateArg {
				dates.release()
			} else {
				stamps.release()
			}
			return nil, err
		}
		days, tod := d.at(i)
		switch p {
		case partYear, partQuarter, partMonth:
			y, m, _ := civil(days)
			switch p {
			case partYear:
				m = 1
			case partQuarter:
				m = (m-1)/3*3 + 1
			}
			days, tod = daysFromCivil(y, m, 1), 0
		case partWeek:
			days, tod = days-floorMod(days+3, 7), 0
		case partDay:
			tod = 0
		case partHour:
			tod -= tod % (3600 * usPerSecond)
		case partMinute:
			tod -= tod % (60 * usPerSecond)
		case partSecond:
			tod -= tod % usPerSecond
		case partMillisecond:
			tod -= tod % 1000
		case partMicrosecond:
		default:
			err := fmt.Errorf("date_trunc does not support the date part '%s'", parts.last)
			if isDateArg {
				dates.release()
			} else {
				stamps.release()
			}
			return nil, err
		}
		if isDateArg {
			dates.vals[i] = int32(days)
		} else {
			stamps.vals[i] = days*usPerDay + tod
		}
	}
	if isDateArg {
		return dates.finish(x.arr.DataType()), nil
	}
	return stamps.finish(x.arr.DataType()), nil
}
