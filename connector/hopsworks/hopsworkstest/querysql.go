package hopsworkstest

import (
	"strings"
)

// quoting is the identifier quote of a SQL dialect: backticks in the
// backend's Hive/Spark SQL, double quotes in the DuckDB SQL of the Flight
// payload.
type quoting byte

const (
	quoteBacktick quoting = '`'
	quoteDouble   quoting = '"'
)

// id quotes an identifier. Like the backend, it does not escape quotes in
// names, which feature store names cannot contain.
func (qt quoting) id(name string) string { return string(qt) + name + string(qt) }

// col returns "`alias`.`name`".
func (qt quoting) col(alias, name string) string { return qt.id(alias) + "." + qt.id(name) }

// tableFunc returns the table reference of a query's feature group, without
// the alias.
type tableFunc func(q *rquery) string

// offlineTables references the offline (Hive) tables, in the owner's
// database: `<owner>_featurestore`.`<fg>_<version>`. A time-travel query
// that is not for the Hive engine reads the view `fgN` the client registers
// from hudiCachedFeatureGroups instead.
func offlineTables(hive bool) tableFunc {
	return func(q *rquery) string {
		if !hive && timeTravel(q) {
			return quoteBacktick.id(q.alias)
		}
		return quoteBacktick.col(q.fg.store.name(), q.fg.meta.TableName())
	}
}

// onlineTables references the online (RonDB) tables:
// `<owner>`.`<fg>_<version>`.
func onlineTables(q *rquery) string {
	return quoteBacktick.col(strings.ToLower(q.fg.store.project.name), q.fg.meta.TableName())
}

// duckTables references tables the way the Flight server registers them:
// the single identifier "<owner>.<fg>_<version>".
func duckTables(q *rquery) string { return quoteDouble.id(duckTableName(q.fg)) }

func duckTableName(fg *featureGroup) string { return fg.store.project.name + "." + fg.meta.TableName() }

// timeTravel reports whether q reads a feature group as of a time.
func timeTravel(q *rquery) bool {
	return q.start != nil && *q.start != 0 || q.end != nil
}

// renderQuery writes q as the backend's ConstructorController does:
//
//	SELECT `fg1`.`a` `a`, `fg0`.`b` `b`
//	FROM `fs`.`fga_1` `fg1`
//	INNER JOIN `fs`.`fgb_1` `fg0` ON `fg1`.`k` = `fg0`.`k`
//	WHERE ...
func renderQuery(q *rquery, tables tableFunc, qt quoting) string {
	return renderSelect(q, tables, qt, "")
}

// renderAsofQuery writes the point-in-time query with DuckDB ASOF joins:
// each join also requires the root's event time to be at or after the
// joined feature group's.
func renderAsofQuery(q *rquery, tables tableFunc, qt quoting) string {
	return renderSelect(q, tables, qt, "ASOF ")
}

func renderSelect(q *rquery, tables tableFunc, qt quoting, joinPrefix string) string {
	var b strings.Builder
	b.WriteString("SELECT ")
	for i, f := range collectFeatures(q) {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(qt.col(f.alias, f.name) + " " + qt.id(f.outName()))
	}
	b.WriteString("\nFROM " + tables(q) + " " + qt.id(q.alias))
	for _, j := range q.joins {
		b.WriteString("\n" + joinPrefix + j.keyword() + " " + tables(j.right) + " " + qt.id(j.right.alias) + " ON ")
		cond := joinCondition(q.alias, j, qt)
		if joinPrefix != "" {
			cond = binary("AND", cond, binary(">=",
				leaf(qt.col(q.alias, q.fg.meta.EventTime)), leaf(qt.col(j.right.alias, j.right.fg.meta.EventTime))))
		}
		cond.unparse(&b, 0, 0)
	}
	if where := whereNode(q, q, len(q.joins)-1, qt); where != nil {
		b.WriteString("\nWHERE ")
		where.unparse(&b, 0, 0)
	}
	return b.String()
}

// joinCondition ANDs the equalities of the join keys, left-deep.
func joinCondition(leftAlias string, j *rjoin, qt quoting) *node {
	var cond *node
	for i := range j.leftOn {
		eq := binary("=", leaf(qt.col(leftAlias, j.leftOn[i].name)), leaf(qt.col(j.right.alias, j.rightOn[i].name)))
		if cond == nil {
			cond = eq
		} else {
			cond = binary("AND", cond, eq)
		}
	}
	return cond
}

// whereNode combines the root's filter with the joined queries' filters as
// the backend's FilterController.buildFilterNode does: for joins 0..i,
// q's filter AND (join i's filter AND (join i-1's filter AND ...)).
func whereNode(root, q *rquery, i int, qt quoting) *node {
	if i < 0 {
		if q.filter == nil {
			return nil
		}
		return logicNode(q.filter, qt)
	}
	inner := whereNode(root, root.joins[i].right, i-1, qt)
	switch {
	case inner != nil && q.filter != nil:
		return binary("AND", logicNode(q.filter, qt), inner)
	case inner != nil:
		return inner
	case q.filter != nil:
		return logicNode(q.filter, qt)
	}
	return nil
}

// logicNode turns a filter tree into an expression.
func logicNode(l *rlogic, qt quoting) *node {
	if l.typ == "SINGLE" {
		return filterNode(l.leftF, qt)
	}
	side := func(f *rfilter, sub *rlogic) *node {
		if f != nil {
			return filterNode(f, qt)
		}
		return logicNode(sub, qt)
	}
	return binary(l.typ, side(l.leftF, l.leftL), side(l.rightF, l.rightL))
}

// filterNode turns one filter into a comparison; literals are rendered by
// the filtered feature's type.
func filterNode(f *rfilter, qt quoting) *node {
	lhs := leaf(qt.col(f.feature.alias, f.feature.name))
	switch f.value.kind {
	case valueNull:
		if f.cond == "NOT_EQUALS" {
			// FilterController turns a null value into IS NULL with
			// EQUALS and IS only; with NOT_EQUALS it renders a NULL
			// literal, and the condition holds for no row.
			return binary("<>", lhs, leaf("NULL"))
		}
		return &node{op: "IS NULL", l: lhs}
	case valueFeature:
		return binary(sqlOperator(f.cond), lhs, leaf(qt.col(f.value.ref.alias, f.value.ref.name)))
	case valueList:
		in := &node{op: "IN", l: lhs}
		hasNull := false
		for _, v := range f.value.list {
			if v.null {
				hasNull = true
				continue
			}
			in.list = append(in.list, leaf(literal(f.feature.typ, v.text)))
		}
		switch {
		case !hasNull:
			return in
		case len(in.list) == 0:
			return &node{op: "IS NULL", l: lhs}
		}
		return binary("OR", in, &node{op: "IS NULL", l: lhs})
	}
	return binary(sqlOperator(f.cond), lhs, leaf(literal(f.feature.typ, f.value.text)))
}

// literal renders a filter value as the backend's FilterController does:
// strings as character literals, dates and timestamps as typed literals
// (timestamps with millisecond precision), anything else verbatim.
func literal(typ, text string) string {
	switch strings.ToLower(typ) {
	case "string":
		return "'" + strings.ReplaceAll(text, "'", "''") + "'"
	case "date":
		return "DATE '" + text + "'"
	case "timestamp":
		if t, err := parseTimestamp(text); err == nil {
			text = t.Format("2006-01-02 15:04:05.000")
		}
		return "TIMESTAMP '" + text + "'"
	}
	return text
}

// node is a SQL expression: a leaf (op == "") holding its text, or an
// operator applied to operands.
type node struct {
	op   string
	text string
	l, r *node
	list []*node // the values of IN
}

func leaf(text string) *node { return &node{text: text} }

func binary(op string, l, r *node) *node { return &node{op: op, l: l, r: r} }

// precedence returns Calcite's left and right binding powers of an
// operator; they decide where parentheses go exactly as Calcite's unparser
// does.
func precedence(op string) (left, right int) {
	switch op {
	case "OR":
		return 22, 23
	case "AND":
		return 24, 25
	case "IS NULL":
		return 28, 29
	case "IN":
		return 32, 33
	case "LIKE":
		return 33, 32
	}
	return 30, 31 // comparisons
}

// unparse writes n where the operator on its left binds with power left
// and the one on its right with power right (0: none), parenthesising n
// when they bind tighter than n's operator (SqlCall.unparse).
func (n *node) unparse(b *strings.Builder, left, right int) {
	if n.op == "" {
		b.WriteString(n.text)
		return
	}
	pl, pr := precedence(n.op)
	if left > pl || pr <= right && right != 0 {
		b.WriteByte('(')
		n.unparseOperands(b, 0, 0)
		b.WriteByte(')')
		return
	}
	n.unparseOperands(b, left, right)
}

func (n *node) unparseOperands(b *strings.Builder, left, right int) {
	pl, pr := precedence(n.op)
	n.l.unparse(b, left, pl)
	switch n.op {
	case "IS NULL":
		b.WriteString(" " + n.op)
	case "IN":
		b.WriteString(" IN (")
		for i, v := range n.list {
			if i > 0 {
				b.WriteString(", ")
			}
			v.unparse(b, 0, 0)
		}
		b.WriteString(")")
	default:
		b.WriteString(" " + n.op + " ")
		n.r.unparse(b, pr, right)
	}
}

// hudiAliases lists the feature groups read with time travel, root first,
// for hudiCachedFeatureGroups; without time travel the list is empty.
func hudiAliases(q *rquery) []hudiAliasDTO {
	out := []hudiAliasDTO{}
	var walk func(q *rquery)
	walk = func(q *rquery) {
		if timeTravel(q) {
			out = append(out, hudiAliasDTO{Alias: q.alias, FeatureGroup: newFeatureGroupDTO(q.fg, true),
				LeftFeatureGroupStartTimestamp: q.start, LeftFeatureGroupEndTimestamp: q.end})
		}
		for _, j := range q.joins {
			walk(j.right)
		}
	}
	walk(q)
	return out
}
