package local

import (
	"bytes"
	"math"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/decimal128"
	"github.com/apache/arrow/go/v15/arrow/scalar"
	"github.com/hopsql/hopsql/connector"
)

// A pruner decides from Parquet column-chunk statistics which row groups
// cannot hold a row that satisfies a filter, so that a scan can skip them.
// It errs on the side of reading: whatever it cannot prove (missing or
// untrustworthy statistics, unhandled types or predicates, literals of an
// unexpected type) keeps the row group.
//
// Comparisons follow SQL and IEEE 754: NULL satisfies no comparison, and NaN
// (which Parquet writers leave out of min and max) satisfies only <> and
// NOT IN, which therefore never prune a floating-point column.
type pruner struct {
	features map[string]connector.Feature
	filters  []connector.Predicate // the conjuncts that can prune
}

// newPruner keeps the conjuncts of filter that statistics can decide for
// the features of fg.
func newPruner(fg *connector.FeatureGroup, filter []connector.Predicate) *pruner {
	p := &pruner{features: make(map[string]connector.Feature, len(fg.Features))}
	for _, f := range fg.Features {
		p.features[f.Name] = f
	}
	for _, f := range filter {
		if p.usable(f) {
			p.filters = append(p.filters, f)
		}
	}
	return p
}

// feature returns the flat feature a predicate names and its value kind.
func (p *pruner) feature(column string) (connector.Feature, valueKind, bool) {
	f, ok := p.features[strings.ToLower(column)]
	if !ok {
		return f, 0, false
	}
	k := kindOf(f.DataType)
	return f, k, k != kindNone
}

// usable reports whether statistics could ever prove that pred is false.
func (p *pruner) usable(pred connector.Predicate) bool {
	switch pred := pred.(type) {
	case connector.Compare:
		f, k, ok := p.feature(pred.Column)
		if !ok || pred.Op == connector.Ne && !exactKind(k) {
			return false
		}
		_, ok = literal(pred.Value, f.DataType)
		return ok
	case connector.In:
		f, k, ok := p.feature(pred.Column)
		if !ok || pred.Not && (!exactKind(k) || len(pred.Values) == 0) {
			return false
		}
		for _, v := range pred.Values {
			if _, ok := literal(v, f.DataType); !ok {
				return false
			}
		}
		return true
	case connector.IsNull:
		_, _, ok := p.feature(pred.Column)
		return ok
	case connector.And:
		for _, t := range pred {
			if p.usable(t) {
				return true
			}
		}
	case connector.Or:
		for _, t := range pred {
			if !p.usable(t) {
				return false
			}
		}
		return len(pred) > 0
	}
	return false
}

// skip reports whether statistics prove that no row of the row group
// satisfies every filter.
func (p *pruner) skip(rg *rowGroupStats) bool {
	for _, f := range p.filters {
		if p.refutes(f, rg) {
			return true
		}
	}
	return false
}

// refutes reports whether statistics prove pred false (or NULL) for every
// row of the row group.
func (p *pruner) refutes(pred connector.Predicate, rg *rowGroupStats) bool {
	switch pred := pred.(type) {
	case connector.Compare:
		f, k, ok := p.feature(pred.Column)
		if !ok || pred.Op == connector.Ne && !exactKind(k) {
			return false
		}
		v, ok := literal(pred.Value, f.DataType)
		if !ok {
			return false
		}
		s := rg.column(f)
		if s.allNull() {
			return true
		}
		return s.hasMinMax && s.min.kind == v.kind && refutesCompare(pred.Op, v, s)
	case connector.In:
		f, k, ok := p.feature(pred.Column)
		if !ok || pred.Not && (!exactKind(k) || len(pred.Values) == 0) {
			return false
		}
		s := rg.column(f)
		for _, lit := range pred.Values {
			v, ok := literal(lit, f.DataType)
			if !ok {
				return false
			}
			if s.allNull() {
				continue
			}
			if !s.hasMinMax || s.min.kind != v.kind {
				return false
			}
			if pred.Not {
				// NOT IN is false everywhere if the only value is listed.
				if refutesCompare(connector.Ne, v, s) {
					return true
				}
			} else if !refutesCompare(connector.Eq, v, s) {
				return false
			}
		}
		return !pred.Not || s.allNull()
	case connector.IsNull:
		f, _, ok := p.feature(pred.Column)
		if !ok {
			return false
		}
		s := rg.column(f)
		if !s.hasNullCount {
			return false
		}
		if pred.Not {
			return s.nullCount == s.numRows
		}
		return s.nullCount == 0
	case connector.And:
		for _, t := range pred {
			if p.refutes(t, rg) {
				return true
			}
		}
	case connector.Or:
		for _, t := range pred {
			if !p.refutes(t, rg) {
				return false
			}
		}
		return len(pred) > 0
	}
	return false
}

// refutesCompare reports whether "x op v" is false for every x between the
// column's min and max.
func refutesCompare(op connector.Op, v value, s chunkStats) bool {
	lo, hi := compareValues(v, s.min), compareValues(v, s.max)
	switch op {
	case connector.Eq:
		return lo < 0 || hi > 0
	case connector.Ne:
		return lo == 0 && hi == 0
	case connector.Lt:
		return lo <= 0 // v <= min
	case connector.Le:
		return lo < 0 // v < min
	case connector.Gt:
		return hi >= 0 // v >= max
	case connector.Ge:
		return hi > 0 // v > max
	}
	return false
}

// valueKind is the domain in which a feature's values and statistics are
// compared.
type valueKind int

const (
	kindNone    valueKind = iota
	kindInt               // integers, dates, timestamps (µs) and booleans
	kindFloat             // float and double
	kindDecimal           // decimal128, unscaled
	kindBytes             // strings and binaries, byte-wise
)

// exactKind reports whether equality in the kind is decided by min and max:
// not for floats (NaN is left out of the statistics) nor for bytes (writers
// may truncate long values).
func exactKind(k valueKind) bool { return k == kindInt || k == kindDecimal }

func kindOf(t arrow.DataType) valueKind {
	switch t.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.DATE32, arrow.TIMESTAMP, arrow.BOOL:
		return kindInt
	case arrow.FLOAT32, arrow.FLOAT64:
		return kindFloat
	case arrow.DECIMAL128:
		return kindDecimal
	case arrow.STRING, arrow.BINARY:
		return kindBytes
	}
	return kindNone
}

// value is a literal or a statistic in a comparable form.
type value struct {
	kind valueKind
	i    int64
	f    float64
	d    decimal128.Num
	b    []byte
}

// compareValues compares two values of the same kind: -1, 0 or +1.
func compareValues(a, b value) int {
	switch a.kind {
	case kindInt:
		switch {
		case a.i < b.i:
			return -1
		case a.i > b.i:
			return 1
		}
		return 0
	case kindFloat:
		switch {
		case a.f < b.f:
			return -1
		case a.f > b.f:
			return 1
		}
		return 0
	case kindDecimal:
		return a.d.Cmp(b.d)
	}
	return bytes.Compare(a.b, b.b)
}

// literal converts a predicate's literal, which should be a valid scalar of
// the feature's type t, to a value. It reports false for anything else,
// and for NaN.
func literal(s scalar.Scalar, t arrow.DataType) (value, bool) {
	if s == nil || !s.IsValid() || !arrow.TypeEqual(s.DataType(), t) {
		return value{}, false
	}
	switch s := s.(type) {
	case *scalar.Int8:
		return value{kind: kindInt, i: int64(s.Value)}, true
	case *scalar.Int16:
		return value{kind: kindInt, i: int64(s.Value)}, true
	case *scalar.Int32:
		return value{kind: kindInt, i: int64(s.Value)}, true
	case *scalar.Int64:
		return value{kind: kindInt, i: s.Value}, true
	case *scalar.Date32:
		return value{kind: kindInt, i: int64(s.Value)}, true
	case *scalar.Timestamp:
		return value{kind: kindInt, i: int64(s.Value)}, true
	case *scalar.Boolean:
		if s.Value {
			return value{kind: kindInt, i: 1}, true
		}
		return value{kind: kindInt}, true
	case *scalar.Float32:
		return floatValue(float64(s.Value))
	case *scalar.Float64:
		return floatValue(s.Value)
	case *scalar.Decimal128:
		return value{kind: kindDecimal, d: s.Value}, true
	case *scalar.String:
		if s.Binary != nil && s.Value != nil {
			return value{kind: kindBytes, b: s.Value.Bytes()}, true
		}
	case *scalar.Binary:
		if s.Value != nil {
			return value{kind: kindBytes, b: s.Value.Bytes()}, true
		}
	}
	return value{}, false
}

func floatValue(f float64) (value, bool) {
	if math.IsNaN(f) {
		return value{}, false
	}
	return value{kind: kindFloat, f: f}, true
}
