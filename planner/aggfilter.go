package planner

import "slices"

// Filtering aggregate inputs by the keys that will join them. A
// correlated subquery such as TPC-H Q17's
//
//	l_quantity < (SELECT 0.2 * avg(l_quantity) FROM lineitem WHERE l_partkey = p_partkey)
//
// is bound as a join with an aggregate grouped by the correlated key, over
// all of lineitem (200,000 groups), of which the join keeps the few whose
// key the outer query has (the parts of one brand and container). Since a
// group the join cannot match is thrown away, the aggregate's input may
// be cut to the rows whose key appears on the join's other side: a semi
// join with the smallest part of that side that yields every key it has
// (the filtered parts, read a second time). DuckDB reaches the same end
// with its delim joins.

// aggFilterRatio is how many times fewer rows than the aggregate's input
// the keys' source must be estimated to yield for the semi join to pay.
const aggFilterRatio = 10

// filterAggregateInputs applies the rewrite throughout n.
func filterAggregateInputs(n Node) Node {
	mapInputs(n, filterAggregateInputs)
	if j, ok := n.(*JoinNode); ok {
		filterJoinedAggregate(j)
	}
	return n
}

// filterJoinedAggregate cuts the input of an aggregate on the right of
// join n (or on either side of an inner join) to the rows whose group key
// the other side has, when that side has a part much smaller than the
// aggregate's input that yields all its keys.
func filterJoinedAggregate(n *JoinNode) {
	if len(n.Keys) == 0 || (n.Kind != JoinInner && n.Kind != JoinLeft && n.Kind != JoinSemi) {
		return
	}
	type side struct {
		agg   *Node // the side holding the aggregate
		other Node
		key   func(JoinKey) (aggKey, otherKey Expr)
	}
	sides := []side{{&n.Right, n.Left, func(k JoinKey) (Expr, Expr) { return k.R, k.L }}}
	if n.Kind == JoinInner {
		sides = append(sides, side{&n.Left, n.Right, func(k JoinKey) (Expr, Expr) { return k.L, k.R }})
	}
	for _, s := range sides {
		agg, groupCol := groupedBelow(*s.agg)
		if agg == nil {
			continue
		}
		// The keys joining a group key: (group key over the aggregate's
		// input, the other side's key).
		var keys []JoinKey
		need := map[int]bool{}
		for _, k := range n.Keys {
			ak, other := s.key(k)
			ref, ok := ak.(*ColumnRef)
			if !ok {
				continue
			}
			in, ok := groupCol(ref.Col)
			if !ok {
				continue
			}
			keys = append(keys, JoinKey{L: in, R: other})
			for id := range columnsOf(other) {
				need[id] = true
			}
		}
		if len(keys) == 0 {
			continue
		}
		src := smallestSource(s.other, need)
		if estimate(src)*aggFilterRatio > estimate(agg.Input) {
			continue
		}
		agg.Input = &JoinNode{Left: agg.Input, Right: src, Kind: JoinSemi, Keys: keys}
		return
	}
}

// groupedBelow finds a grouped aggregate at n, or under projections and
// filters over it, and returns it with a function that maps a column of n
// to the aggregate's input column, when the column is a group key read
// straight from the input (passed through the projections unchanged).
func groupedBelow(n Node) (*AggregateNode, func(*Column) (Expr, bool)) {
	var projects []*ProjectNode
	for {
		switch x := n.(type) {
		case *ProjectNode:
			projects = append(projects, x)
			n = x.Input
			continue
		case *FilterNode:
			n = x.Input
			continue
		case *AggregateNode:
			if len(x.Keys) == 0 {
				return nil, nil
			}
			return x, func(c *Column) (Expr, bool) {
				for _, p := range projects {
					i := slices.IndexFunc(p.Cols, func(pc *Column) bool { return pc.ID == c.ID })
					if i < 0 {
						return nil, false
					}
					ref, ok := p.Exprs[i].(*ColumnRef)
					if !ok {
						return nil, false
					}
					c = ref.Col
				}
				for i, k := range x.Keys {
					if _, ok := k.(*ColumnRef); ok && x.Cols[i].ID == c.ID {
						return k, true
					}
				}
				return nil, false
			}
		}
		return nil, nil
	}
}

// smallestSource descends from n into the inputs of inner joins that hold
// every column of need (each yields every value of those columns the join
// does), while they are estimated no larger, and stops at anything else:
// a filter, say, keeps fewer keys than its input.
func smallestSource(n Node, need map[int]bool) Node {
	for {
		j, ok := n.(*JoinNode)
		if !ok || (j.Kind != JoinInner && j.Kind != JoinCross) {
			return n
		}
		moved := false
		for _, in := range []Node{j.Left, j.Right} {
			if subset(need, idSet(in.Columns())) && estimate(in) <= estimate(n) {
				n, moved = in, true
				break
			}
		}
		if !moved {
			return n
		}
	}
}
