package planner

// Sinking semi and anti joins. The binder places an IN or EXISTS subquery
// as a semi (or anti) join above everything its outer query joins, so it
// filters the joined rows. When it reads columns of one input of an inner
// join only, it can filter that input instead, before the join: in TPC-H
// Q18 the 57 orders the subquery keeps then meet lineitem, where before
// the 1.5 million orders did and the subquery filtered their 6 million
// joined rows. Filtering earlier pays when the subquery keeps few rows,
// which estimates can only guess; sinkSemiJoins moves a join when its
// subquery is estimated to yield fewer rows than the input it would
// filter, so that a subquery over a table as large as that input (Q21's
// EXISTS over lineitem) stays where the other joins have shrunk the rows
// it filters.

// sinkSemiJoins moves every semi and anti join of n that can and should
// filter an input of the inner join below it into that input.
func sinkSemiJoins(n Node) Node {
	mapInputs(n, sinkSemiJoins)
	if j, ok := n.(*JoinNode); ok && (j.Kind == JoinSemi || j.Kind == JoinAnti) {
		return sinkSemiJoin(j)
	}
	return n
}

// sinkSemiJoin moves the semi or anti join n into an input of the inner
// join it filters, as deep as it goes, and returns what replaces n.
func sinkSemiJoin(n *JoinNode) Node {
	inner, ok := n.Left.(*JoinNode)
	if !ok || (inner.Kind != JoinInner && inner.Kind != JoinCross) || inner.On != nil || len(n.Keys) == 0 || n.On != nil {
		return n
	}
	// The columns of the filtered side the semi join reads.
	reads := map[int]bool{}
	for _, k := range n.Keys {
		for id := range columnsOf(k.L) {
			reads[id] = true
		}
	}
	if n.Residual != nil {
		right := idSet(n.Right.Columns())
		for id := range columnsOf(n.Residual) {
			if !right[id] {
				reads[id] = true
			}
		}
	}
	for _, side := range []*Node{&inner.Left, &inner.Right} {
		if !subset(reads, idSet((*side).Columns())) {
			continue
		}
		if estimate(n.Right) >= estimate(*side) {
			return n
		}
		n.Left = *side
		*side = sinkSemiJoin(n)
		return inner
	}
	return n
}
