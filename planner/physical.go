package planner

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/scalar"

	"github.com/hopsql/hopsql/catalog"
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
	// analyze instruments every operator (EXPLAIN ANALYZE).
	analyze bool
	// nextID numbers columns the lowering adds (computed join keys).
	nextID int
}

func (p *physicalBuilder) lower(n Node) (lowered, error) {
	switch n := n.(type) {
	case *ScanNode:
		return p.lowerScan(n)
	case *RemoteJoinNode:
		return p.lowerRemoteJoin(n)
	case *FilterNode:
		in, err := p.lower(n.Input)
		if err != nil {
			return lowered{}, err
		}
		pred, err := lowerExpr(n.Pred, in.cols)
		if err != nil {
			return lowered{}, err
		}
		return p.wrap(lowered{op: &engine.Filter{Input: in.op, Pred: pred}, cols: in.cols}), nil
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
		return p.wrap(lowered{op: &engine.Project{Input: in.op, Exprs: exprs, Out: arrow.NewSchema(fields, nil)}, cols: n.Cols}), nil
	case *JoinNode:
		return p.lowerJoin(n)
	case *LimitNode:
		if sort, ok := n.Input.(*SortNode); ok {
			return p.lowerSort(sort, n)
		}
		in, err := p.lower(n.Input)
		if err != nil {
			return lowered{}, err
		}
		return p.wrap(lowered{op: &engine.Limit{Input: in.op, Offset: n.Offset, Count: n.Count}, cols: in.cols}), nil
	case *SortNode:
		return p.lowerSort(n, nil)
	case *AggregateNode:
		return p.lowerAggregate(n)
	case *UnionNode:
		u := &engine.UnionAll{Out: schemaOf(n.Cols)}
		for _, in := range n.Sides {
			l, err := p.lower(in)
			if err != nil {
				return lowered{}, err
			}
			u.Inputs = append(u.Inputs, l.op)
		}
		return p.wrap(lowered{op: u, cols: n.Cols}), nil
	case *SingleRowNode:
		in, err := p.lower(n.Input)
		if err != nil {
			return lowered{}, err
		}
		return p.wrap(lowered{op: &engine.SingleRow{Input: in.op}, cols: in.cols}), nil
	case *ValuesNode:
		rec := array.NewRecord(oneRow, nil, 1)
		return p.wrap(lowered{op: &engine.Values{Out: oneRow, Records: []arrow.Record{rec}, Name: "one row"}}), nil
	}
	return lowered{}, fmt.Errorf("planner: cannot lower %T", n)
}

// wrap instruments an operator for EXPLAIN ANALYZE; otherwise it returns
// it as it is.
func (p *physicalBuilder) wrap(l lowered) lowered {
	if !p.analyze {
		return l
	}
	var kids []engine.Operator
	kids = append(kids, l.op.Children()...)
	l.op = &engine.Instrument{Op: l.op, Stats: &engine.Stats{}, Kids: kids}
	return l
}

// schemaOf is the Arrow schema of a node's columns.
func schemaOf(cols []*Column) *arrow.Schema {
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fields[i] = arrow.Field{Name: c.Name, Type: c.Type, Nullable: true}
	}
	return arrow.NewSchema(fields, nil)
}

// lowerSort builds Sort, or TopN when a LIMIT sits on the sort.
func (p *physicalBuilder) lowerSort(n *SortNode, limit *LimitNode) (lowered, error) {
	in, err := p.lower(n.Input)
	if err != nil {
		return lowered{}, err
	}
	width := len(in.cols)
	exprs := make([]Expr, len(n.Keys))
	for i, k := range n.Keys {
		exprs[i] = k.X
	}
	in, idx, err := p.exprColumns(in, exprs)
	if err != nil {
		return lowered{}, err
	}
	keys := make([]engine.SortKey, len(n.Keys))
	for i, k := range n.Keys {
		keys[i] = engine.SortKey{Col: idx[i], Desc: k.Desc, NullsFirst: k.NullsFirst}
	}
	var op engine.Operator = &engine.Sort{Input: in.op, Keys: keys}
	if limit != nil {
		op = &engine.TopN{Input: in.op, Keys: keys, Limit: limit.Count, Offset: limit.Offset}
	}
	out := p.wrap(lowered{op: op, cols: in.cols})
	if len(in.cols) > width {
		out = p.project(out, width)
	}
	return out, nil
}

// project keeps the first width columns of l.
func (p *physicalBuilder) project(l lowered, width int) lowered {
	schema := l.op.Schema()
	exprs := make([]engine.Expr, width)
	for i := range exprs {
		exprs[i] = &engine.Col{Index: i, Name: l.cols[i].String(), T: schema.Field(i).Type}
	}
	out := arrow.NewSchema(schema.Fields()[:width], nil)
	return p.wrap(lowered{op: &engine.Project{Input: l.op, Exprs: exprs, Out: out}, cols: l.cols[:width]})
}

func (p *physicalBuilder) lowerAggregate(n *AggregateNode) (lowered, error) {
	in, err := p.lower(n.Input)
	if err != nil {
		return lowered{}, err
	}
	var exprs []Expr
	exprs = append(exprs, n.Keys...)
	for _, a := range n.Aggs {
		if a.Arg != nil {
			exprs = append(exprs, a.Arg)
		}
	}
	in, idx, err := p.exprColumns(in, exprs)
	if err != nil {
		return lowered{}, err
	}
	op := &engine.HashAggregate{Input: in.op, Keys: idx[:len(n.Keys)]}
	j := len(n.Keys)
	for i, a := range n.Aggs {
		arg := -1
		if a.Arg != nil {
			arg = idx[j]
			j++
		}
		col := n.Cols[len(n.Keys)+i]
		op.Aggs = append(op.Aggs, engine.Aggregate{Func: a.Func, Arg: arg, Distinct: a.Distinct, Name: col.Name, Type: col.Type})
	}
	op.Out = schemaOf(n.Cols)
	return p.wrap(lowered{op: op, cols: n.Cols}), nil
}

// planScan asks the scan's source for its scan, once, and records the
// source's estimate of its rows.
func (p *physicalBuilder) planScan(n *ScanNode) error {
	if n.planned != nil {
		return nil
	}
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
		return p.src.errorf(fg.TableName(), err, "reading %s", fg.QualifiedName())
	}
	if e, ok := scan.(connector.RowEstimator); ok {
		n.rows = e.EstimatedRows()
	}
	n.planned, n.req = scan, req
	return nil
}

// planScans plans every scan of n, so that estimates know their rows.
func (p *physicalBuilder) planScans(n Node) error {
	if s, ok := n.(*ScanNode); ok {
		return p.planScan(s)
	}
	for _, in := range n.Inputs() {
		if err := p.planScans(in); err != nil {
			return err
		}
	}
	return nil
}

func (p *physicalBuilder) lowerScan(n *ScanNode) (lowered, error) {
	if err := p.planScan(n); err != nil {
		return lowered{}, err
	}
	fg, scan, req := n.Table.FeatureGroup, n.planned, n.req
	schema := scan.Schema()
	if schema.NumFields() != len(req.Columns) {
		return lowered{}, fmt.Errorf("planner: scan of %s returned %d columns, want %d", fg.QualifiedName(), schema.NumFields(), len(req.Columns))
	}
	parts := scan.Partitions()
	eparts := make([]engine.Partition, len(parts))
	for i, part := range parts {
		eparts[i] = part
	}
	name := scanName(n)
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
	return p.wrap(lowered{op: &engine.Scan{Table: name, Details: details, Out: schema, Parts: eparts}, cols: n.Columns()}), nil
}

// scanName names what a scan reads, for EXPLAIN.
func scanName(n *ScanNode) string {
	fg := n.Table.FeatureGroup
	name := fg.QualifiedName()
	if fg.Project == catalog.InfoSchemaProject {
		name = catalog.InfoSchemaProject + "." + fg.Name
	}
	if n.Table.Latest {
		name += " (latest version of " + fg.Name + ")"
	}
	if n.Alias != n.Table.Ref.Table {
		name += " AS " + n.Alias
	}
	return name
}

var joinTypes = map[JoinKind]engine.JoinType{
	JoinInner: engine.InnerJoin,
	JoinCross: engine.InnerJoin,
	JoinLeft:  engine.LeftJoin,
	JoinFull:  engine.FullJoin,
	JoinSemi:  engine.SemiJoin,
	JoinAnti:  engine.AntiJoin,
}

func (p *physicalBuilder) lowerJoin(n *JoinNode) (lowered, error) {
	kind := joinTypes[n.Kind]
	left, err := p.lower(n.Left)
	if err != nil {
		return lowered{}, err
	}
	right, err := p.lower(n.Right)
	if err != nil {
		return lowered{}, err
	}
	// An inner join builds its hash table on the smaller side.
	if kind == engine.InnerJoin && len(n.Keys) > 0 && estimate(n.Left) < estimate(n.Right) {
		left, right = right, left
		keys := make([]JoinKey, len(n.Keys))
		for i, k := range n.Keys {
			keys[i] = JoinKey{L: k.R, R: k.L}
		}
		n = &JoinNode{Left: n.Right, Right: n.Left, Kind: n.Kind, Keys: keys, Residual: n.Residual}
	}
	outCols := func(l, r lowered) []*Column {
		if kind == engine.SemiJoin || kind == engine.AntiJoin {
			return l.cols
		}
		return append(append([]*Column{}, l.cols...), r.cols...)
	}
	if len(n.Keys) == 0 {
		if kind == engine.FullJoin {
			return lowered{}, p.src.errorf("join", ErrNotSupported, "FULL JOIN without an equality between the two sides")
		}
		var pred engine.Expr
		if n.Residual != nil {
			if pred, err = lowerExpr(n.Residual, append(append([]*Column{}, left.cols...), right.cols...)); err != nil {
				return lowered{}, err
			}
		}
		op := &engine.NestedLoopJoin{Probe: left.op, Build: right.op, Type: kind, Pred: pred,
			Out: engine.JoinOutput(left.op.Schema(), right.op.Schema(), kind)}
		return p.wrap(lowered{op: op, cols: outCols(left, right)}), nil
	}
	lk := make([]Expr, len(n.Keys))
	rk := make([]Expr, len(n.Keys))
	for i, k := range n.Keys {
		lk[i], rk[i] = k.L, k.R
	}
	lw, rw := len(left.cols), len(right.cols)
	wantCols := append(append([]*Column{}, left.cols...), right.cols...)
	if kind == engine.SemiJoin || kind == engine.AntiJoin {
		wantCols = left.cols
	}
	left, lidx, err := p.exprColumns(left, lk)
	if err != nil {
		return lowered{}, err
	}
	right, ridx, err := p.exprColumns(right, rk)
	if err != nil {
		return lowered{}, err
	}
	// A left, semi or anti join whose left side is the smaller builds its
	// hash table there: the engine's right variants yield the build side's
	// rows once the other side has streamed through. (A NOT IN keeps its
	// null-aware semantics on the usual sides.)
	probe, build, pidx, bidx := left, right, lidx, ridx
	swapped := false
	if right, ok := rightVariant[kind]; ok && !n.NullAware && estimate(n.Left) < estimate(n.Right) {
		kind, swapped = right, true
		probe, build, pidx, bidx = build, probe, bidx, pidx
	}
	j := &engine.HashJoin{
		Probe: probe.op, Build: build.op,
		ProbeKeys: pidx, BuildKeys: bidx,
		Type: kind, NullAware: n.NullAware,
		Out: engine.JoinOutput(probe.op.Schema(), build.op.Schema(), kind),
	}
	if n.Residual != nil {
		if j.Residual, err = lowerExpr(n.Residual, append(append([]*Column{}, probe.cols...), build.cols...)); err != nil {
			return lowered{}, err
		}
	}
	var cols []*Column
	switch {
	case kind == engine.SemiJoin || kind == engine.AntiJoin:
		cols = probe.cols
	case kind == engine.RightSemiJoin || kind == engine.RightAntiJoin:
		cols = build.cols
	default:
		cols = append(append([]*Column{}, probe.cols...), build.cols...)
	}
	out := p.wrap(lowered{op: j, cols: cols})
	switch {
	case swapped:
		// Back to the left side's columns then the right's, without the
		// key columns the join computed for itself.
		out = p.pick(out, wantCols)
	case len(left.cols) > lw || len(right.cols) > rw:
		// Drop key columns the join computed for itself.
		out = p.keep(out, lw, len(left.cols), rw, kind)
	}
	return out, nil
}

// rightVariant is the join that builds on the left side instead.
var rightVariant = map[engine.JoinType]engine.JoinType{
	engine.LeftJoin: engine.RightJoin,
	engine.SemiJoin: engine.RightSemiJoin,
	engine.AntiJoin: engine.RightAntiJoin,
}

// pick projects l onto the columns want, each of which l has.
func (p *physicalBuilder) pick(l lowered, want []*Column) lowered {
	schema := l.op.Schema()
	exprs := make([]engine.Expr, len(want))
	fields := make([]arrow.Field, len(want))
	for k, c := range want {
		i := slices.Index(l.cols, c)
		exprs[k] = &engine.Col{Index: i, Name: c.String(), T: schema.Field(i).Type}
		fields[k] = schema.Field(i)
	}
	return p.wrap(lowered{op: &engine.Project{Input: l.op, Exprs: exprs, Out: arrow.NewSchema(fields, nil)}, cols: want})
}

// keep drops computed key columns from a join's output: it keeps the first
// lw of the probe side's lwAll columns and the first rw of the build side's.
func (p *physicalBuilder) keep(l lowered, lw, lwAll, rw int, kind engine.JoinType) lowered {
	schema := l.op.Schema()
	var exprs []engine.Expr
	var fields []arrow.Field
	var cols []*Column
	add := func(i int) {
		exprs = append(exprs, &engine.Col{Index: i, Name: l.cols[i].String(), T: schema.Field(i).Type})
		fields = append(fields, schema.Field(i))
		cols = append(cols, l.cols[i])
	}
	for i := 0; i < lw; i++ {
		add(i)
	}
	if kind != engine.SemiJoin && kind != engine.AntiJoin {
		for i := 0; i < rw; i++ {
			add(lwAll + i)
		}
	}
	return p.wrap(lowered{op: &engine.Project{Input: l.op, Exprs: exprs, Out: arrow.NewSchema(fields, nil)}, cols: cols})
}

// estimate guesses how many rows a node yields, to choose the build side of
// a hash join: a scan's rows as its source counts them after pruning, a
// quarter of that per filter.
func estimate(n Node) float64 {
	switch n := n.(type) {
	case *ScanNode:
		if n.rows > 0 {
			return float64(n.rows)
		}
		return 1e6
	case *RemoteJoinNode:
		if e, ok := n.Scan.(connector.RowEstimator); ok && e.EstimatedRows() > 0 {
			return float64(e.EstimatedRows())
		}
		return 1e6
	case *FilterNode:
		return estimate(n.Input) / 4
	case *JoinNode:
		l, r := estimate(n.Left), estimate(n.Right)
		if n.Kind == JoinSemi || n.Kind == JoinAnti {
			return l / 2
		}
		return max(l, r)
	case *AggregateNode:
		if len(n.Keys) == 0 {
			return 1
		}
		return estimate(n.Input) / 10
	case *LimitNode:
		return min(float64(n.Count), estimate(n.Input))
	case *SingleRowNode, *ValuesNode:
		return 1
	}
	var sum float64
	for _, in := range n.Inputs() {
		sum += estimate(in)
	}
	return sum
}

// exprColumns finds expressions among in's columns, adding a projection
// that computes those that are not plain columns.
func (p *physicalBuilder) exprColumns(in lowered, keys []Expr) (lowered, []int, error) {
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
	return p.wrap(lowered{op: op, cols: cols}), idx, nil
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
		return &engine.Arith{Op: e.Op, L: l, R: r, T: e.T}, nil
	case *Func:
		args, err := lowerAll(e.Args, cols)
		if err != nil {
			return nil, err
		}
		return &engine.FuncCall{Fn: e.Fn, Args: args}, nil
	case *Case:
		c := &engine.Case{T: e.T}
		for _, w := range e.Whens {
			cond, then, err := lowerPair(w.Cond, w.Then, cols)
			if err != nil {
				return nil, err
			}
			c.Whens = append(c.Whens, engine.When{Cond: cond, Then: then})
		}
		if e.Else != nil {
			var err error
			if c.Else, err = lowerExpr(e.Else, cols); err != nil {
				return nil, err
			}
		}
		return c, nil
	case *Coalesce:
		args, err := lowerAll(e.Args, cols)
		if err != nil {
			return nil, err
		}
		return &engine.Coalesce{Args: args, T: e.T}, nil
	case *Like:
		x, pat, err := lowerPair(e.X, e.Pattern, cols)
		if err != nil {
			return nil, err
		}
		return &engine.Like{X: x, Pattern: pat, Not: e.Not}, nil
	case *InList:
		x, err := lowerExpr(e.X, cols)
		if err != nil {
			return nil, err
		}
		list, err := lowerAll(e.List, cols)
		if err != nil {
			return nil, err
		}
		return &engine.InList{X: x, List: list, Not: e.Not}, nil
	case *Negate:
		x, err := lowerExpr(e.X, cols)
		if err != nil {
			return nil, err
		}
		return &engine.Negate{X: x}, nil
	case *Cast:
		x, err := lowerExpr(e.X, cols)
		if err != nil {
			return nil, err
		}
		return &engine.Cast{X: x, T: e.T}, nil
	}
	return nil, fmt.Errorf("planner: cannot lower %T", e)
}

func lowerAll(es []Expr, cols []*Column) ([]engine.Expr, error) {
	out := make([]engine.Expr, len(es))
	for i, e := range es {
		var err error
		if out[i], err = lowerExpr(e, cols); err != nil {
			return nil, err
		}
	}
	return out, nil
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
// with a constant, NULL tests, a boolean column (column = true), and
// AND/OR/NOT of those.
func toPredicate(e Expr) (connector.Predicate, bool) {
	switch e := e.(type) {
	case *ColumnRef:
		if e.Col.Type.ID() == arrow.BOOL {
			return connector.Compare{Column: e.Col.Name, Op: connector.Eq, Value: scalar.NewBooleanScalar(true)}, true
		}
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
	case *InList:
		c, ok := e.X.(*ColumnRef)
		if !ok {
			return nil, false
		}
		var vals []scalar.Scalar
		for _, v := range e.List {
			k, ok := v.(*Const)
			if !ok {
				return nil, false
			}
			if !k.Value.IsValid() {
				if e.Not {
					return nil, false // NOT IN with a NULL: never true, but leave it to the filter
				}
				continue
			}
			vals = append(vals, k.Value)
		}
		return connector.In{Column: c.Col.Name, Values: vals, Not: e.Not}, true
	case *Like:
		c, ok := e.X.(*ColumnRef)
		k, ok2 := e.Pattern.(*Const)
		if ok && ok2 && k.Value.IsValid() {
			return connector.Like{Column: c.Col.Name, Pattern: string(k.Value.(*scalar.String).Value.Bytes()), Not: e.Not}, true
		}
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
