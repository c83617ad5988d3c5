package planner

import (
	"fmt"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/scalar"

	"github.com/hopsql/hopsql/connector"
	"github.com/hopsql/hopsql/engine"
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

// Arith is binary arithmetic; T is engine.ArithType of the operands.
type Arith struct {
	Op   engine.ArithOp
	L, R Expr
	T    arrow.DataType
}

// Func calls a scalar function resolved by the engine; the arguments have
// the types the function takes.
type Func struct {
	Fn   *engine.Func
	Args []Expr
}

// Case is CASE WHEN ... THEN ... ELSE ... END; every branch has type T.
type Case struct {
	Whens []When
	Else  Expr // nil: NULL
	T     arrow.DataType
}

// When is one branch of a Case.
type When struct{ Cond, Then Expr }

// Coalesce is the first non-NULL argument; all have type T.
type Coalesce struct {
	Args []Expr
	T    arrow.DataType
}

// Like is X [NOT] LIKE Pattern.
type Like struct {
	X, Pattern Expr
	Not        bool
}

// InList is X [NOT] IN (List...); the list has X's type.
type InList struct {
	X    Expr
	List []Expr
	Not  bool
}

// Param is the value of the Index'th '?' (1-based), of type T. Planning
// replaces it with a constant before the plan runs.
type Param struct {
	Index int
	T     arrow.DataType
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
func (e *Func) Type() arrow.DataType      { return e.Fn.Result }
func (e *Case) Type() arrow.DataType      { return e.T }
func (e *Coalesce) Type() arrow.DataType  { return e.T }
func (e *Like) Type() arrow.DataType      { return arrow.FixedWidthTypes.Boolean }
func (e *InList) Type() arrow.DataType    { return arrow.FixedWidthTypes.Boolean }
func (e *Param) Type() arrow.DataType     { return e.T }
func (e *Negate) Type() arrow.DataType {
	return (&engine.Negate{X: &engine.Lit{Value: scalar.MakeNullScalar(e.X.Type())}}).Type()
}
func (e *Cast) Type() arrow.DataType { return e.T }

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
func (e *Arith) String() string {
	return "(" + e.L.String() + " " + e.Op.String() + " " + e.R.String() + ")"
}
func (e *Func) String() string { return e.Fn.Name + "(" + joinExprs(e.Args) + ")" }
func (e *Case) String() string {
	var b strings.Builder
	b.WriteString("CASE")
	for _, w := range e.Whens {
		b.WriteString(" WHEN " + w.Cond.String() + " THEN " + w.Then.String())
	}
	if e.Else != nil {
		b.WriteString(" ELSE " + e.Else.String())
	}
	b.WriteString(" END")
	return b.String()
}
func (e *Coalesce) String() string { return "coalesce(" + joinExprs(e.Args) + ")" }
func (e *Like) String() string {
	not := ""
	if e.Not {
		not = " NOT"
	}
	return e.X.String() + not + " LIKE " + e.Pattern.String()
}
func (e *InList) String() string {
	not := ""
	if e.Not {
		not = " NOT"
	}
	return e.X.String() + not + " IN (" + joinExprs(e.List) + ")"
}
func (e *Param) String() string { return fmt.Sprintf("$%d", e.Index) }

func joinExprs(es []Expr) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.String()
	}
	return strings.Join(parts, ", ")
}
func (e *Negate) String() string { return "-" + e.X.String() }
func (e *Cast) String() string {
	name, err := connector.TypeName(e.T)
	if err != nil {
		name = e.T.String()
	}
	return "CAST(" + e.X.String() + " AS " + strings.ToUpper(name) + ")"
}

// children returns the expressions directly inside e.
func children(e Expr) []Expr {
	switch e := e.(type) {
	case *Compare:
		return []Expr{e.L, e.R}
	case *Logic:
		return e.Terms
	case *Not:
		return []Expr{e.X}
	case *IsNull:
		return []Expr{e.X}
	case *Arith:
		return []Expr{e.L, e.R}
	case *Negate:
		return []Expr{e.X}
	case *Cast:
		return []Expr{e.X}
	case *Func:
		return e.Args
	case *Case:
		var out []Expr
		for _, w := range e.Whens {
			out = append(out, w.Cond, w.Then)
		}
		if e.Else != nil {
			out = append(out, e.Else)
		}
		return out
	case *Coalesce:
		return e.Args
	case *Like:
		return []Expr{e.X, e.Pattern}
	case *InList:
		return append([]Expr{e.X}, e.List...)
	}
	return nil
}

// withChildren returns a copy of e with its children replaced by kids, in
// the order children returns them.
func withChildren(e Expr, kids []Expr) Expr {
	switch e := e.(type) {
	case *Compare:
		return &Compare{Op: e.Op, L: kids[0], R: kids[1]}
	case *Logic:
		return &Logic{And: e.And, Terms: kids}
	case *Not:
		return &Not{X: kids[0]}
	case *IsNull:
		return &IsNull{X: kids[0], Not: e.Not}
	case *Arith:
		return &Arith{Op: e.Op, L: kids[0], R: kids[1], T: e.T}
	case *Negate:
		return &Negate{X: kids[0]}
	case *Cast:
		return &Cast{X: kids[0], T: e.T}
	case *Func:
		return &Func{Fn: e.Fn, Args: kids}
	case *Case:
		c := &Case{T: e.T}
		for i := range e.Whens {
			c.Whens = append(c.Whens, When{Cond: kids[2*i], Then: kids[2*i+1]})
		}
		if e.Else != nil {
			c.Else = kids[len(kids)-1]
		}
		return c
	case *Coalesce:
		return &Coalesce{Args: kids, T: e.T}
	case *Like:
		return &Like{X: kids[0], Pattern: kids[1], Not: e.Not}
	case *InList:
		return &InList{X: kids[0], List: kids[1:], Not: e.Not}
	}
	return e
}

// transform rebuilds e bottom-up, replacing each node by fn's result.
func transform(e Expr, fn func(Expr) (Expr, error)) (Expr, error) {
	kids := children(e)
	if len(kids) > 0 {
		out := make([]Expr, len(kids))
		for i, k := range kids {
			var err error
			if out[i], err = transform(k, fn); err != nil {
				return nil, err
			}
		}
		e = withChildren(e, out)
	}
	return fn(e)
}

// walk calls fn for e and every expression inside it, parents first.
func walk(e Expr, fn func(Expr)) {
	fn(e)
	for _, k := range children(e) {
		walk(k, fn)
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
