package planner

import (
	"fmt"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/scalar"

	"github.com/hopsql/hopsql/connector"
)

// Column is a column of a logical plan node's output. IDs are unique within
// a plan, so rules can move expressions between nodes without confusion.
type Column struct {
	ID   int
	Name string
	// Table is the name that qualifies the column in SQL (an alias or a
	// table name); empty for computed columns.
	Table string
	Type  arrow.DataType
}

func (c *Column) String() string {
	if c.Table != "" {
		return c.Table + "." + c.Name
	}
	return c.Name
}

// Expr is a bound, typed scalar expression of the logical plan.
type Expr interface {
	Type() arrow.DataType
	String() string
}

// ColumnRef reads a column of the input.
type ColumnRef struct{ Col *Column }

// Const is a constant. An untyped NULL has type arrow.Null.
type Const struct{ Value scalar.Scalar }

// Compare compares two values of the same type.
type Compare struct {
	Op   connector.Op
	L, R Expr
}

// Logic is AND (And set) or OR over two or more terms, with SQL's
// three-valued logic.
type Logic struct {
	And   bool
	Terms []Expr
}

// Not negates a boolean.
type Not struct{ X Expr }

// IsNull tests for NULL, or for non-NULL when Not is set.
type IsNull struct {
	X   Expr
	Not bool
}

// Arith is binary arithmetic; T is the result type.
type Arith struct {
	Op   string // + - *
	L, R Expr
	T    arrow.DataType
}

// Negate is unary minus.
type Negate struct{ X Expr }

// Cast converts X to T.
type Cast struct {
	X Expr
	T arrow.DataType
}

func (e *ColumnRef) Type() arrow.DataType { return e.Col.Type }
func (e *Const) Type() arrow.DataType     { return e.Value.DataType() }
func (e *Compare) Type() arrow.DataType   { return arrow.FixedWidthTypes.Boolean }
func (e *Logic) Type() arrow.DataType     { return arrow.FixedWidthTypes.Boolean }
func (e *Not) Type() arrow.DataType       { return arrow.FixedWidthTypes.Boolean }
func (e *IsNull) Type() arrow.DataType    { return arrow.FixedWidthTypes.Boolean }
func (e *Arith) Type() arrow.DataType     { return e.T }
func (e *Negate) Type() arrow.DataType    { return e.X.Type() }
func (e *Cast) Type() arrow.DataType      { return e.T }

func (e *ColumnRef) String() string { return e.Col.String() }
func (e *Const) String() string     { return connector.QuoteLiteral(e.Value) }
func (e *Compare) String() string   { return e.L.String() + " " + e.Op.String() + " " + e.R.String() }
func (e *Logic) String() string {
	op := " OR "
	if e.And {
		op = " AND "
	}
	parts := make([]string, len(e.Terms))
	for i, t := range e.Terms {
		parts[i] = t.String()
		if l, ok := t.(*Logic); ok && l.And != e.And {
			parts[i] = "(" + parts[i] + ")"
		}
	}
	return strings.Join(parts, op)
}
func (e *Not) String() string { return "NOT (" + e.X.String() + ")" }
func (e *IsNull) String() string {
	if e.Not {
		return e.X.String() + " IS NOT NULL"
	}
	return e.X.String() + " IS NULL"
}
func (e *Arith) String() string  { return "(" + e.L.String() + " " + e.Op + " " + e.R.String() + ")" }
func (e *Negate) String() string { return "-" + e.X.String() }
func (e *Cast) String() string {
	name, err := connector.TypeName(e.T)
	if err != nil {
		name = e.T.String()
	}
	return "CAST(" + e.X.String() + " AS " + strings.ToUpper(name) + ")"
}

// walk calls fn for e and every expression inside it, parents first.
func walk(e Expr, fn func(Expr)) {
	fn(e)
	switch e := e.(type) {
	case *Compare:
		walk(e.L, fn)
		walk(e.R, fn)
	case *Logic:
		for _, t := range e.Terms {
			walk(t, fn)
		}
	case *Not:
		walk(e.X, fn)
	case *IsNull:
		walk(e.X, fn)
	case *Arith:
		walk(e.L, fn)
		walk(e.R, fn)
	case *Negate:
		walk(e.X, fn)
	case *Cast:
		walk(e.X, fn)
	}
}

// columnsOf returns the IDs of the columns e reads.
func columnsOf(e Expr) map[int]bool {
	ids := map[int]bool{}
	walk(e, func(x Expr) {
		if c, ok := x.(*ColumnRef); ok {
			ids[c.Col.ID] = true
		}
	})
	return ids
}

// conjuncts splits e at its top-level ANDs.
func conjuncts(e Expr) []Expr {
	if l, ok := e.(*Logic); ok && l.And {
		var out []Expr
		for _, t := range l.Terms {
			out = append(out, conjuncts(t)...)
		}
		return out
	}
	return []Expr{e}
}

// and joins terms with AND; nil for none.
func and(terms []Expr) Expr {
	switch len(terms) {
	case 0:
		return nil
	case 1:
		return terms[0]
	}
	return &Logic{And: true, Terms: terms}
}

// TypeError reports an expression whose operand types do not fit.
type TypeError struct{ Msg string }

func (e *TypeError) Error() string { return e.Msg }

func typeName(t arrow.DataType) string {
	if t.ID() == arrow.NULL {
		return "NULL"
	}
	if n, err := connector.TypeName(t); err == nil {
		return strings.ToUpper(n)
	}
	return t.String()
}

func isInteger(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64:
		return true
	}
	return false
}

func isFloat(t arrow.DataType) bool {
	return t.ID() == arrow.FLOAT32 || t.ID() == arrow.FLOAT64 || t.ID() == arrow.FLOAT16
}

func isDecimal(t arrow.DataType) bool { return t.ID() == arrow.DECIMAL128 }

func isNumeric(t arrow.DataType) bool { return isInteger(t) || isFloat(t) || isDecimal(t) }

func isString(t arrow.DataType) bool {
	return t.ID() == arrow.STRING || t.ID() == arrow.LARGE_STRING
}

func isTemporal(t arrow.DataType) bool {
	return t.ID() == arrow.DATE32 || t.ID() == arrow.TIMESTAMP
}

// intDigits is the number of decimal digits an integer type needs.
func intDigits(t arrow.DataType) int32 {
	switch t.ID() {
	case arrow.INT8, arrow.UINT8:
		return 3
	case arrow.INT16, arrow.UINT16:
		return 5
	case arrow.INT32, arrow.UINT32:
		return 10
	}
	return 19
}

// asDecimal returns the decimal type that holds every value of an integer
// or decimal type exactly.
func asDecimal(t arrow.DataType) *arrow.Decimal128Type {
	if d, ok := t.(*arrow.Decimal128Type); ok {
		return d
	}
	return &arrow.Decimal128Type{Precision: intDigits(t), Scale: 0}
}

// commonType is the type two operands are converted to before they are
// compared: the narrowest type that holds both exactly where one exists
// (integers widen, integers and decimals meet in a decimal), DOUBLE when a
// float is involved, and the temporal type when a string meets a date or
// timestamp.
func commonType(a, b arrow.DataType) (arrow.DataType, error) {
	switch {
	case arrow.TypeEqual(a, b):
		return a, nil
	case a.ID() == arrow.NULL:
		return b, nil
	case b.ID() == arrow.NULL:
		return a, nil
	case isInteger(a) && isInteger(b):
		if intDigits(a) >= intDigits(b) {
			return a, nil
		}
		return b, nil
	case isNumeric(a) && isNumeric(b):
		if isFloat(a) || isFloat(b) {
			return arrow.PrimitiveTypes.Float64, nil
		}
		da, db := asDecimal(a), asDecimal(b)
		scale := max(da.Scale, db.Scale)
		digits := max(da.Precision-da.Scale, db.Precision-db.Scale)
		if digits+scale > 38 {
			return arrow.PrimitiveTypes.Float64, nil
		}
		return &arrow.Decimal128Type{Precision: digits + scale, Scale: scale}, nil
	case isString(a) && isString(b):
		return arrow.BinaryTypes.String, nil
	case isString(a) && isTemporal(b):
		return b, nil
	case isTemporal(a) && isString(b):
		return a, nil
	case isTemporal(a) && isTemporal(b):
		return &arrow.TimestampType{Unit: arrow.Microsecond}, nil
	}
	return nil, &TypeError{Msg: fmt.Sprintf("cannot compare %s with %s", typeName(a), typeName(b))}
}
