package planner

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/scalar"

	"github.com/hopsql/hopsql/connector"
	"github.com/hopsql/hopsql/engine"
)

// lowered is a physical operator with the logical columns its output
// holds, in order.
type lowered struct {
	op   engine.Operator
	cols []*Column
}

// physicalBuilder turns a logical plan into engine operators.
type physicalBuilder struct {
	ctx context.Context
	src *source
	// nextID numbers columns the lowering adds (computed join keys).
	nextID int
}

func (p *physicalBuilder) lower(n Node) (lowered, error) {
	switch n := n.(type) {
	case *ScanNode:
		return p.lowerScan(n)
	case *FilterNode:
		in, err := p.lower(n.Input)
		if err != nil {
			return lowered{}, err
		}
		pred, err := lowerExpr(n.Pred, in.cols)
		if err != nil {
			return lowered{}, err
		}
		return lowered{op: &engine.Filter{Input: in.op, Pred: pred}, cols: in.cols}, nil
	case *ProjectNode:
		in, err := p.lower(n.Input)
		if err != nil {
			return lowered{}, err
		}
		exprs := make([]engine.Expr, len(n.Exprs))
		fields := make([]arrow.Field, len(n.Exprs))
		for i, e := range n.Exprs {
			if exprs[i], err = lowerExpr(e, in.cols); err != nil {
				return lowered{}, err
			}
			fields[i] = arrow.Field{Name: n.Cols[i].Name, Type: e.Type(), Nullable: true}
		}
		return lowered{op: &engine.Project{Input: in.op, Exprs: exprs, Out: arrow.NewSchema(fields, nil)}, cols: n.Cols}, nil
	case *JoinNode:
		return p.lowerJoin(n)
	case *LimitNode:
		in, err := p.lower(n.Input)
		if err != nil {
			return lowered{}, err
		}
		return lowered{op: &engine.Limit{Input: in.op, Offset: n.Offset, Count: n.Count}, cols: in.cols}, nil
	}
	return lowered{}, fmt.Errorf("planner: cannot lower %T", n)
}

func (p *physicalBuilder) lowerScan(n *ScanNode) (lowered, error) {
	fg := n.Table.FeatureGroup
	req := connector.ScanRequest{Columns: make([]string, len(n.Columns()))}
	for i, c := range n.Columns() {
		req.Columns[i] = c.Name
	}
	for _, f := range n.Filters {
		if cp, ok := toPredicate(f); ok {
			req.Filter = append(req.Filter, cp)
		}
	}
	scan, err := n.Table.Source.PlanScan(p.ctx, fg, req)
	if err != nil {
		return lowered{}, p.src.errorf(fg.TableName(), err, "reading %s", fg.QualifiedName())
	}
	schema := scan.Schema()
	if schema.NumFields() != len(req.Columns) {
		return lowered{}, fmt.Errorf("planner: scan of %s returned %d columns, want %d", fg.QualifiedName(), schema.NumFields(), len(req.Columns))
	}
	parts := scan.Partitions()
	eparts := make([]engine.Partition, len(parts))
	for i, part := range parts {
		eparts[i] = part
	}
	name := fg.QualifiedName()
	if n.Table.Latest {
		name += " (latest version of " + fg.Name + ")"
	}
	if n.Alias != fg.TableName() {
		name += " AS " + n.Alias
	}
	cols := "columns: " + strings.Join(req.Columns, ", ")
	if len(req.Columns) == 0 {
		cols = "columns: none (row count only)"
	}
	details := []string{cols}
	if len(req.Filter) > 0 {
		parts := make([]string, len(req.Filter))
		for i, f := range req.Filter {
			parts[i] = f.String()
		}
		details = append(details, "filters offered to the source: "+strings.Join(parts, " AND "))
	}
	details = append(details, scan.Explain()...)
	return lowered{op: &engine.Scan{Table: name, Details: details, Out: schema, Parts: eparts}, cols: n.Columns()}, nil
}

func (p *physicalBuilder) lowerJoin(n *JoinNode) (lowered, error) {
	var kind engine.JoinType
	switch {
	case n.Kind == JoinCross || len(n.Keys) == 0:
		return lowered{}, p.src.errorf("join", ErrNotSupported, "joins without an equality between the two sides (cross joins)")
	case n.Kind == JoinLeft:
		kind = engine.LeftJoin
	default:
		kind = engine.InnerJoin
	}
	left, err := p.lower(n.Left)
	if err != nil {
		return lowered{}, err
	}
	right, err := p.lower(n.Right)
	if err != nil {
		return lowered{}, err
	}
	lk := make([]Expr, len(n.Keys))
	rk := make([]Expr, len(n.Keys))
	for i, k := range n.Keys {
		lk[i], rk[i] = k.L, k.R
	}
	left, lidx, err := p.keyColumns(left, lk)
	if err != nil {
		return lowered{}, err
	}
	right, ridx, err := p.keyColumns(right, rk)
	if err != nil {
		return lowered{}, err
	}
	j := &engine.HashJoin{
		Probe: left.op, Build: right.op,
		ProbeKeys: lidx, BuildKeys: ridx,
		Type: kind,
		Out:  engine.JoinOutput(left.op.Schema(), right.op.Schema(), kind),
	}
	return lowered{op: j, cols: append(append([]*Column{}, left.cols...), right.cols...)}, nil
}

// keyColumns finds the join keys among in's columns, adding a projection
// that computes those that are expressions.
func (p *physicalBuilder) keyColumns(in lowered, keys []Expr) (lowered, []int, error) {
	idx := make([]int, len(keys))
	var extra []Expr
	for i, k := range keys {
		if c, ok := k.(*ColumnRef); ok {
			if j := indexOf(in.cols, c.Col.ID); j >= 0 {
				idx[i] = j
				continue
			}
		}
		idx[i] = len(in.cols) + len(extra)
		extra = append(extra, k)
	}
	if len(extra) == 0 {
		return in, idx, nil
	}
	schema := in.op.Schema()
	exprs := make([]engine.Expr, 0, len(in.cols)+len(extra))
	fields := append([]arrow.Field{}, schema.Fields()...)
	cols := append([]*Column{}, in.cols...)
	for i, c := range in.cols {
		exprs = append(exprs, &engine.Col{Index: i, Name: c.String(), T: schema.Field(i).Type})
	}
	for _, e := range extra {
		le, err := lowerExpr(e, in.cols)
		if err != nil {
			return lowered{}, nil, err
		}
		exprs = append(exprs, le)
		p.nextID--
		col := &Column{ID: p.nextID, Name: e.String(), Type: e.Type()}
		cols = append(cols, col)
		fields = append(fields, arrow.Field{Name: col.Name, Type: e.Type(), Nullable: true})
	}
	op := &engine.Project{Input: in.op, Exprs: exprs, Out: arrow.NewSchema(fields, nil)}
	return lowered{op: op, cols: cols}, idx, nil
}

func indexOf(cols []*Column, id int) int {
	for i, c := range cols {
		if c.ID == id {
			return i
		}
	}
	return -1
}

var engineOps = map[connector.Op]engine.CmpOp{
	connector.Eq: engine.OpEq,
	connector.Ne: engine.OpNe,
	connector.Lt: engine.OpLt,
	connector.Le: engine.OpLe,
	connector.Gt: engine.OpGt,
	connector.Ge: engine.OpGe,
}

var computeArith = map[string]string{"+": "add", "-": "subtract", "*": "multiply"}

// lowerExpr turns a logical expression over cols into a physical one.
func lowerExpr(e Expr, cols []*Column) (engine.Expr, error) {
	boolean := arrow.FixedWidthTypes.Boolean
	switch e := e.(type) {
	case *ColumnRef:
		i := indexOf(cols, e.Col.ID)
		if i < 0 {
			return nil, fmt.Errorf("planner: column %s is not available here", e.Col)
		}
		return &engine.Col{Index: i, Name: e.Col.String(), T: e.Col.Type}, nil
	case *Const:
		return &engine.Lit{Value: e.Value}, nil
	case *Compare:
		l, r, err := lowerPair(e.L, e.R, cols)
		if err != nil {
			return nil, err
		}
		return &engine.Compare{Op: engineOps[e.Op], L: l, R: r}, nil
	case *Logic:
		fn, infix := "or_kleene", "OR"
		if e.And {
			fn, infix = "and_kleene", "AND"
		}
		var out engine.Expr
		for _, t := range e.Terms {
			x, err := lowerExpr(t, cols)
			if err != nil {
				return nil, err
			}
			if out == nil {
				out = x
			} else {
				out = &engine.Call{Fn: fn, Args: []engine.Expr{out, x}, T: boolean, Infix: infix}
			}
		}
		return out, nil
	case *Not:
		x, err := lowerExpr(e.X, cols)
		if err != nil {
			return nil, err
		}
		return &engine.Not{X: x}, nil
	case *IsNull:
		x, err := lowerExpr(e.X, cols)
		if err != nil {
			return nil, err
		}
		return &engine.IsNull{X: x, Not: e.Not}, nil
	case *Arith:
		l, r, err := lowerPair(e.L, e.R, cols)
		if err != nil {
			return nil, err
		}
		return &engine.Call{Fn: computeArith[e.Op], Args: []engine.Expr{l, r}, T: e.T, Infix: e.Op}, nil
	case *Negate:
		x, err := lowerExpr(e.X, cols)
		if err != nil {
			return nil, err
		}
		return &engine.Call{Fn: "negate", Args: []engine.Expr{x}, T: e.Type()}, nil
	case *Cast:
		x, err := lowerExpr(e.X, cols)
		if err != nil {
			return nil, err
		}
		return &engine.Cast{X: x, T: e.T}, nil
	}
	return nil, fmt.Errorf("planner: cannot lower %T", e)
}

func lowerPair(a, b Expr, cols []*Column) (engine.Expr, engine.Expr, error) {
	l, err := lowerExpr(a, cols)
	if err != nil {
		return nil, nil, err
	}
	r, err := lowerExpr(b, cols)
	if err != nil {
		return nil, nil, err
	}
	return l, r, nil
}

// toPredicate translates a conjunct over one scan's columns into the
// connector's predicate vocabulary, if it fits: comparisons of a column
// with a constant, NULL tests, and AND/OR/NOT of those.
func toPredicate(e Expr) (connector.Predicate, bool) {
	switch e := e.(type) {
	case *Compare:
		if c, ok := e.L.(*ColumnRef); ok {
			if k, ok := e.R.(*Const); ok && k.Value.IsValid() {
				return connector.Compare{Column: c.Col.Name, Op: e.Op, Value: k.Value}, true
			}
		}
		if c, ok := e.R.(*ColumnRef); ok {
			if k, ok := e.L.(*Const); ok && k.Value.IsValid() {
				return connector.Compare{Column: c.Col.Name, Op: e.Op.Flip(), Value: k.Value}, true
			}
		}
	case *IsNull:
		if c, ok := e.X.(*ColumnRef); ok {
			return connector.IsNull{Column: c.Col.Name, Not: e.Not}, true
		}
	case *Logic:
		var terms []connector.Predicate
		for _, t := range e.Terms {
			p, ok := toPredicate(t)
			if !ok {
				if e.And {
					// Dropping a conjunct keeps pruning safe.
					continue
				}
				return nil, false
			}
			terms = append(terms, p)
		}
		switch {
		case len(terms) == 0:
			return nil, false
		case len(terms) == 1:
			return terms[0], true
		case e.And:
			return connector.And(terms), true
		}
		return inList(terms)
	case *Not:
		if p, ok := toPredicate(e.X); ok {
			if in, ok := p.(connector.In); ok {
				in.Not = !in.Not
				return in, true
			}
			return connector.Not{X: p}, true
		}
	}
	return nil, false
}

// inList turns an OR of equalities on one column into IN.
func inList(terms []connector.Predicate) (connector.Predicate, bool) {
	var col string
	var vals []scalar.Scalar
	for _, t := range terms {
		c, ok := t.(connector.Compare)
		if !ok || c.Op != connector.Eq || col != "" && c.Column != col {
			return connector.Or(terms), true
		}
		col = c.Column
		vals = append(vals, c.Value)
	}
	return connector.In{Column: col, Values: vals}, true
}
