package hopsworks

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/scalar"

	"github.com/hopsql/hopsql/connector"
)

// Formats of temporal filter values: the Hopsworks client's
// "%Y-%m-%d %H:%M:%S" for timestamps, in UTC, and ISO dates.
const (
	timestampLayout = "2006-01-02 15:04:05"
	dateLayout      = "2006-01-02"
)

// literal is a filter value in the forms the protocol needs: as a string
// on the REST wire (what the Hopsworks client's str(value) gives), as a
// typed JSON value in a client-built Flight payload, and as SQL for
// EXPLAIN.
type literal struct {
	null bool   // no value: IS NULL
	text string // the REST form
	json any    // the Flight payload form: json.Number, string or bool
	sql  string // the EXPLAIN form

	// fraction marks a timestamp with a sub-second part, which the
	// model's format cannot carry; ts is the timestamp.
	fraction bool
	ts       time.Time
}

func nullLiteral() literal { return literal{null: true, sql: "NULL"} }

func stringLiteral(s string) literal {
	return literal{text: s, json: s, sql: quoteSQL(s)}
}

func numberLiteral(s string) literal {
	return literal{text: s, json: json.Number(s), sql: s}
}

func timestampLiteral(t time.Time) literal {
	s := t.Format(timestampLayout)
	return literal{text: s, json: s, sql: "TIMESTAMP " + quoteSQL(s), fraction: t.Nanosecond() != 0, ts: t}
}

// floor returns the timestamp literal rounded down to the second.
func (l literal) floor() literal { return timestampLiteral(l.ts.Truncate(time.Second)) }

// ceil returns the timestamp literal rounded up to the second.
func (l literal) ceil() literal {
	t := l.ts.Truncate(time.Second)
	if t.Before(l.ts) {
		t = t.Add(time.Second)
	}
	return timestampLiteral(t)
}

// listLiteral returns the value of an IN condition: the values as a JSON
// array, which the Hopsworks client sends as a string (json.dumps of the
// list) both on REST and in the Flight payload.
func listLiteral(values []literal) literal {
	var text, sql strings.Builder
	text.WriteByte('[')
	sql.WriteByte('(')
	for i, v := range values {
		if i > 0 {
			text.WriteString(", ")
			sql.WriteString(", ")
		}
		// Marshalling a json.Number, string or bool cannot fail.
		b, _ := asciiJSON(v.json)
		text.Write(b)
		sql.WriteString(v.sql)
	}
	text.WriteByte(']')
	sql.WriteByte(')')
	return literal{text: text.String(), json: text.String(), sql: sql.String()}
}

// renderLiteral renders v, a literal compared with the feature f, or
// reports false if the protocol cannot carry it exactly: a value of
// another type than the feature's, NaN or an infinity, a date outside
// years 1 to 9999, a feature of a type without literals (binary, arrays,
// structs).
func renderLiteral(f connector.Feature, v scalar.Scalar) (literal, bool) {
	if v == nil || !v.IsValid() || f.DataType == nil {
		return literal{}, false
	}
	switch f.DataType.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64:
		if s, ok := integerText(v); ok {
			return numberLiteral(s), true
		}
	case arrow.FLOAT32, arrow.FLOAT64:
		var x float64
		switch v := v.(type) {
		case *scalar.Float32:
			// The exact value of the float32: whether the server
			// compares as float or as double, it matches the column.
			x = float64(v.Value)
		case *scalar.Float64:
			x = v.Value
		default:
			return literal{}, false
		}
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return literal{}, false
		}
		return numberLiteral(pythonFloat(x)), true
	case arrow.DECIMAL128:
		if v, ok := v.(*scalar.Decimal128); ok {
			scale := v.DataType().(*arrow.Decimal128Type).Scale
			return numberLiteral(v.Value.ToString(scale)), true
		}
	case arrow.BOOL:
		if v, ok := v.(*scalar.Boolean); ok {
			// Python's str(True) is "True"; the backend writes it into
			// the SQL as is.
			if v.Value {
				return literal{text: "True", json: true, sql: "TRUE"}, true
			}
			return literal{text: "False", json: false, sql: "FALSE"}, true
		}
	case arrow.STRING:
		switch v := v.(type) {
		case *scalar.String:
			return stringLiteral(string(v.Value.Bytes())), true
		case *scalar.LargeString:
			return stringLiteral(string(v.Value.Bytes())), true
		}
	case arrow.DATE32:
		if v, ok := v.(*scalar.Date32); ok {
			t := v.Value.ToTime()
			if t.Year() < 1 || t.Year() > 9999 {
				return literal{}, false
			}
			s := t.Format(dateLayout)
			return literal{text: s, json: s, sql: "DATE " + quoteSQL(s)}, true
		}
	case arrow.TIMESTAMP:
		if v, ok := v.(*scalar.Timestamp); ok {
			unit := v.DataType().(*arrow.TimestampType).Unit
			t := v.Value.ToTime(unit).UTC()
			if t.Year() < 1 || t.Year() > 9999 {
				return literal{}, false
			}
			return timestampLiteral(t), true
		}
	}
	return literal{}, false
}

// integerText renders an integer scalar in decimal.
func integerText(v scalar.Scalar) (string, bool) {
	switch v := v.(type) {
	case *scalar.Int8:
		return strconv.FormatInt(int64(v.Value), 10), true
	case *scalar.Int16:
		return strconv.FormatInt(int64(v.Value), 10), true
	case *scalar.Int32:
		return strconv.FormatInt(int64(v.Value), 10), true
	case *scalar.Int64:
		return strconv.FormatInt(v.Value, 10), true
	case *scalar.Uint8:
		return strconv.FormatUint(uint64(v.Value), 10), true
	case *scalar.Uint16:
		return strconv.FormatUint(uint64(v.Value), 10), true
	case *scalar.Uint32:
		return strconv.FormatUint(uint64(v.Value), 10), true
	case *scalar.Uint64:
		return strconv.FormatUint(v.Value, 10), true
	}
	return "", false
}

// pythonFloat renders x as Python's repr does: the shortest text that
// reads back as x, in scientific notation for exponents below -4 or from
// 16 on, and with ".0" on whole numbers (0.1, 100.0, 1e+16, 1.5e-05).
func pythonFloat(x float64) string {
	e := strconv.FormatFloat(x, 'e', -1, 64)
	exp, _ := strconv.Atoi(e[strings.LastIndexByte(e, 'e')+1:])
	if exp < -4 || exp >= 16 {
		return e
	}
	s := strconv.FormatFloat(x, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

// quoteSQL quotes s as a SQL string literal.
func quoteSQL(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
