package hopsworks

import (
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/decimal128"
	"github.com/apache/arrow/go/v15/arrow/scalar"

	"github.com/hopsql/hopsql/connector"
)

// Conditions of the Hopsworks filter model (the backend's SqlCondition),
// as the query constructor and the Hopsworks Query Service spell them.
const (
	condLess         = "LESS_THAN"
	condLessEqual    = "LESS_THAN_OR_EQUAL"
	condEqual        = "EQUALS"
	condNotEqual     = "NOT_EQUALS"
	condGreaterEqual = "GREATER_THAN_OR_EQUAL"
	condGreater      = "GREATER_THAN"
	condIn           = "IN"
	condLike         = "LIKE"
)

// Logic types of the Hopsworks filter model.
const (
	logicAnd    = "AND"
	logicOr     = "OR"
	logicSingle = "SINGLE"
)

// maxNotIn bounds the values of a NOT IN list sent to Hopsworks as a
// conjunction of NOT_EQUALS conditions; longer lists are left to hopsql.
const maxNotIn = 64

// filterNode is a filter tree in the Hopsworks model: a leaf condition on a
// feature, or the AND or OR of two trees. Every tree this package builds
// selects a superset of the rows the predicates it came from select, so
// that the planner's own check of every predicate gives the exact result.
type filterNode struct {
	logic       string // logicAnd or logicOr; "" for a leaf
	left, right *filterNode
	leaf        *filterLeaf
}

// filterLeaf is one condition: a feature compared with a literal.
type filterLeaf struct {
	feature connector.Feature
	cond    string
	value   literal // for condIn, a JSON array; null for IS NULL
}

// translateFilter translates the conjuncts of a scan's filter into a
// Hopsworks filter tree over the features of fg, leaving out what the
// model cannot express exactly enough. It returns nil if nothing is left.
func translateFilter(fg *connector.FeatureGroup, conjuncts []connector.Predicate) *filterNode {
	node, _ := translateConjuncts(fg, conjuncts)
	return node
}

// translateConjuncts is translateFilter that also reports, for each
// conjunct, whether the tree holds it exactly: translated whole, neither
// widened nor left out.
func translateConjuncts(fg *connector.FeatureGroup, conjuncts []connector.Predicate) (*filterNode, []bool) {
	terms := make([]*filterNode, len(conjuncts))
	exact := make([]bool, len(conjuncts))
	for i, p := range conjuncts {
		t := translator{fg: fg}
		terms[i] = t.translate(p, false)
		exact[i] = terms[i] != nil && !t.lossy
	}
	return andOf(terms), exact
}

// translator translates predicates over the features of one feature group.
type translator struct {
	fg *connector.FeatureGroup
	// lossy records that a translation widened or left out a term.
	lossy bool
}

// translate returns a tree that selects at least the rows for which p (or
// NOT p, if neg) is true, or nil if it has none. NOT is pushed down to the
// leaves (De Morgan; NOT x < 1 is x >= 1, which is also NULL where x is),
// so that leaving a term out of an AND can only widen the result; an OR
// with a term left out is left out whole.
func (t *translator) translate(p connector.Predicate, neg bool) *filterNode {
	switch p := p.(type) {
	case connector.Compare:
		op := p.Op
		if neg {
			op = negate(op)
		}
		return t.compare(p.Column, op, p.Value)
	case connector.In:
		if p.Not != neg {
			return t.notIn(p.Column, p.Values)
		}
		return t.in(p.Column, p.Values)
	case connector.Like:
		if p.Not != neg {
			return t.leftOut() // NOT LIKE has no condition
		}
		return t.like(p.Column, p.Pattern)
	case connector.IsNull:
		f, ok := t.feature(p.Column)
		if !ok {
			return t.leftOut()
		}
		if p.Not != neg {
			return t.notNull(f)
		}
		// A null value with EQUALS is the backend's IS NULL.
		return leafNode(f, condEqual, nullLiteral())
	case connector.Not:
		return t.translate(p.X, !neg)
	case connector.And:
		return t.junction(p, neg, !neg)
	case connector.Or:
		return t.junction(p, neg, neg)
	}
	return t.leftOut()
}

// leftOut records that a term is left out, and returns nil.
func (t *translator) leftOut() *filterNode {
	t.lossy = true
	return nil
}

// junction translates the terms of an AND or OR under neg, combining them
// with AND if and is set (an AND, or a negated OR), else with OR.
func (t *translator) junction(terms []connector.Predicate, neg, and bool) *filterNode {
	nodes := make([]*filterNode, len(terms))
	for i, p := range terms {
		nodes[i] = t.translate(p, neg)
	}
	if and {
		return andOf(nodes)
	}
	return orOf(nodes)
}

// feature returns the feature a predicate names, if fg has it.
func (t *translator) feature(column string) (connector.Feature, bool) {
	return t.fg.Feature(strings.ToLower(column))
}

// compare translates "column op v".
func (t *translator) compare(column string, op connector.Op, v scalar.Scalar) *filterNode {
	f, ok := t.feature(column)
	if !ok {
		return t.leftOut()
	}
	lit, ok := renderLiteral(f, v)
	if !ok {
		return t.leftOut()
	}
	if lit.fraction {
		// The model's timestamps have whole seconds: widen a bound to
		// the second around it; equality cannot be widened.
		t.lossy = true
		switch op {
		case connector.Gt, connector.Ge:
			op, lit = connector.Ge, lit.floor()
		case connector.Lt, connector.Le:
			op, lit = connector.Le, lit.ceil()
		default:
			return nil
		}
	}
	return leafNode(f, conditionOf(op), lit)
}

// in translates "column IN (values)".
func (t *translator) in(column string, values []scalar.Scalar) *filterNode {
	f, ok := t.feature(column)
	if !ok || len(values) == 0 {
		return t.leftOut()
	}
	lits := make([]literal, len(values))
	for i, v := range values {
		lit, ok := renderLiteral(f, v)
		if !ok || lit.fraction {
			return t.leftOut()
		}
		lits[i] = lit
	}
	return leafNode(f, condIn, listLiteral(lits))
}

// notIn translates "column NOT IN (values)" into column <> v1 AND column
// <> v2 ..., which is the same for the non-null values an IN list holds.
func (t *translator) notIn(column string, values []scalar.Scalar) *filterNode {
	if len(values) == 0 || len(values) > maxNotIn {
		return t.leftOut()
	}
	nodes := make([]*filterNode, len(values))
	for i, v := range values {
		nodes[i] = t.compare(column, connector.Ne, v)
	}
	return andOf(nodes)
}

// notNull translates "column IS NOT NULL" into column = v OR column <> v,
// v a value of the feature's type (zero, the empty string, the epoch,
// true). The model has no IS NOT NULL: the backend's FilterController
// turns a null value into IS NULL only with EQUALS (or IS); with
// NOT_EQUALS it writes "<> NULL", which holds for no row. The disjunction
// is exact under SQL's three-valued logic: for a null column both
// comparisons are unknown, and for any other value exactly one is true,
// NaN included, whether the server orders NaN above every float
// (DuckDB, the Query Service's engine) or compares it as IEEE 754 does
// (NaN <> v is true either way). Features without literals (binary,
// arrays, structs) are left out.
func (t *translator) notNull(f connector.Feature) *filterNode {
	v, ok := pivotValue(f.DataType)
	if !ok {
		return t.leftOut()
	}
	lit, ok := renderLiteral(f, v)
	if !ok {
		return t.leftOut()
	}
	return orOf([]*filterNode{leafNode(f, condEqual, lit), leafNode(f, condNotEqual, lit)})
}

// pivotValue returns the value notNull compares a feature of type dt
// with, or false for a type without literals in the model.
func pivotValue(dt arrow.DataType) (scalar.Scalar, bool) {
	if dt == nil {
		return nil, false
	}
	switch dt.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64:
		return scalar.NewInt64Scalar(0), true
	case arrow.FLOAT32, arrow.FLOAT64:
		return scalar.NewFloat64Scalar(0), true
	case arrow.DECIMAL128:
		return scalar.NewDecimal128Scalar(decimal128.Num{}, dt), true
	case arrow.BOOL:
		return scalar.NewBooleanScalar(true), true
	case arrow.STRING:
		return scalar.NewStringScalar(""), true
	case arrow.DATE32:
		return scalar.NewDate32Scalar(0), true
	case arrow.TIMESTAMP:
		return scalar.NewTimestampScalar(0, dt), true
	}
	return nil, false
}

// like translates "column LIKE pattern". Patterns with a backslash are left
// out: hopsql reads it as an escape, while DuckDB's LIKE has no escape
// character by default and would match fewer rows.
func (t *translator) like(column, pattern string) *filterNode {
	f, ok := t.feature(column)
	if !ok || f.Type != "string" || strings.Contains(pattern, `\`) {
		return t.leftOut()
	}
	return leafNode(f, condLike, stringLiteral(pattern))
}

func leafNode(f connector.Feature, cond string, v literal) *filterNode {
	return &filterNode{leaf: &filterLeaf{feature: f, cond: cond, value: v}}
}

// andOf returns the conjunction of the non-nil nodes, left-deep, or nil if
// there are none: leaving a term out of a conjunction widens it.
func andOf(nodes []*filterNode) *filterNode {
	var out *filterNode
	for _, n := range nodes {
		switch {
		case n == nil:
		case out == nil:
			out = n
		default:
			out = &filterNode{logic: logicAnd, left: out, right: n}
		}
	}
	return out
}

// orOf returns the disjunction of the nodes, left-deep, or nil if any is
// nil: leaving a term out of a disjunction would narrow it.
func orOf(nodes []*filterNode) *filterNode {
	var out *filterNode
	for _, n := range nodes {
		switch {
		case n == nil:
			return nil
		case out == nil:
			out = n
		default:
			out = &filterNode{logic: logicOr, left: out, right: n}
		}
	}
	return out
}

// negate returns the operator of NOT (a op b).
func negate(op connector.Op) connector.Op {
	switch op {
	case connector.Eq:
		return connector.Ne
	case connector.Ne:
		return connector.Eq
	case connector.Lt:
		return connector.Ge
	case connector.Le:
		return connector.Gt
	case connector.Gt:
		return connector.Le
	case connector.Ge:
		return connector.Lt
	}
	return op
}

// conditionOf returns the condition of a comparison operator.
func conditionOf(op connector.Op) string {
	switch op {
	case connector.Eq:
		return condEqual
	case connector.Ne:
		return condNotEqual
	case connector.Lt:
		return condLess
	case connector.Le:
		return condLessEqual
	case connector.Gt:
		return condGreater
	}
	return condGreaterEqual
}

// sqlOperators spells conditions in SQL, for EXPLAIN.
var sqlOperators = map[string]string{
	condLess: "<", condLessEqual: "<=", condEqual: "=", condNotEqual: "<>",
	condGreaterEqual: ">=", condGreater: ">", condIn: "IN", condLike: "LIKE",
}

// String renders the tree as SQL, for EXPLAIN.
func (n *filterNode) String() string {
	if n.leaf == nil {
		return "(" + n.left.String() + ") " + n.logic + " (" + n.right.String() + ")"
	}
	l := n.leaf
	name := connector.QuoteIdent(l.feature.Name)
	if l.value.null {
		return name + " IS NULL"
	}
	return name + " " + sqlOperators[l.cond] + " " + l.value.sql
}
