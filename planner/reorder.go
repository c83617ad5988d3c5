package planner

import (
	"strings"

	"github.com/hopsql/hopsql/connector"
)

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
	mapInputs(n, reorderJoins)
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

// reorderByEstimates rejoins every inner-join cluster of three relations
// or more in n by the rows the relations are estimated to yield, once
// scans know theirs: the largest relation first, the one streamed through
// every hash table, then, among the relations joined to those before them,
// the smallest next, so that selective joins (TPC-H Q7's two nations out
// of 25) cut the stream before the large tables' joins see it. Conditions
// go back into a filter above the cluster for pushdown to place again.
func reorderByEstimates(n Node) Node {
	if isCluster(n) {
		var leaves []Node
		var preds []Expr
		flatten(n, &leaves, &preds)
		for i, l := range leaves {
			leaves[i] = reorderByEstimates(l)
		}
		if len(leaves) < 3 {
			return rebuild(leaves, preds)
		}
		return rebuild(greedyOrder(leaves, preds), preds)
	}
	mapInputs(n, reorderByEstimates)
	return n
}

// greedyOrder orders relations by estimates: the largest first, then
// repeatedly, of those joined to the ones before on their whole primary key
// (such a join keeps at most one row of it per streamed row, so it cannot
// multiply the stream), a filtered one before others and the smallest
// first; when none is, the first in written order that an equality joins,
// and failing that the first in written order.
func greedyOrder(leaves []Node, preds []Expr) []Node {
	cols := make([]map[int]bool, len(leaves))
	est := make([]float64, len(leaves))
	first := 0
	for i, l := range leaves {
		cols[i] = idSet(l.Columns())
		est[i] = estimate(l)
		if est[i] > est[first] {
			first = i
		}
	}
	// A filtered relation joined on its key drops the rows its filter
	// drops; one without a filter drops none.
	better := func(i, j int) bool {
		fi, fj := filtered(leaves[i]), filtered(leaves[j])
		if fi != fj {
			return fi
		}
		return est[i] < est[j]
	}
	used := make([]bool, len(leaves))
	used[first] = true
	order := []Node{leaves[first]}
	joined := copySet(cols[first])
	for len(order) < len(leaves) {
		keyed, linked, rest := -1, -1, -1
		for i := range leaves {
			if used[i] {
				continue
			}
			switch {
			case keyJoined(leaves[i], preds, joined, cols[i]):
				if keyed < 0 || better(i, keyed) {
					keyed = i
				}
			case connects(preds, joined, cols[i]):
				if linked < 0 {
					linked = i
				}
			default:
				if rest < 0 {
					rest = i
				}
			}
		}
		next := keyed
		if next < 0 {
			next = linked
		}
		if next < 0 {
			next = rest
		}
		used[next] = true
		order = append(order, leaves[next])
		for id := range cols[next] {
			joined[id] = true
		}
	}
	return order
}

// keyJoined reports whether equalities in preds bind every primary-key
// feature of the relation rel (a scan, perhaps under filters, whose
// columns are relCols) to the joined relations.
func keyJoined(rel Node, preds []Expr, joined, relCols map[int]bool) bool {
	for {
		f, ok := rel.(*FilterNode)
		if !ok {
			break
		}
		rel = f.Input
	}
	scan, ok := rel.(*ScanNode)
	if !ok || len(scan.Table.FeatureGroup.PrimaryKey) == 0 {
		return false
	}
	bound := map[string]bool{}
	for _, p := range preds {
		k, ok := equiKey(p, joined, relCols)
		if !ok {
			continue
		}
		if ref, ok := k.R.(*ColumnRef); ok {
			bound[strings.ToLower(ref.Col.Name)] = true
		}
	}
	for _, name := range scan.Table.FeatureGroup.PrimaryKey {
		if !bound[strings.ToLower(name)] {
			return false
		}
	}
	return true
}

// filtered reports whether a relation of a cluster has a filter of its own.
func filtered(n Node) bool {
	_, ok := n.(*FilterNode)
	return ok
}
