package planner

import (
	"fmt"
	"slices"
	"sort"

	"github.com/hopsql/hopsql/connector"
)

// joinTree is a join tree flattened for offers: its inputs in leaf order
// and the equalities of its joins' keys.
type joinTree struct {
	inputs []*treeInput
	edges  []joinEdge
	// owner maps the inputs' columns to their input.
	owner map[int]int
}

// treeInput is one input of a joinTree.
type treeInput struct {
	node Node
	// slot is where the plan holds node, to put a rewritten node back.
	slot *Node
	// leaf is set when a source may read node as part of a join.
	leaf *joinLeaf
}

// joinEdge is one key equality of a join tree: column ca of input a equals
// column cb of input b.
type joinEdge struct {
	a, b   int
	ca, cb *Column
}

// candidate is a piece of a join tree that may be offered: its inputs in
// request order and the types of the joins that add the second, third, ...
type candidate struct {
	order []int
	types []connector.JoinType
}

var connectorJoinTypes = map[JoinKind]connector.JoinType{
	JoinInner: connector.InnerJoin,
	JoinLeft:  connector.LeftJoin,
	JoinFull:  connector.FullJoin,
}

func newJoinTree() *joinTree { return &joinTree{owner: map[int]int{}} }

func (t *joinTree) add(n Node, slot *Node) {
	for _, c := range n.Columns() {
		t.owner[c.ID] = len(t.inputs)
	}
	t.inputs = append(t.inputs, &treeInput{node: n, slot: slot, leaf: leafOf(n)})
}

// addKeys records the equalities of a join of the tree; its keys are plain
// columns (see pushable).
func (t *joinTree) addKeys(keys []JoinKey) error {
	for _, k := range keys {
		l, r := k.L.(*ColumnRef).Col, k.R.(*ColumnRef).Col
		a, okA := t.owner[l.ID]
		b, okB := t.owner[r.ID]
		if !okA || !okB {
			return fmt.Errorf("planner: join key %s = %s is not over the join's inputs", l, r)
		}
		t.edges = append(t.edges, joinEdge{a: a, b: b, ca: l, cb: r})
	}
	return nil
}

// linked reports whether an equality joins inputs i and j.
func (t *joinTree) linked(i, j int) bool {
	for _, e := range t.edges {
		if e.a == i && e.b == j || e.a == j && e.b == i {
			return true
		}
	}
	return false
}

// connectedOrder orders members starting at root, each next one the first
// (in members' order) with an equality to those before it; nil if members
// are not connected.
func (t *joinTree) connectedOrder(root int, members []int) []int {
	order := []int{root}
	for len(order) < len(members) {
		next := -1
		for _, m := range members {
			if slices.Contains(order, m) {
				continue
			}
			for _, o := range order {
				if t.linked(m, o) {
					next = m
					break
				}
			}
			if next >= 0 {
				break
			}
		}
		if next < 0 {
			return nil
		}
		order = append(order, next)
	}
	return order
}

// isStar reports whether every equality among the inputs of order involves
// the first: the shape of a query model with one root and sub-queries
// without joins of their own.
func (t *joinTree) isStar(order []int) bool {
	for _, e := range t.edges {
		if slices.Contains(order, e.a) && slices.Contains(order, e.b) && e.a != order[0] && e.b != order[0] {
			return false
		}
	}
	return true
}

// chainCandidates returns the offers of the first k inputs of a chain
// (pushChain): in leaf order, then with another input of the inner joins
// at the bottom first where that makes a star.
func (t *joinTree) chainCandidates(k int, types []connector.JoinType) []candidate {
	base := candidate{order: span(0, k), types: types[:k-1]}
	out := []candidate{base}
	q := 0
	for q < k-1 && types[q] == connector.InnerJoin {
		q++
	}
	for root := 1; root <= q; root++ {
		order := t.connectedOrder(root, span(0, q+1))
		if order == nil {
			continue
		}
		order = append(order, span(q+1, k)...)
		if t.isStar(order) {
			out = append(out, candidate{order: order, types: base.types})
		}
	}
	return out
}

// clusterCandidates returns the offers of members, inputs of an inner
// cluster that one source reads, largest first: each connected group of
// them in leaf order, the stars in it, and the group's shorter prefixes.
func (t *joinTree) clusterCandidates(members []int) []candidate {
	var out []candidate
	inner := func(order []int) candidate {
		types := make([]connector.JoinType, len(order)-1)
		for i := range types {
			types[i] = connector.InnerJoin
		}
		return candidate{order: order, types: types}
	}
	for _, group := range t.components(members) {
		if len(group) < 2 {
			continue
		}
		base := t.connectedOrder(group[0], group)
		out = append(out, inner(base))
		for _, root := range group {
			star := []int{root}
			for _, m := range group {
				if m != root && t.linked(root, m) {
					star = append(star, m)
				}
			}
			if len(star) >= 2 && t.isStar(star) {
				out = append(out, inner(star))
			}
		}
		for k := len(base) - 1; k >= 2; k-- {
			out = append(out, inner(base[:k]))
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i].order) > len(out[j].order) })
	var uniq []candidate
	for _, c := range out {
		if !slices.ContainsFunc(uniq, func(u candidate) bool { return slices.Equal(u.order, c.order) }) {
			uniq = append(uniq, c)
		}
	}
	return uniq
}

// components splits members into the groups that equalities among them
// connect, each in leaf order, the groups in order of their first input.
func (t *joinTree) components(members []int) [][]int {
	seen := map[int]bool{}
	var out [][]int
	for _, m := range members {
		if seen[m] {
			continue
		}
		group := map[int]bool{m: true}
		queue := []int{m}
		for len(queue) > 0 {
			x := queue[0]
			queue = queue[1:]
			for _, y := range members {
				if !group[y] && t.linked(x, y) {
					group[y] = true
					queue = append(queue, y)
				}
			}
		}
		var g []int
		for _, y := range members {
			if group[y] {
				g = append(g, y)
				seen[y] = true
			}
		}
		out = append(out, g)
	}
	return out
}

// span returns the integers from, ..., to-1.
func span(from, to int) []int {
	out := make([]int, 0, to-from)
	for i := from; i < to; i++ {
		out = append(out, i)
	}
	return out
}

// columns returns the columns of inputs, in order.
func (t *joinTree) columns(inputs []int) []*Column {
	var out []*Column
	for _, i := range inputs {
		out = append(out, t.inputs[i].node.Columns()...)
	}
	return out
}
