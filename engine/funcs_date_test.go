package engine

import (
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/scalar"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDateParts(t *testing.T) {
	const ts = "2024-03-05 14:07:09.012345" // a Tuesday
	parts := []struct {
		name       string
		date, tsv  string
		preEpochTS string // of 1969-12-28 23:59:59.5 (a Sunday)
	}{
		{"year", "2024", "2024", "1969"},
		{"month", "3", "3", "12"},
		{"day", "5", "5", "28"},
		{"dayofmonth", "5", "5", "28"},
		{"hour", "0", "14", "23"},
		{"minute", "0", "7", "59"},
		{"second", "0", "9", "59"},
		{"millisecond", "0", "9012", "59500"},
		{"microsecond", "0", "9012345", "59500000"},
		{"quarter", "1", "1", "4"},
		{"dayofweek", "2", "2", "0"},
		{"isodow", "2", "2", "7"},
		{"dayofyear", "65", "65", "362"},
		{"week", "10", "10", "52"},
		{"weekofyear", "10", "10", "52"},
	}
	for _, p := range parts {
		checkFunc(t, p.name, types(tDate), []exprCase{row(p.date, "2024-03-05"), row("NULL", nil)})
		checkFunc(t, p.name, types(tTS), []exprCase{row(p.tsv, ts), row(p.preEpochTS, "1969-12-28 23:59:59.5"), row("NULL", nil)})
	}
	checkFunc(t, "week", types(tDate), []exprCase{
		row("53", "2021-01-01"), row("1", "2024-12-30"), row("53", "2020-12-31"), row("1", "2024-01-01"), row("52", "2023-01-01"),
	})
	checkFunc(t, "dayofyear", types(tDate), []exprCase{row("366", "2024-12-31"), row("365", "2023-12-31"), row("1", "1900-01-01")})
	checkFunc(t, "dayofweek", types(tDate), []exprCase{row("4", "1970-01-01"), row("0", "2024-01-07"), row("6", "1600-01-01")})
	checkFunc(t, "year", types(tStr), []exprCase{row("2024", "2024-03-05"), row("2024", "2024-03-05 10:00:00"), row("!could not convert", "x")})
	checkFunc(t, "year", types(&arrow.TimestampType{Unit: arrow.Nanosecond}), []exprCase{row("2024", ts)})
	checkFunc(t, "date_part", types(tStr, tTS), []exprCase{
		row("2024", "year", ts), row("2", "dow", ts), row("65", "DOY", ts), row("14", "Hour", ts), row("9012", "ms", ts),
		row("!unknown date part 'bogus'", "bogus", ts), row("NULL", nil, ts), row("NULL", "year", nil),
	})
	checkFunc(t, "date_part", types(tStr, tDate), []exprCase{row("3", "month", "2024-03-05")})
}

func TestDateNamesAndLastDay(t *testing.T) {
	checkFunc(t, "dayname", types(tDate), []exprCase{row("Tuesday", "2024-03-05"), row("Sunday", "2024-01-07"), row("NULL", nil)})
	checkFunc(t, "monthname", types(tTS), []exprCase{row("March", "2024-03-05 10:00:00"), row("December", "1969-12-31 23:00:00")})
	checkFunc(t, "last_day", types(tDate), []exprCase{
		row("2024-02-29", "2024-02-10"), row("2023-02-28", "2023-02-10"), row("2024-12-31", "2024-12-31"), row("2000-02-29", "2000-02-01"),
		row("1900-02-28", "1900-02-01"), row("NULL", nil),
	})
	checkFunc(t, "last_day", types(tTS), []exprCase{row("2024-04-30", "2024-04-15 23:00:00")})
	checkFunc(t, "make_date", types(tI64, tI32, tI64), []exprCase{
		row("2024-02-29", 2024, 2, 29), row("!not a valid date", 2023, 2, 29), row("!not a valid date", 2023, 13, 1), row("NULL", nil, 1, 1),
	})
}

func TestDateAddFunctions(t *testing.T) {
	iv := func(months, days int32, nanos int64) arrow.MonthDayNanoInterval {
		return arrow.MonthDayNanoInterval{Months: months, Days: days, Nanoseconds: nanos}
	}
	checkFunc(t, "date_add", types(tDate, tIv), []exprCase{
		row("2024-02-29", "2024-01-31", iv(1, 0, 0)), row("2025-01-31", "2024-01-31", iv(12, 0, 0)),
		row("2024-02-01", "2024-01-31", iv(0, 1, 0)), row("!cast the DATE to TIMESTAMP", "2024-01-31", iv(0, 0, 3600e9)),
		row("NULL", nil, iv(0, 1, 0)),
	})
	checkFunc(t, "date_sub", types(tDate, tIv), []exprCase{row("2024-02-29", "2024-03-31", iv(1, 0, 0)), row("2023-12-31", "2024-01-01", iv(0, 1, 0))})
	checkFunc(t, "adddate", types(tDate, tI32), []exprCase{row("2024-03-01", "2024-02-28", 2)})
	checkFunc(t, "subdate", types(tDate, tI64), []exprCase{row("2024-02-27", "2024-02-28", 1)})
	checkFunc(t, "date_add", types(tTS, tIv), []exprCase{
		row("2024-02-29 12:00:00", "2024-01-31 11:00:00", iv(1, 0, 3600e9)),
		row("2024-03-01 00:30:00.5", "2024-02-29 23:30:00", iv(0, 0, 3600e9+5e8)),
	})
	checkFunc(t, "date_add", types(tStr, tIv), []exprCase{row("2024-02-29", "2024-01-31", iv(1, 0, 0))})
	checkFunc(t, "datediff", types(tDate, tDate), []exprCase{
		row("2", "2024-03-01", "2024-02-28"), row("-366", "2023-03-01", "2024-03-01"), row("NULL", nil, "2024-03-01"),
	})
	checkFunc(t, "datediff", types(tTS, tTS), []exprCase{row("1", "2024-03-01 00:00:01", "2024-02-29 23:59:59")})
	checkFunc(t, "datediff", types(tTS, tDate), []exprCase{row("0", "1969-12-31 23:00:00", "1969-12-31")})
	checkFunc(t, "datediff", types(tStr, tDate, tDate), []exprCase{
		row("1", "month", "2024-01-31", "2024-02-01"), row("1", "year", "2023-12-31", "2024-01-01"),
		row("-1", "quarter", "2024-04-01", "2024-03-31"), row("366", "day", "2024-01-01", "2025-01-01"),
		row("!does not support the date part 'week'", "week", "2024-01-01", "2024-01-08"),
	})
	checkFunc(t, "date_diff", types(tStr, tTS, tTS), []exprCase{
		row("1", "hour", "2024-01-01 10:59:59", "2024-01-01 11:00:00"), row("90", "minute", "2024-01-01 10:00:00", "2024-01-01 11:30:59"),
		row("1500", "ms", "2024-01-01 10:00:00", "2024-01-01 10:00:01.5"),
	})
}

func TestDateAddConstInterval(t *testing.T) {
	ctx, mem := testCtx(t)
	hour := scalar.NewMonthDayNanoIntervalScalar(arrow.MonthDayNanoInterval{Nanoseconds: 2 * 3600e9})
	day := scalar.NewMonthDayNanoIntervalScalar(arrow.MonthDayNanoInterval{Days: 1})
	for _, tc := range []struct {
		iv   scalar.Scalar
		want string
		t    arrow.DataType
	}{
		{hour, "2024-01-04 22:00:00", tTS},
		{day, "2024-01-04", tDate},
	} {
		f, err := ResolveFuncConst("date_sub", types(tDate, tIv), []scalar.Scalar{nil, tc.iv})
		require.NoError(t, err)
		require.True(t, arrow.TypeEqual(tc.t, f.Result), "%s", f.Result)
		var d Expr = &Lit{Value: mustScalar(t, mem, tDate, "2024-01-05")}
		if !arrow.TypeEqual(f.Args[0], tDate) {
			d = &Cast{X: d, T: f.Args[0]}
		}
		got, err := evalStrings(ctx, &FuncCall{Fn: f, Args: []Expr{d, &Lit{Value: tc.iv}}}, nil, 1)
		require.NoError(t, err)
		assert.Equal(t, []string{tc.want}, got)
	}
}

func TestDateTrunc(t *testing.T) {
	checkFunc(t, "date_trunc", types(tStr, tDate), []exprCase{
		row("2024-02-01", "month", "2024-02-29"), row("2024-01-01", "year", "2024-02-29"), row("2024-01-01", "week", "2024-01-07"),
		row("2024-04-01", "quarter", "2024-05-17"), row("2024-02-29", "day", "2024-02-29"), row("2024-02-29", "hour", "2024-02-29"),
		row("!does not support the date part 'dow'", "dow", "2024-02-29"), row("!unknown date part", "nope", "2024-02-29"),
		row("NULL", nil, "2024-02-29"),
	})
	checkFunc(t, "date_trunc", types(tStr, tTS), []exprCase{
		row("2024-04-01 00:00:00", "quarter", "2024-05-17 10:00:00"), row("2024-05-17 10:00:00", "hour", "2024-05-17 10:59:59.9"),
		row("2024-05-17 10:59:00", "minute", "2024-05-17 10:59:59.9"), row("2024-05-17 10:59:59", "second", "2024-05-17 10:59:59.9"),
		row("1969-01-01 00:00:00", "year", "1969-12-31 23:59:59"), row("1969-12-31 00:00:00", "day", "1969-12-31 23:59:59"),
		row("1969-12-29 00:00:00", "week", "1970-01-01 10:00:00"), row("2024-05-17 10:59:59.123", "millisecond", "2024-05-17 10:59:59.123456"),
	})
}

func TestDateFormat(t *testing.T) {
	const ts = "2024-03-05 14:07:09.012345"
	checkFunc(t, "date_format", types(tTS, tStr), []exprCase{
		row("2024-03-05 14:07:09", ts, "%Y-%m-%d %H:%i:%s"),
		row("24 3 5 14 02 2 012345 PM", ts, "%y %c %e %k %h %l %f %p"),
		row("March Mar Tuesday Tue 065 2 5th 14:07:09 02:07:09 PM % x", ts, "%M %b %W %a %j %w %D %T %r %% %x"),
	})
	checkFunc(t, "date_format", types(tDate, tStr), []exprCase{
		row("2024-03-05 00 12 AM", "2024-03-05", "%Y-%m-%d %H %h %p"), row("NULL", nil, "%Y"), row("NULL", "2024-03-05", nil),
		row("1st", "2024-03-01", "%D"), row("2nd", "2024-03-02", "%D"), row("3rd", "2024-03-03", "%D"), row("11th", "2024-03-11", "%D"),
		row("22nd", "2024-03-22", "%D"), row("abc%", "2024-03-05", "abc%"),
	})
	checkFunc(t, "strftime", types(tTS, tStr), []exprCase{
		row("2024/03/05 14:07:09.012345", ts, "%Y/%m/%d %H:%M:%S.%f"),
		row("065 Tue Tuesday Mar March PM 02 5 3 2 2 % 24", ts, "%j %a %A %b %B %p %I %-d %-m %w %u %% %y"),
		row("2 7 9 65 14", ts, "%-I %-M %-S %-j %-H"),
		row("!unsupported format specifier %Q", ts, "%Q"),
		row("!unsupported format specifier %-Y", ts, "%-Y"),
	})
	checkFunc(t, "strftime", types(tDate, tStr), []exprCase{row("05.03.2024", "2024-03-05", "%d.%m.%Y")})
}

// TestCivilCalendar checks the calendar arithmetic against the time package
// over four centuries around the epoch.
func TestCivilCalendar(t *testing.T) {
	start := time.Date(1800, 1, 1, 0, 0, 0, 0, time.UTC)
	for d := start; d.Year() < 2200; d = d.AddDate(0, 0, 1) {
		days := d.Unix() / 86400
		y, m, dd := civil(days)
		if y != int64(d.Year()) || m != int(d.Month()) || dd != d.Day() {
			t.Fatalf("civil(%d) = %d-%d-%d, want %s", days, y, m, dd, d.Format("2006-01-02"))
		}
		if got := daysFromCivil(y, m, dd); got != days {
			t.Fatalf("daysFromCivil(%d-%d-%d) = %d, want %d", y, m, dd, got, days)
		}
		if got := weekday(days); got != int64(d.Weekday()) {
			t.Fatalf("weekday(%s) = %d, want %d", d.Format("2006-01-02"), got, d.Weekday())
		}
		_, wk := d.ISOWeek()
		if got := isoWeek(days); got != int64(wk) {
			t.Fatalf("isoWeek(%s) = %d, want %d", d.Format("2006-01-02"), got, wk)
		}
		if got := partValue(partDayOfYear, days, 0); got != int64(d.YearDay()) {
			t.Fatalf("dayofyear(%s) = %d, want %d", d.Format("2006-01-02"), got, d.YearDay())
		}
		for _, months := range []int64{1, -1, 13, -25} {
			want := d.AddDate(0, int(months), 0)
			// time.AddDate normalises overflowing days into the next
			// month; SQL clamps to the month's end.
			if want.Day() != d.Day() {
				want = want.AddDate(0, 0, -want.Day())
			}
			got := addMonths(days, months)
			assert.Equal(t, want.Unix()/86400, got, "%s + %d months", d.Format("2006-01-02"), months)
		}
	}
}
