package connector

import (
	"fmt"
	"strings"

	"github.com/apache/arrow/go/v15/arrow/scalar"
)

// Predicate is a node of the filter tree the planner offers to sources. It
// is deliberately small: comparisons of a feature with a literal, IN lists,
// LIKE patterns and NULL tests, combined with AND, OR and NOT. A source
// ignores what it cannot use.
//
// Literals are Arrow scalars of the feature's own type: the planner casts
// them before it offers a predicate.
type Predicate interface {
	// String renders the predicate as SQL, with identifiers quoted, for
	// EXPLAIN and error messages.
	String() string
	predicate()
}

// Op is a comparison operator.
type Op int

// The comparison operators, in the Hopsworks filter model's terms.
const (
	Eq Op = iota // =
	Ne           // <>
	Lt           // <
	Le           // <=
	Gt           // >
	Ge           // >=
)

// String returns the operator's SQL spelling.
func (op Op) String() string {
	switch op {
	case Eq:
		return "="
	case Ne:
		return "<>"
	case Lt:
		return "<"
	case Le:
		return "<="
	case Gt:
		return ">"
	case Ge:
		return ">="
	}
	return fmt.Sprintf("Op(%d)", int(op))
}

// Flip returns the operator that gives the same result with its operands
// swapped: a < b is b > a.
func (op Op) Flip() Op {
	switch op {
	case Lt:
		return Gt
	case Le:
		return Ge
	case Gt:
		return Lt
	case Ge:
		return Le
	}
	return op
}

// Compare is "Column Op Value". Value is never null: a comparison with NULL
// is never true, and the planner folds it away before it reaches a source.
type Compare struct {
	Column string
	Op     Op
	Value  scalar.Scalar
}

// In is "Column IN (Values...)", or NOT IN when Not is set. Values holds no
// nulls.
type In struct {
	Column string
	Values []scalar.Scalar
	Not    bool
}

// Like is "Column LIKE Pattern" with SQL wildcards % and _ and backslash
// escapes, or NOT LIKE when Not is set.
type Like struct {
	Column  string
	Pattern string
	Not     bool
}

// IsNull is "Column IS NULL", or IS NOT NULL when Not is set.
type IsNull struct {
	Column string
	Not    bool
}

// And is the conjunction of its terms.
type And []Predicate

// Or is the disjunction of its terms.
type Or []Predicate

// Not negates its operand.
type Not struct{ X Predicate }

func (Compare) predicate() {}
func (In) predicate()      {}
func (Like) predicate()    {}
func (IsNull) predicate()  {}
func (And) predicate()     {}
func (Or) predicate()      {}
func (Not) predicate()     {}

func (p Compare) String() string {
	return QuoteIdent(p.Column) + " " + p.Op.String() + " " + QuoteLiteral(p.Value)
}

func (p In) String() string {
	var b strings.Builder
	b.WriteString(QuoteIdent(p.Column))
	if p.Not {
		b.WriteString(" NOT")
	}
	b.WriteString(" IN (")
	for i, v := range p.Values {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(QuoteLiteral(v))
	}
	b.WriteString(")")
	return b.String()
}

func (p Like) String() string {
	not := ""
	if p.Not {
		not = " NOT"
	}
	return QuoteIdent(p.Column) + not + " LIKE " + quoteString(p.Pattern)
}

func (p IsNull) String() string {
	if p.Not {
		return QuoteIdent(p.Column) + " IS NOT NULL"
	}
	return QuoteIdent(p.Column) + " IS NULL"
}

func (p And) String() string { return joinPredicates(p, " AND ") }
func (p Or) String() string  { return joinPredicates(p, " OR ") }
func (p Not) String() string { return "NOT (" + p.X.String() + ")" }

func joinPredicates(ps []Predicate, sep string) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = "(" + p.String() + ")"
	}
	return strings.Join(parts, sep)
}

// QuoteIdent quotes an identifier with backquotes, doubling any backquote
// inside it, so that generated SQL never mistakes a name for syntax.
func QuoteIdent(name string) string {
	return "`" + strings.ReplaceAll(name, "`", "``") + "`"
}

// QuoteLiteral renders a scalar as a SQL literal: strings and temporal
// values quoted with single quotes doubled inside, numbers as they are.
func QuoteLiteral(v scalar.Scalar) string {
	if v == nil || !v.IsValid() {
		return "NULL"
	}
	switch v := v.(type) {
	case *scalar.String:
		return quoteString(string(v.Value.Bytes()))
	case *scalar.LargeString:
		return quoteString(string(v.Value.Bytes()))
	case *scalar.Boolean:
		if v.Value {
			return "TRUE"
		}
		return "FALSE"
	case *scalar.Date32:
		return "DATE " + quoteString(v.Value.FormattedString())
	case *scalar.Timestamp:
		return "TIMESTAMP " + quoteString(v.ToTime().UTC().Format("2006-01-02 15:04:05.999999"))
	}
	return v.String()
}

func quoteString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
