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
		// A conjunct over columns the projection passes through unchanged
		// moves below it, reading the input's columns.
		pass := map[int]*Column{}
		for i, e := range n.Exprs {
			if c, ok := e.(*ColumnRef); ok {
				pass[n.Cols[i].ID] = c.Col
			}
		}
		var below, above []Expr
		for _, p := range preds {
			if q, ok := substitute(p, pass); ok {
				below = append(below, q)
			} else {
				above = append(above, p)
			}
		}
		in, err := pushDown(n.Input, below)
		if err != nil {
			return nil, err
		}
		n.Input = in
		return filterAbove(n, above), nil
	case *JoinNode:
		return pushIntoJoin(n, preds)
	case *ScanNode:
		n.Filters = append(n.Filters, preds...)
		return filterAbove(n, preds), nil
	case *LimitNode:
		in, err := pushDown(n.Input, nil)
		if err != nil {
			return nil, err
		}
		n.Input = in
		return filterAbove(n, preds), nil
	}
	return filterAbove(n, preds), nil
}

func pushIntoJoin(n *JoinNode, preds []Expr) (Node, error) {
	lcols, rcols := idSet(n.Left.Columns()), idSet(n.Right.Columns())
	var on []Expr
	if n.On != nil {
		on = conjuncts(n.On)
		n.On = nil
	}
	var lp, rp, stay []Expr
	switch n.Kind {
	case JoinInner, JoinCross:
		// For inner joins WHERE and ON mean the same.
		for _, p := range append(preds, on...) {
			ids := columnsOf(p)
			switch {
			case subset(ids, lcols):
				lp = append(lp, p)
			case subset(ids, rcols):
				rp = append(rp, p)
			default:
				if k, ok := equiKey(p, lcols, rcols); ok {
					n.Keys = append(n.Keys, k)
				} else {
					stay = append(stay, p)
				}
			}
		}
		if len(n.Keys) > 0 {
			n.Kind = JoinInner
		}
	case JoinLeft:
		// WHERE conjuncts on the preserved side filter it before the join;
		// the others must see the NULLs the join adds.
		for _, p := range preds {
			if subset(columnsOf(p), lcols) {
				lp = append(lp, p)
			} else {
				stay = append(stay, p)
			}
		}
		// ON conjuncts decide which rows match: those on the right side
		// alone filter it before the join.
		for _, p := range on {
			ids := columnsOf(p)
			if len(ids) > 0 && subset(ids, rcols) {
				rp = append(rp, p)
				continue
			}
			if k, ok := equiKey(p, lcols, rcols); ok {
				n.Keys = append(n.Keys, k)
				continue
			}
			return nil, &Error{Msg: "LEFT JOIN condition " + p.String(), Err: ErrNotSupported}
		}
	}
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
	if len(preds) == 0 {
		return n
	}
	return &FilterNode{Input: n, Pred: and(preds)}
}

// substitute rewrites e to read the columns that cols maps to; it fails if e
// reads a column not in cols.
func substitute(e Expr, cols map[int]*Column) (Expr, bool) {
	switch e := e.(type) {
	case *ColumnRef:
		c, ok := cols[e.Col.ID]
		if !ok {
			return nil, false
		}
		return &ColumnRef{Col: c}, true
	case *Const:
		return e, true
	case *Compare:
		l, ok1 := substitute(e.L, cols)
		r, ok2 := substitute(e.R, cols)
		return &Compare{Op: e.Op, L: l, R: r}, ok1 && ok2
	case *Logic:
		terms := make([]Expr, len(e.Terms))
		for i, t := range e.Terms {
			var ok bool
			if terms[i], ok = substitute(t, cols); !ok {
				return nil, false
			}
		}
		return &Logic{And: e.And, Terms: terms}, true
	case *Not:
		x, ok := substitute(e.X, cols)
		return &Not{X: x}, ok
	case *IsNull:
		x, ok := substitute(e.X, cols)
		return &IsNull{X: x, Not: e.Not}, ok
	case *Arith:
		l, ok1 := substitute(e.L, cols)
		r, ok2 := substitute(e.R, cols)
		return &Arith{Op: e.Op, L: l, R: r, T: e.T}, ok1 && ok2
	case *Negate:
		x, ok := substitute(e.X, cols)
		return &Negate{X: x}, ok
	case *Cast:
		x, ok := substitute(e.X, cols)
		return &Cast{X: x, T: e.T}, ok
	}
	return nil, false
}

// prune narrows every scan to the columns the plan above it reads.
func prune(n Node, need map[int]bool) {
	addAll := func(e Expr) {
		for id := range columnsOf(e) {
			need[id] = true
		}
	}
	switch n := n.(type) {
	case *ProjectNode:
		for _, e := range n.Exprs {
			addAll(e)
		}
		prune(n.Input, need)
	case *FilterNode:
		addAll(n.Pred)
		prune(n.Input, need)
	case *JoinNode:
		for _, k := range n.Keys {
			addAll(k.L)
			addAll(k.R)
		}
		if n.On != nil {
			addAll(n.On)
		}
		prune(n.Left, need)
		prune(n.Right, need)
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
