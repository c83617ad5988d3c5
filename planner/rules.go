package planner

import "github.com/hopsql/hopsql/connector"

// Rewrite rules over the logical plan. Each takes a plan and returns the
// rewritten plan; they run in a fixed order (pushdown, then pruning), each
// to completion in one pass.

// pushDown moves the conjuncts preds, and every filter inside n, as far
// down as they can go: into join keys, below joins to the side they read,
// and onto scans, where the source may use them to skip data. Conjuncts
// that cannot move stay in a filter above where they stop.
func pushDown(n Node, preds []Expr) (Node, error) {
	switch n := n.(type) {
	case *FilterNode:
		return pushDown(n.Input, append(preds, conjuncts(n.Pred)...))
	case *ProjectNode:
		// A conjunct over the projection's columns moves below it, with
		// each column replaced by the expression that computes it.
		defs := map[int]Expr{}
		for i, e := range n.Exprs {
			defs[n.Cols[i].ID] = e
		}
		return pushPast(n, &n.Input, defs, preds)
	case *AggregateNode:
		// Conjuncts over grouping keys only filter groups before they are
		// formed.
		// A global aggregate yields a row even for no input: nothing may
		// move below it.
		if len(n.Keys) == 0 {
			in, err := pushDown(n.Input, nil)
			if err != nil {
				return nil, err
			}
			n.Input = in
			return filterAbove(n, preds), nil
		}
		defs := map[int]Expr{}
		for i, k := range n.Keys {
			defs[n.Cols[i].ID] = k
		}
		return pushPast(n, &n.Input, defs, preds)
	case *SortNode:
		in, err := pushDown(n.Input, preds)
		if err != nil {
			return nil, err
		}
		n.Input = in
		return n, nil
	case *UnionNode:
		for i, input := range n.Sides {
			defs := map[int]Expr{}
			for j, c := range input.Columns() {
				defs[n.Cols[j].ID] = &ColumnRef{Col: c}
			}
			var mine []Expr
			for _, p := range preds {
				q, _ := inline(p, defs)
				mine = append(mine, q)
			}
			in, err := pushDown(input, mine)
			if err != nil {
				return nil, err
			}
			n.Sides[i] = in
		}
		return n, nil
	case *JoinNode:
		return pushIntoJoin(n, preds)
	case *ScanNode:
		for _, p := range preds {
			if !containsExpr(n.Filters, p) {
				n.Filters = append(n.Filters, p)
			}
		}
		return filterAbove(n, preds), nil
	case *LimitNode:
		in, err := pushDown(n.Input, nil)
		if err != nil {
			return nil, err
		}
		n.Input = in
		return filterAbove(n, preds), nil
	case *SingleRowNode:
		in, err := pushDown(n.Input, nil)
		if err != nil {
			return nil, err
		}
		n.Input = in
		return filterAbove(n, preds), nil
	}
	return filterAbove(n, preds), nil
}

// pushPast moves the conjuncts that can be written over n's input, with
// each of n's columns replaced by its definition in defs, below n into
// *input; the others stay in a filter above n.
func pushPast(n Node, input *Node, defs map[int]Expr, preds []Expr) (Node, error) {
	var below, above []Expr
	for _, p := range preds {
		if q, ok := inline(p, defs); ok {
			below = append(below, q)
		} else {
			above = append(above, p)
		}
	}
	in, err := pushDown(*input, below)
	if err != nil {
		return nil, err
	}
	*input = in
	return filterAbove(n, above), nil
}

func pushIntoJoin(n *JoinNode, preds []Expr) (Node, error) {
	lcols, rcols := idSet(n.Left.Columns()), idSet(n.Right.Columns())
	// The join's own condition: ON conjuncts not yet placed.
	var cond []Expr
	if n.On != nil {
		cond = append(cond, conjuncts(n.On)...)
		n.On = nil
	}
	if n.Residual != nil {
		cond = append(cond, conjuncts(n.Residual)...)
		n.Residual = nil
	}
	var lp, rp, stay, residual []Expr
	keyOrResidual := func(p Expr) {
		if k, ok := equiKey(p, lcols, rcols); ok {
			n.Keys = append(n.Keys, k)
		} else {
			residual = append(residual, p)
		}
	}
	rightOnly := func(p Expr) bool {
		ids := columnsOf(p)
		return len(ids) > 0 && subset(ids, rcols)
	}
	switch n.Kind {
	case JoinInner, JoinCross:
		// For inner joins WHERE and ON mean the same.
		for _, p := range append(preds, cond...) {
			ids := columnsOf(p)
			switch {
			case subset(ids, lcols):
				lp = append(lp, p)
			case subset(ids, rcols):
				rp = append(rp, p)
			default:
				if k, ok := equiKey(p, lcols, rcols); ok {
					n.Keys = append(n.Keys, k)
					continue
				}
				residual = append(residual, p)
				// What a disjunction across the sides implies for each
				// side filters it first.
				if d := impliedBy(p, lcols); d != nil {
					lp = append(lp, d)
				}
				if d := impliedBy(p, rcols); d != nil {
					rp = append(rp, d)
				}
			}
		}
		if len(n.Keys) > 0 || len(residual) > 0 {
			n.Kind = JoinInner
		}
	case JoinLeft, JoinAnti, JoinSemi:
		// WHERE conjuncts on the left side filter it first (for semi and
		// anti joins every conjunct above is on the left side); the others
		// must see the NULLs a left join adds.
		for _, p := range preds {
			if subset(columnsOf(p), lcols) {
				lp = append(lp, p)
			} else {
				stay = append(stay, p)
			}
		}
		// ON conjuncts decide which rows match: those on the right side
		// alone filter it first; for a semi join those on the left side
		// alone filter the left side.
		for _, p := range cond {
			switch {
			case rightOnly(p):
				rp = append(rp, p)
			case n.Kind == JoinSemi && subset(columnsOf(p), lcols):
				lp = append(lp, p)
			default:
				keyOrResidual(p)
			}
		}
	case JoinFull:
		stay = preds
		for _, p := range cond {
			keyOrResidual(p)
		}
	}
	n.Residual = and(residual)
	var err error
	if n.Left, err = pushDown(n.Left, lp); err != nil {
		return nil, err
	}
	if n.Right, err = pushDown(n.Right, rp); err != nil {
		return nil, err
	}
	return filterAbove(n, stay), nil
}

// equiKey recognises "left expression = right expression".
func equiKey(p Expr, lcols, rcols map[int]bool) (JoinKey, bool) {
	c, ok := p.(*Compare)
	if !ok || c.Op != connector.Eq {
		return JoinKey{}, false
	}
	li, ri := columnsOf(c.L), columnsOf(c.R)
	if len(li) == 0 || len(ri) == 0 {
		return JoinKey{}, false
	}
	switch {
	case subset(li, lcols) && subset(ri, rcols):
		return JoinKey{L: c.L, R: c.R}, true
	case subset(li, rcols) && subset(ri, lcols):
		return JoinKey{L: c.R, R: c.L}, true
	}
	return JoinKey{}, false
}

func filterAbove(n Node, preds []Expr) Node {
	var kept []Expr
	for _, p := range preds {
		if !containsExpr(kept, p) {
			kept = append(kept, p)
		}
	}
	if len(kept) == 0 {
		return n
	}
	return &FilterNode{Input: n, Pred: and(kept)}
}

// impliedBy returns a condition over the columns cols alone that the
// disjunction p implies, or nil: when every term of p has conjuncts over
// cols alone, the disjunction of those. In TPC-H Q7,
//
//	(n1.n_name = 'FRANCE' AND n2.n_name = 'GERMANY') OR (n1.n_name = 'GERMANY' AND n2.n_name = 'FRANCE')
//
// implies n1.n_name = 'FRANCE' OR n1.n_name = 'GERMANY', which filters
// nation n1 before its joins rather than their result. p still holds
// where it stood: a row the implied condition keeps may fail it.
func impliedBy(p Expr, cols map[int]bool) Expr {
	or, ok := p.(*Logic)
	if !ok || or.And || len(or.Terms) < 2 {
		return nil
	}
	terms := make([]Expr, len(or.Terms))
	for i, t := range or.Terms {
		var mine []Expr
		for _, c := range conjuncts(t) {
			if ids := columnsOf(c); len(ids) > 0 && subset(ids, cols) {
				mine = append(mine, c)
			}
		}
		if len(mine) == 0 {
			return nil
		}
		terms[i] = and(mine)
	}
	return &Logic{Terms: terms}
}

// substitute rewrites e to read the columns that cols maps to; it fails if e
// reads a column not in cols.
func substitute(e Expr, cols map[int]*Column) (Expr, bool) {
	ok := true
	out, _ := transform(e, func(x Expr) (Expr, error) {
		if c, isCol := x.(*ColumnRef); isCol {
			to, found := cols[c.Col.ID]
			if !found {
				ok = false
				return x, nil
			}
			return &ColumnRef{Col: to}, nil
		}
		return x, nil
	})
	return out, ok
}

// inline rewrites e to compute the columns defs defines with their
// definitions; it fails if e reads a column defs lacks.
func inline(e Expr, defs map[int]Expr) (Expr, bool) {
	ok := true
	out, _ := transform(e, func(x Expr) (Expr, error) {
		if c, isCol := x.(*ColumnRef); isCol {
			def, found := defs[c.Col.ID]
			if !found {
				ok = false
				return x, nil
			}
			return def, nil
		}
		return x, nil
	})
	return out, ok
}

// prune narrows the plan to the columns the nodes above read: scans read
// only those, and projections compute only those.
func prune(n Node, need map[int]bool) {
	addAll := func(e Expr) {
		if e == nil {
			return
		}
		for id := range columnsOf(e) {
			need[id] = true
		}
	}
	switch n := n.(type) {
	case *ProjectNode:
		var exprs []Expr
		var cols []*Column
		for i, e := range n.Exprs {
			if need[n.Cols[i].ID] {
				exprs = append(exprs, e)
				cols = append(cols, n.Cols[i])
				addAll(e)
			}
		}
		n.Exprs, n.Cols = exprs, cols
		prune(n.Input, need)
	case *FilterNode:
		addAll(n.Pred)
		prune(n.Input, need)
	case *JoinNode:
		for _, k := range n.Keys {
			addAll(k.L)
			addAll(k.R)
		}
		addAll(n.On)
		addAll(n.Residual)
		prune(n.Left, need)
		prune(n.Right, need)
	case *AggregateNode:
		for _, k := range n.Keys {
			addAll(k)
		}
		for _, a := range n.Aggs {
			addAll(a.Arg)
		}
		prune(n.Input, need)
	case *SortNode:
		for _, k := range n.Keys {
			addAll(k.X)
		}
		prune(n.Input, need)
	case *UnionNode:
		for _, in := range n.Sides {
			for _, c := range in.Columns() {
				need[c.ID] = true
			}
			prune(in, need)
		}
	case *SingleRowNode:
		for _, c := range n.Input.Columns() {
			need[c.ID] = true
		}
		prune(n.Input, need)
	case *LimitNode:
		prune(n.Input, need)
	case *ScanNode:
		n.Read = make([]*Column, 0, len(n.All))
		for _, c := range n.All {
			if need[c.ID] {
				n.Read = append(n.Read, c)
			}
		}
	}
}
