package planner

import "github.com/hopsql/hopsql/connector"

// Join reordering. The binder joins comma-separated tables in the order
// they are written, as cross joins whose conditions sit in WHERE. When the
// first two tables share no condition (TPC-H Q9 lists part, then
// supplier), that order builds a cross product. reorderJoins takes each
// cluster of inner and cross joins (with the filters on top of and between
// them), and rejoins its relations so that each one joins a relation it
// shares a condition with, keeping the written order otherwise. It runs
// after a first pushdown, which gathers conditions written above outer
// joins and subqueries down to the cluster; a second pushdown then turns
// them into hash join keys again, and the physical planner builds each
// hash table on the smaller side.

// reorderJoins rewrites every inner-join cluster of n.
func reorderJoins(n Node) Node {
	if isCluster(n) {
		var leaves []Node
		var preds []Expr
		flatten(n, &leaves, &preds)
		for i, l := range leaves {
			leaves[i] = reorderJoins(l)
		}
		if len(leaves) < 3 {
			return rebuild(leaves, preds)
		}
		return rebuild(connectedOrder(leaves, preds), preds)
	}
	switch n := n.(type) {
	case *FilterNode:
		n.Input = reorderJoins(n.Input)
	case *ProjectNode:
		n.Input = reorderJoins(n.Input)
	case *AggregateNode:
		n.Input = reorderJoins(n.Input)
	case *SortNode:
		n.Input = reorderJoins(n.Input)
	case *LimitNode:
		n.Input = reorderJoins(n.Input)
	case *SingleRowNode:
		n.Input = reorderJoins(n.Input)
	case *UnionNode:
		for i := range n.Sides {
			n.Sides[i] = reorderJoins(n.Sides[i])
		}
	case *JoinNode:
		n.Left = reorderJoins(n.Left)
		n.Right = reorderJoins(n.Right)
	}
	return n
}

// isCluster reports whether n is an inner or cross join, or a filter over
// one.
func isCluster(n Node) bool {
	switch n := n.(type) {
	case *JoinNode:
		return n.Kind == JoinInner || n.Kind == JoinCross
	case *FilterNode:
		return isCluster(n.Input)
	}
	return false
}

// flatten collects a cluster's relations, in written order, and its
// conditions.
func flatten(n Node, leaves *[]Node, preds *[]Expr) {
	if !isCluster(n) {
		*leaves = append(*leaves, n)
		return
	}
	switch n := n.(type) {
	case *FilterNode:
		*preds = append(*preds, conjuncts(n.Pred)...)
		flatten(n.Input, leaves, preds)
	case *JoinNode:
		// Pushdown may have placed the conditions already: keys and
		// residuals are conditions again.
		if n.On != nil {
			*preds = append(*preds, conjuncts(n.On)...)
		}
		for _, k := range n.Keys {
			*preds = append(*preds, &Compare{Op: connector.Eq, L: k.L, R: k.R})
		}
		if n.Residual != nil {
			*preds = append(*preds, conjuncts(n.Residual)...)
		}
		flatten(n.Left, leaves, preds)
		flatten(n.Right, leaves, preds)
	}
}

// connectedOrder orders relations so that each joins the ones before it
// through an equality, where one exists.
func connectedOrder(leaves []Node, preds []Expr) []Node {
	cols := make([]map[int]bool, len(leaves))
	for i, l := range leaves {
		cols[i] = idSet(l.Columns())
	}
	used := make([]bool, len(leaves))
	order := []int{0}
	used[0] = true
	joined := copySet(cols[0])
	for len(order) < len(leaves) {
		next := -1
		for i := range leaves {
			if !used[i] && connects(preds, joined, cols[i]) {
				next = i
				break
			}
		}
		if next < 0 {
			for i := range leaves {
				if !used[i] {
					next = i
					break
				}
			}
		}
		used[next] = true
		order = append(order, next)
		for id := range cols[next] {
			joined[id] = true
		}
	}
	out := make([]Node, len(order))
	for i, k := range order {
		out[i] = leaves[k]
	}
	return out
}

// connects reports whether an equality links the joined relations with
// the relation whose columns are rel.
func connects(preds []Expr, joined, rel map[int]bool) bool {
	for _, p := range preds {
		if _, ok := equiKey(p, joined, rel); ok {
			return true
		}
	}
	return false
}

func copySet(s map[int]bool) map[int]bool {
	out := make(map[int]bool, len(s))
	for k := range s {
		out[k] = true
	}
	return out
}

// rebuild joins relations left-deep, with the conditions in a filter on
// top for pushdown to place.
func rebuild(leaves []Node, preds []Expr) Node {
	cur := leaves[0]
	for _, l := range leaves[1:] {
		cur = &JoinNode{Left: cur, Right: l, Kind: JoinCross}
	}
	return filterAbove(cur, preds)
}
