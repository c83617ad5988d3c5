package planner

import (
	"slices"
	"sort"

	"github.com/hopsql/hopsql/connector"
)

// pushTree rewrites the join tree headed by j (see joinpush.go).
func (r *joinPusher) pushTree(j *JoinNode, need map[int]bool, ordered bool) (Node, bool, error) {
	var spine []*JoinNode // top down
	for cur := j; ; {
		spine = append(spine, cur)
		l, ok := cur.Left.(*JoinNode)
		if !ok || !pushable(l) {
			break
		}
		cur = l
	}
	for _, s := range spine {
		if s.Kind != JoinInner {
			return r.pushChain(spine, need, ordered)
		}
	}
	return r.pushCluster(j, need, ordered)
}

// pushChain rewrites a join tree with an outer join: spine holds the joins
// of its left spine, top down. The chain's inputs are the bottom join's
// left input and each spine join's right input, bottom up.
func (r *joinPusher) pushChain(spine []*JoinNode, need map[int]bool, ordered bool) (Node, bool, error) {
	m := len(spine)
	t := newJoinTree()
	bottom := spine[m-1]
	t.add(bottom.Left, &bottom.Left)
	types := make([]connector.JoinType, m)
	var keys []Expr
	for i := 1; i <= m; i++ {
		j := spine[m-i]
		t.add(j.Right, &j.Right)
		types[i-1] = connectorJoinTypes[j.Kind]
		keys = append(keys, keyExprs(j.Keys)...)
	}
	for _, j := range spine {
		if err := t.addKeys(j.Keys); err != nil {
			return nil, false, err
		}
	}
	local := withColumns(need, keys...)
	// The longest prefix of scans of one source that runs joins.
	n := 0
	if first := t.inputs[0].leaf; first != nil {
		n = 1
		for n < len(t.inputs) && t.inputs[n].leaf != nil && sameSource(t.inputs[n].leaf, first) {
			n++
		}
	}
	for k := n; k >= 2; k-- {
		for _, c := range t.chainCandidates(k, types) {
			node, err := r.offer(t, c, need)
			if err != nil {
				return nil, false, err
			}
			if node == nil {
				continue
			}
			if ordered {
				node = keepOrder(node, t.columns(span(0, k)))
			}
			// node replaces the join that adds input k-1, and the inputs
			// after it join locally.
			var root Node = spine[0]
			if k-1 == m {
				root = node
			} else {
				spine[m-k].Left = node
			}
			for i := k; i <= m; i++ {
				if _, err := r.visitInput(t.inputs[i], local, ordered); err != nil {
					return nil, false, err
				}
			}
			return root, true, nil
		}
	}
	// Nothing taken. The inner joins at the bottom of the chain are a
	// cluster of their own; the other inputs may hold trees of their own.
	changed := false
	q := 0
	for q < m && types[q] == connector.InnerJoin {
		q++
	}
	from := 0
	if q > 0 {
		var above []Expr
		for _, j := range spine[:m-q] {
			above = append(above, keyExprs(j.Keys)...)
		}
		node, ch, err := r.pushCluster(spine[m-q], withColumns(need, above...), ordered)
		if err != nil {
			return nil, false, err
		}
		spine[m-q-1].Left = node // an outer join is above: q < m
		changed, from = ch, q+1
	}
	for i := from; i <= m; i++ {
		ch, err := r.visitInput(t.inputs[i], local, ordered)
		if err != nil {
			return nil, false, err
		}
		changed = changed || ch
	}
	return spine[0], changed, nil
}

// visitInput rewrites the trees inside an input of a join tree that joins
// locally, in place.
func (r *joinPusher) visitInput(in *treeInput, need map[int]bool, ordered bool) (bool, error) {
	node, changed, err := r.visit(in.node, need, ordered)
	if err != nil {
		return false, err
	}
	*in.slot, in.node = node, node
	return changed, nil
}

// pushCluster rewrites a tree of inner joins headed by j.
func (r *joinPusher) pushCluster(j *JoinNode, need map[int]bool, ordered bool) (Node, bool, error) {
	t := newJoinTree()
	var joins []*JoinNode
	var walk func(n *JoinNode)
	walk = func(n *JoinNode) {
		joins = append(joins, n)
		for _, side := range []*Node{&n.Left, &n.Right} {
			if c, ok := (*side).(*JoinNode); ok && c.Kind == JoinInner && pushable(c) {
				walk(c)
			} else {
				t.add(*side, side)
			}
		}
	}
	walk(j)
	var keys []Expr
	for _, n := range joins {
		if err := t.addKeys(n.Keys); err != nil {
			return nil, false, err
		}
		keys = append(keys, keyExprs(n.Keys)...)
	}
	order := j.Columns()
	// Offer each source's scans, largest pieces first, until it takes no
	// more.
	taken := make([]bool, len(t.inputs))
	var units []joinUnit
	var sources []*joinLeaf
	for _, in := range t.inputs {
		if in.leaf == nil || slices.ContainsFunc(sources, func(s *joinLeaf) bool { return sameSource(s, in.leaf) }) {
			continue
		}
		sources = append(sources, in.leaf)
		for {
			var members []int
			for i, x := range t.inputs {
				if !taken[i] && x.leaf != nil && sameSource(x.leaf, in.leaf) {
					members = append(members, i)
				}
			}
			if len(members) < 2 {
				break
			}
			unit, err := r.offerPiece(t, t.clusterCandidates(members), need)
			if err != nil {
				return nil, false, err
			}
			if unit == nil {
				break
			}
			for _, i := range unit.members {
				taken[i] = true
			}
			units = append(units, *unit)
		}
	}
	local := withColumns(need, keys...)
	changed := false
	for i, in := range t.inputs {
		if taken[i] {
			continue
		}
		ch, err := r.visitInput(in, local, ordered && len(units) == 0)
		if err != nil {
			return nil, false, err
		}
		changed = changed || ch
		units = append(units, joinUnit{node: in.node, members: []int{i}})
	}
	if len(units) == len(t.inputs) {
		return j, changed, nil // no piece taken: the joins stay as they are
	}
	root := t.joinUnits(units)
	if ordered {
		root = keepOrder(root, order)
	}
	return root, true, nil
}

// joinUnit is a part of an inner cluster that joins locally: a piece a
// source took, or an input.
type joinUnit struct {
	node    Node
	members []int
}

// offerPiece offers candidates in turn and returns the first one taken.
func (r *joinPusher) offerPiece(t *joinTree, cands []candidate, need map[int]bool) (*joinUnit, error) {
	for _, c := range cands {
		node, err := r.offer(t, c, need)
		if err != nil {
			return nil, err
		}
		if node != nil {
			return &joinUnit{node: node, members: c.order}, nil
		}
	}
	return nil, nil
}

// joinUnits joins the units of an inner cluster left-deep, starting with
// the one holding the first input, each next one the first (by its first
// input) with an equality to those joined, on all such equalities.
func (t *joinTree) joinUnits(units []joinUnit) Node {
	sort.Slice(units, func(i, j int) bool { return slices.Min(units[i].members) < slices.Min(units[j].members) })
	joined := map[int]bool{}
	for _, m := range units[0].members {
		joined[m] = true
	}
	cur := units[0].node
	rest := units[1:]
	for len(rest) > 0 {
		pick := 0
		for i, u := range rest {
			if t.keysTo(joined, u.members) != nil {
				pick = i
				break
			}
		}
		u := rest[pick]
		rest = slices.Delete(rest, pick, pick+1)
		keys := t.keysTo(joined, u.members)
		kind := JoinInner
		if len(keys) == 0 {
			kind = JoinCross
		}
		cur = &JoinNode{Left: cur, Right: u.node, Kind: kind, Keys: keys}
		for _, m := range u.members {
			joined[m] = true
		}
	}
	return cur
}

// keysTo returns the equalities between the joined inputs and members, as
// join keys with the joined side on the left.
func (t *joinTree) keysTo(joined map[int]bool, members []int) []JoinKey {
	var keys []JoinKey
	for _, e := range t.edges {
		switch {
		case joined[e.a] && slices.Contains(members, e.b):
			keys = append(keys, JoinKey{L: &ColumnRef{Col: e.ca}, R: &ColumnRef{Col: e.cb}})
		case joined[e.b] && slices.Contains(members, e.a):
			keys = append(keys, JoinKey{L: &ColumnRef{Col: e.cb}, R: &ColumnRef{Col: e.ca}})
		}
	}
	return keys
}
