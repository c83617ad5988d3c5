package hopsworkstest

import (
	"strings"
)

// pitRank is the column the point-in-time query ranks candidate rows in.
const pitRank = "pit_rank_hopsworks"

// renderPitQuery writes the point-in-time query without ASOF joins, as the
// backend's PitJoinController does: for each join a common table
// expression right_<alias> that joins the root with the joined feature
// group on the keys and on event times (root's at or after the joined
// one's), ranks the candidates per key and root event time by the joined
// event time, and keeps the first; then a select over the expressions with
// the root's filter.
//
// The shape for one join is the backend's exactly (HWIT
// featuregroup_spec.rb); with several joins, how the expressions are
// joined (on the join_pk_ and join_evt_ columns) is inferred.
func renderPitQuery(q *rquery, tables tableFunc) string {
	qt := quoteBacktick
	var b strings.Builder
	b.WriteString("WITH ")
	for i, j := range q.joins {
		if i > 0 {
			b.WriteString(", ")
		}
		writePitExpression(&b, q, j, tables)
	}
	first := cteName(q.joins[0])
	b.WriteString(" (SELECT ")
	cols := 0
	writeCol := func(cte string, f *qfeature) {
		if cols > 0 {
			b.WriteString(", ")
		}
		cols++
		b.WriteString(qt.col(cte, f.outName()) + " " + qt.id(f.outName()))
	}
	for _, f := range q.selected {
		writeCol(first, f)
	}
	for _, j := range q.joins {
		for _, f := range collectFeatures(j.right) {
			writeCol(cteName(j), f)
		}
	}
	b.WriteString("\nFROM " + first)
	for _, j := range q.joins[1:] {
		b.WriteString("\nINNER JOIN " + cteName(j) + " ON ")
		var cond *node
		for _, k := range j.leftOn {
			cond = and(cond, binary("=", leaf(qt.col(first, "join_pk_"+k.name)), leaf(qt.col(cteName(j), "join_pk_"+k.name))))
		}
		evt := "join_evt_" + q.fg.meta.EventTime
		cond = and(cond, binary("=", leaf(qt.col(first, evt)), leaf(qt.col(cteName(j), evt))))
		cond.unparse(&b, 0, 0)
	}
	if q.filter != nil {
		b.WriteString("\nWHERE ")
		logicNode(renamedLogic(q, q.filter), qt).unparse(&b, 0, 0)
	}
	b.WriteString(")")
	return b.String()
}

// writePitExpression writes "right_<alias> AS (...)" for join j of q.
func writePitExpression(b *strings.Builder, q *rquery, j *rjoin, tables tableFunc) {
	qt := quoteBacktick
	rootEvt := qt.col(q.alias, q.fg.meta.EventTime)
	rightEvt := qt.col(j.right.alias, j.right.fg.meta.EventTime)
	b.WriteString(cteName(j) + " AS (SELECT *\nFROM (SELECT ")
	var items []string
	for _, f := range q.selected {
		items = append(items, qt.col(f.alias, f.name)+" "+qt.id(f.outName()))
	}
	for _, k := range j.leftOn {
		items = append(items, qt.col(q.alias, k.name)+" "+qt.id("join_pk_"+k.name))
	}
	items = append(items, rootEvt+" "+qt.id("join_evt_"+q.fg.meta.EventTime))
	for _, f := range collectFeatures(j.right) {
		if j.prefix != "" {
			f.prefix = j.prefix
		}
		items = append(items, qt.col(f.alias, f.name)+" "+qt.id(f.outName()))
	}
	var partition []string
	for _, k := range j.rightOn {
		partition = append(partition, qt.col(j.right.alias, k.name))
	}
	partition = append(partition, rootEvt)
	items = append(items, "RANK() OVER (PARTITION BY "+strings.Join(partition, ", ")+" ORDER BY "+rightEvt+" DESC) "+pitRank)
	b.WriteString(strings.Join(items, ", "))
	b.WriteString("\nFROM " + tables(q) + " " + qt.id(q.alias))
	b.WriteString("\n" + j.keyword() + " " + tables(j.right) + " " + qt.id(j.right.alias) + " ON ")
	binary("AND", joinCondition(q.alias, j, qt), binary(">=", leaf(rootEvt), leaf(rightEvt))).unparse(b, 0, 0)
	if j.right.filter != nil {
		b.WriteString("\nWHERE ")
		logicNode(j.right.filter, qt).unparse(b, 0, 0)
	}
	b.WriteString(") NA\nWHERE " + qt.id(pitRank) + " = 1)")
}

// cteName names the expression of a join: right_<alias>.
func cteName(j *rjoin) string { return "right_" + j.right.alias }

func and(a, b *node) *node {
	if a == nil {
		return b
	}
	return binary("AND", a, b)
}

// renamedLogic returns the filter tree l with every feature referenced in
// the expression that holds it: the root's features in the first
// expression, a joined feature group's in its own.
func renamedLogic(q *rquery, l *rlogic) *rlogic {
	cte := make(map[*featureGroup]string)
	for _, j := range q.joins {
		cte[j.right.fg] = cteName(j)
	}
	cte[q.fg] = cteName(q.joins[0])
	rename := func(f *qfeature) *qfeature {
		c := *f
		c.alias = cte[f.fg]
		return &c
	}
	var walk func(l *rlogic) *rlogic
	walk = func(l *rlogic) *rlogic {
		if l == nil {
			return nil
		}
		out := &rlogic{typ: l.typ, leftL: walk(l.leftL), rightL: walk(l.rightL)}
		for _, p := range []struct{ src, dst **rfilter }{{&l.leftF, &out.leftF}, {&l.rightF, &out.rightF}} {
			if *p.src == nil {
				continue
			}
			f := **p.src
			f.feature = rename(f.feature)
			if f.value.kind == valueFeature {
				f.value.ref = rename(f.value.ref)
			}
			*p.dst = &f
		}
		return out
	}
	return walk(l)
}
