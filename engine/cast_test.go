package engine

import (
	"math"
	"strconv"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/stretchr/testify/assert"
)

func castTo(to arrow.DataType) func([]Expr) Expr {
	return func(a []Expr) Expr { return &Cast{X: a[0], T: to} }
}

func TestCastNumbers(t *testing.T) {
	checkExpr(t, types(tI64), castTo(tI8), []exprCase{
		row("127", 127), row("-128", -128), row("!value 128 is out of range for TINYINT", 128), row("NULL", nil),
	})
	checkExpr(t, types(tI8), castTo(tI64), []exprCase{row("-128", -128)})
	checkExpr(t, types(tI32), castTo(tI16), []exprCase{row("-32768", -32768), row("!out of range for SMALLINT", 40000)})
	checkExpr(t, types(tI64), castTo(dec(5, 2)), []exprCase{
		row("12.00", 12), row("-999.00", -999), row("!out of range for DECIMAL(5,2)", 1000), row("NULL", nil),
	})
	checkExpr(t, types(tI64), castTo(dec(38, 19)), []exprCase{row("9223372036854775807.0000000000000000000", math.MaxInt64)})
	checkExpr(t, types(dec(5, 1)), castTo(tI64), []exprCase{
		row("3", "2.5"), row("-3", "-2.5"), row("2", "2.4"), row("-2", "-1.5"), row("0", "0.4"), row("NULL", nil),
	})
	checkExpr(t, types(dec(38, 0)), castTo(tI64), []exprCase{
		row("9223372036854775807", "9223372036854775807"), row("!out of range for BIGINT", "9223372036854775808"),
		row("-9223372036854775808", "-9223372036854775808"), row("!out of range", "99999999999999999999999999999999999999"),
	})
	checkExpr(t, types(dec(5, 2)), castTo(tI8), []exprCase{row("!out of range for TINYINT", "127.50"), row("127", "127.49"), row("-100", "-99.50")})
	checkExpr(t, types(dec(5, 3)), castTo(dec(4, 2)), []exprCase{
		row("1.24", "1.235"), row("-1.24", "-1.235"), row("1.23", "1.234"), row("!out of range for DECIMAL(4,2)", "99.995"),
		row("99.99", "99.994"), row("NULL", nil),
	})
	checkExpr(t, types(dec(2, 1)), castTo(dec(5, 3)), []exprCase{row("1.500", "1.5"), row("-9.900", "-9.9")})
	checkExpr(t, types(dec(2, 1)), castTo(dec(2, 2)), []exprCase{row("!out of range", "1.5"), row("0.50", "0.5")})
	checkExpr(t, types(dec(38, 10)), castTo(dec(38, 0)), []exprCase{
		row("1234567890123456789012345678", "1234567890123456789012345678.4999999999"),
		row("-1234567890123456789012345679", "-1234567890123456789012345678.5000000000"),
	})
	checkExpr(t, types(tF64), castTo(tI64), []exprCase{
		row("2", 2.5), row("4", 3.5), row("-2", -2.5), row("3", 2.6), row("0", -0.4), row("NULL", nil),
		row("!out of range for BIGINT", 1e19), row("!out of range", math.NaN()), row("!out of range", math.Inf(-1)),
		row("-9223372036854775808", -9223372036854775808.0), row("!out of range", 9223372036854775808.0),
	})
	checkExpr(t, types(tF64), castTo(tI8), []exprCase{row("127", 127.4), row("!out of range", 127.5), row("-128", -128.5)})
	checkExpr(t, types(tF32), castTo(tI32), []exprCase{row("2", 1.5), row("-2", -1.5)})
	checkExpr(t, types(tF64), castTo(dec(5, 2)), []exprCase{
		row("1.00", 1.005), row("2.68", 2.675), row("2.67", 2.67499), row("0.13", 0.125), row("-0.13", -0.125), row("999.99", 999.99),
		row("!out of range for DECIMAL(5,2)", 999.995), row("!out of range", math.NaN()), row("NULL", nil),
	})
	checkExpr(t, types(tF64), castTo(dec(38, 0)), []exprCase{
		row("100000000000000000000", 1e20), row("-123456789012345677877719597056", -1.2345678901234568e29),
		row("!out of range", 1e38),
	})
	checkExpr(t, types(dec(7, 3)), castTo(tF64), []exprCase{row("1.25", "1.250"), row("-0.001", "-0.001"), row("NULL", nil)})
	checkExpr(t, types(dec(38, 2)), castTo(tF64), []exprCase{row("1.2345678901234568e+33", "1234567890123456789012345678901234.56")})
	checkExpr(t, types(tI64), castTo(tF64), []exprCase{row("9.007199254740992e+15", 9007199254740993), row("-3", -3)})
	checkExpr(t, types(tF64), castTo(tF32), []exprCase{row("0.1", 0.1), row("!out of range for FLOAT", 1e300), row("+Inf", math.Inf(1))})
	checkExpr(t, types(tBool), castTo(tI32), []exprCase{row("1", true), row("0", false), row("NULL", nil)})
	checkExpr(t, types(tI64), castTo(tBool), []exprCase{row("true", 5), row("false", 0), row("true", -1)})
	checkExpr(t, types(tF64), castTo(tBool), []exprCase{row("true", 0.5), row("false", 0.0)})
	checkExpr(t, types(tBool), castTo(tF64), []exprCase{row("1", true)})
	checkExpr(t, types(tNull), castTo(dec(5, 2)), []exprCase{row("NULL", nil)})
}

func TestCastFromString(t *testing.T) {
	checkExpr(t, types(tStr), castTo(tI64), []exprCase{
		row("42", " 42 "), row("7", "+7"), row("0", "-0"), row("2", "1.5"), row("-3", "-2.5"), row("1000", "1e3"),
		row("5", "0.5e1"), row("9223372036854775807", "9223372036854775807"), row("NULL", nil),
		row("-9223372036854775808", "-9223372036854775808"),
		row("!could not convert 'abc' to BIGINT", "abc"), row("!could not convert '' to BIGINT", ""),
		row("!could not convert", "9223372036854775808"), row("!could not convert", "12abc"),
		row("!could not convert", "1_000"), row("!could not convert", "1e"), row("!could not convert", "."),
		row("!could not convert", "--1"), row("0", "0.0000000000000000000000000000000000000000001"),
	})
	checkExpr(t, types(tStr), castTo(tI8), []exprCase{row("-128", "-128"), row("!could not convert '200' to TINYINT", "200")})
	checkExpr(t, types(tStr), castTo(tF64), []exprCase{
		row("1.5", "1.5"), row("-0.002", " -2e-3 "), row("+Inf", "inf"), row("-Inf", "-Infinity"), row("NaN", "NaN"),
		row("!could not convert 'abc' to DOUBLE", "abc"), row("!could not convert", "1e400"), row("!could not convert", "0x10"),
		row("!could not convert", ""),
	})
	checkExpr(t, types(tStr), castTo(tF32), []exprCase{row("0.1", "0.1"), row("!could not convert", "1e40")})
	checkExpr(t, types(tStr), castTo(dec(5, 2)), []exprCase{
		row("1.01", "1.005"), row("-1.01", "-1.005"), row("0.50", ".5"), row("5.00", "5."), row("100.00", "1e2"),
		row("0.00", "0.000000000000000000000000000000000000000000001"), row("999.99", "999.994"),
		row("!could not convert '123456' to DECIMAL(5,2)", "123456"), row("!could not convert", "999.995"),
		row("!could not convert", "1.2.3"), row("NULL", nil),
	})
	checkExpr(t, types(tStr), castTo(dec(38, 2)), []exprCase{
		row("123456789012345678901234567890.12", "12345678901234567890123456789012345678901234567890e-20"),
		row("!could not convert", "1e37"), row("0.00", "1e-100000000000"), row("!could not convert", "1e100000000000"),
	})
	checkExpr(t, types(tStr), castTo(tDate), []exprCase{
		row("2024-02-29", "2024-02-29"), row("2024-01-05", " 2024-1-5 "), row("2024-01-05", "2024-01-05 10:00:00"),
		row("2024-01-05", "2024-01-05T10:00"), row("!could not convert '2023-02-29' to DATE", "2023-02-29"),
		row("!could not convert", "2024-13-01"), row("!could not convert", "abc"), row("!could not convert", "2024-01-05 99:00"),
		row("!could not convert", "2024-01-05x"), row("NULL", nil), row("1900-02-28", "1900-02-28"),
		row("!could not convert", "1900-02-29"), row("2000-02-29", "2000-02-29"),
	})
	checkExpr(t, types(tStr), castTo(tTS), []exprCase{
		row("2024-01-05 10:11:12.5", "2024-01-05 10:11:12.5"), row("2024-01-05 00:00:00", "2024-01-05"),
		row("2024-01-05 10:11:12", "2024-01-05T10:11:12Z"), row("2024-01-05 08:11:12", "2024-01-05 10:11:12+02:00"),
		row("2024-01-05 12:41:12", "2024-01-05 10:11:12 -0230"), row("2024-01-05 10:11:12.123456", "2024-01-05 10:11:12.1234567"),
		row("2024-01-05 10:11:00", "2024-01-05 10:11"), row("!could not convert '2024-01-05 25:00:00' to TIMESTAMP", "2024-01-05 25:00:00"),
		row("!could not convert", "2024-01-05 10:11:12."), row("!could not convert", "2024-01-05 10:61"),
	})
	checkExpr(t, types(tStr), castTo(tBool), []exprCase{
		row("true", "true"), row("true", "T"), row("true", " yes "), row("false", "0"), row("false", "n"), row("false", "FALSE"),
		row("!could not convert 'maybe' to BOOLEAN", "maybe"),
	})
	checkExpr(t, types(tStr), castTo(arrow.BinaryTypes.Binary), []exprCase{row("abc", "abc")})
	checkExpr(t, types(arrow.BinaryTypes.Binary), castTo(tStr), []exprCase{row("abc", "abc"), row("!not UTF-8", "\xff")})
}

func TestCastToString(t *testing.T) {
	checkExpr(t, types(tI64), castTo(tStr), []exprCase{row("-5", -5), row("NULL", nil), row("-9223372036854775808", math.MinInt64)})
	checkExpr(t, types(tI8), castTo(tStr), []exprCase{row("-128", -128)})
	checkExpr(t, types(tF64), castTo(tStr), []exprCase{
		row("1.0", 1.0), row("0.1", 0.1), row("-2.5", -2.5), row("1e+16", 1e16), row("1000000000000000.0", 1e15),
		row("1.5e-05", 1.5e-5), row("0.0001", 0.0001), row("nan", math.NaN()), row("inf", math.Inf(1)),
		row("-inf", math.Inf(-1)), row("0.30000000000000004", 0.30000000000000004), row("1.2345678901234568e+29", 1.2345678901234568e29),
		row("0.0", 0.0), row("123456.789", 123456.789),
	})
	checkExpr(t, types(tF32), castTo(tStr), []exprCase{row("0.1", 0.1), row("3.4028235e+38", math.MaxFloat32)})
	checkExpr(t, types(dec(3, 2)), castTo(tStr), []exprCase{row("-0.05", "-0.05"), row("1.50", "1.5"), row("0.00", "0")})
	checkExpr(t, types(dec(5, 0)), castTo(tStr), []exprCase{row("12", "12"), row("-12", "-12")})
	checkExpr(t, types(dec(38, 38)), castTo(tStr), []exprCase{row("-0.00000000000000000000000000000000000001", "-0.00000000000000000000000000000000000001")})
	checkExpr(t, types(dec(38, 0)), castTo(tStr), []exprCase{row("-99999999999999999999999999999999999999", "-99999999999999999999999999999999999999")})
	checkExpr(t, types(tDate), castTo(tStr), []exprCase{row("2024-02-29", "2024-02-29"), row("1969-12-31", "1969-12-31"), row("0001-01-01", "0001-01-01")})
	checkExpr(t, types(tTS), castTo(tStr), []exprCase{
		row("2024-01-05 10:11:12.5", "2024-01-05 10:11:12.5"), row("2024-01-05 00:00:00", "2024-01-05 00:00:00"),
		row("1969-12-31 23:59:59.999999", "1969-12-31 23:59:59.999999"), row("2024-01-05 10:11:12.000001", "2024-01-05 10:11:12.000001"),
	})
	checkExpr(t, types(tBool), castTo(tStr), []exprCase{row("true", true), row("false", false)})
	checkExpr(t, types(tStr), castTo(tStr), []exprCase{row("x", "x")})
	checkExpr(t, types(tNull), castTo(tStr), []exprCase{row("NULL", nil)})
}

func TestCastTemporal(t *testing.T) {
	checkExpr(t, types(tDate), castTo(tTS), []exprCase{row("2024-02-29 00:00:00", "2024-02-29"), row("1969-12-31 00:00:00", "1969-12-31")})
	checkExpr(t, types(tTS), castTo(tDate), []exprCase{
		row("2024-02-29", "2024-02-29 23:59:59.999999"), row("1969-12-31", "1969-12-31 23:00:00"), row("NULL", nil),
	})
	sec := &arrow.TimestampType{Unit: arrow.Second}
	ns := &arrow.TimestampType{Unit: arrow.Nanosecond}
	checkExpr(t, types(tTS), castTo(sec), []exprCase{row("2024-01-05 10:11:12", "2024-01-05 10:11:12.9")})
	checkExpr(t, types(tTS), castTo(ns), []exprCase{row("2024-01-05 10:11:12.9", "2024-01-05 10:11:12.9"), row("!out of range", "3000-01-01 00:00:00")})
	checkExpr(t, types(tDate), castTo(ns), []exprCase{row("!out of range", "3000-01-01")})
}

func TestCastType(t *testing.T) {
	ok := [][2]arrow.DataType{
		{tI64, tI8}, {tF32, dec(5, 2)}, {dec(5, 2), tF64}, {tStr, tDate}, {tTS, tStr}, {tDate, tTS},
		{tBool, tI64}, {tI32, tBool}, {tNull, tIv}, {tStr, arrow.BinaryTypes.Binary}, {tIv, tIv},
	}
	for _, c := range ok {
		assert.NoError(t, CastType(c[0], c[1]), "%s -> %s", c[0], c[1])
	}
	bad := [][2]arrow.DataType{{tDate, tI64}, {tBool, tDate}, {tIv, tStr}, {tBool, dec(5, 2)}, {tI64, tTS}, {arrow.BinaryTypes.Binary, tI64}}
	for _, c := range bad {
		err := CastType(c[0], c[1])
		if assert.Error(t, err, "%s -> %s", c[0], c[1]) {
			assert.Contains(t, err.Error(), "cannot cast")
		}
	}
}

// FuzzCastString feeds arbitrary text to the string conversions: they must
// never panic, and what they accept must survive a round trip through the
// canonical text.
func FuzzCastString(f *testing.F) {
	for _, s := range []string{
		"42", " -1.5e3 ", "1e400", "9223372036854775808", ".", "0.000000000000000000000000000000000000000000001",
		"2024-02-29", "2024-02-29 10:11:12.123456789+05:30", "1-1-1", "true", "nan", "-Infinity", "1.2.3", "\xff",
		"99999999999999999999999999999999999999", "1e-99999999999",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if v, ok := parseInt(s); ok {
			if back, ok := parseInt(strconv.FormatInt(v, 10)); !ok || back != v {
				t.Fatalf("int %q: %d does not round-trip", s, v)
			}
		}
		parseFloat(s, 32)
		if f, ok := parseFloat(s, 64); ok && !math.IsNaN(f) {
			if back, ok := parseFloat(string(appendFloat(nil, f, 64)), 64); !ok || back != f {
				t.Fatalf("float %q: %v does not round-trip", s, f)
			}
		}
		for _, ps := range [][2]int{{38, 0}, {38, 10}, {5, 2}, {18, 18}} {
			bound := pow10u(ps[0])
			if v, ok := parseDecimal(s, ps[1], bound); ok {
				text := string(appendDecimal(nil, v, int32(ps[1])))
				if back, ok := parseDecimal(text, ps[1], bound); !ok || back != v {
					t.Fatalf("decimal(%d,%d) %q: %s does not round-trip", ps[0], ps[1], s, text)
				}
			}
		}
		if d, ok := parseDate(s); ok {
			text := string(appendDate(nil, int64(d)))
			if back, ok := parseDate(text); ok && back != d {
				t.Fatalf("date %q: %s does not round-trip", s, text)
			}
		}
		if us, ok := parseTimestamp(s); ok {
			text := string(appendTimestamp(nil, us, 1e6))
			if back, ok := parseTimestamp(text); ok && back != us {
				t.Fatalf("timestamp %q: %s does not round-trip", s, text)
			}
		}
		parseBool(s)
	})
}
