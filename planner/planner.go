// Package planner turns SQL text into a physical plan the engine runs.
//
// A statement goes through a small token-level front end (which reads the
// project::fg_version names and EXPLAIN that the SQL parser cannot), the
// parser (xwb1989/sqlparser, behind parse.go), a binder that resolves names
// through the catalog and types every expression, rewrite rules over the
// logical plan (predicate pushdown through joins into scans, join-key
// extraction, projection pruning, join pushdown to sources that run joins
// themselves), and lowering to engine operators, with scans planned by the
// feature group's source.
package planner

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/xwb1989/sqlparser"

	"github.com/hopsql/hopsql/catalog"
	"github.com/hopsql/hopsql/engine"
)

// Planner plans statements for the session its catalog is bound to. It is
// safe for concurrent use.
type Planner struct {
	cat *catalog.Catalog
	// joinPushdown offers joins of a source's feature groups to sources
	// that run joins themselves (connector.JoinPlanner).
	joinPushdown bool
}

// New returns a planner over cat, with join pushdown on.
func New(cat *catalog.Catalog) *Planner { return &Planner{cat: cat, joinPushdown: true} }

// WithJoinPushdown returns a planner like p that, when on is true, offers
// the joins of a source's own feature groups to that source if it can run
// them (connector.JoinPlanner), and otherwise reads every feature group on
// its own and joins in the engine. Sessions use it for their join_pushdown
// setting.
func (p *Planner) WithJoinPushdown(on bool) *Planner {
	q := *p
	q.joinPushdown = on
	return &q
}

// Plan is a planned statement, ready to run any number of times.
type Plan struct {
	root engine.Operator
	// explain is set for EXPLAIN statements: running the plan yields its
	// text instead of its rows. With analyze, running it runs the query,
	// discards the rows and yields the plan with what each operator did.
	explain, analyze bool
}

// explainSchema is the schema of EXPLAIN's result: one line of the plan a
// row.
var explainSchema = arrow.NewSchema([]arrow.Field{{Name: "plan", Type: arrow.BinaryTypes.String}}, nil)

// Plan parses and plans one SQL statement, with args as the values of its
// ? placeholders, in order (Go values: integers, floats, bool, string,
// []byte, time.Time, nil; a placeholder compared with a column takes the
// column's type, and a value that does not convert is an error). Planning
// reads metadata (the catalog, file footers) but no rows.
func (p *Planner) Plan(ctx context.Context, sql string, args ...any) (*Plan, error) {
	s, err := p.Prepare(ctx, sql)
	if err != nil {
		return nil, err
	}
	return s.Plan(ctx, args...)
}

// Prepared is a statement read once (front end and parser) and planned for
// each set of arguments: a plan depends on the values of its placeholders,
// which decide what scans can skip. It is safe for concurrent use.
type Prepared struct {
	p    *Planner
	src  *source
	stmt sqlparser.Statement // nil for catalog statements (SHOW, DESCRIBE)
	n    int
}

// Prepare reads one SQL statement. Syntax errors are reported here; names
// and types are checked when the statement is planned.
func (p *Planner) Prepare(ctx context.Context, sql string) (*Prepared, error) {
	src, err := prepare(sql)
	if err != nil {
		return nil, err
	}
	if isCatalogStatement(src) {
		return &Prepared{p: p, src: src}, nil
	}
	stmt, err := parse(src)
	if err != nil {
		return nil, err
	}
	return &Prepared{p: p, src: src, stmt: stmt, n: countPlaceholders(stmt)}, nil
}

// WithJoinPushdown returns the statement, to be planned with join pushdown
// on or off (see Planner.WithJoinPushdown).
func (s *Prepared) WithJoinPushdown(on bool) *Prepared {
	t := *s
	t.p = s.p.WithJoinPushdown(on)
	return &t
}

// NumInput is the number of ? placeholders of the statement.
func (s *Prepared) NumInput() int { return s.n }

// Plan plans the statement with args as the values of its placeholders.
func (s *Prepared) Plan(ctx context.Context, args ...any) (*Plan, error) {
	if s.stmt == nil {
		// SHOW and DESCRIBE are answered from the catalog as it is now.
		plan, _, err := s.p.planCatalogStatement(ctx, s.src)
		return plan, err
	}
	if len(args) != s.n {
		return nil, &Error{Msg: fmt.Sprintf("the statement has %d ? placeholder(s) but %d argument(s) were given", s.n, len(args))}
	}
	logical, err := s.optimize(ctx, args)
	if err != nil {
		return nil, err
	}
	if s.p.joinPushdown {
		if logical, err = pushJoins(ctx, s.src, logical); err != nil {
			return nil, err
		}
	}
	pb := &physicalBuilder{ctx: ctx, src: s.src, analyze: s.src.analyze}
	// With the scans planned, estimates know their rows: enough to order
	// joins and to judge where semi joins filter best.
	if err := pb.planScans(logical); err != nil {
		return nil, err
	}
	if logical, err = pushDown(reorderByEstimates(logical), nil); err != nil {
		return nil, err
	}
	logical = filterAggregateInputs(logical)
	logical = sinkSemiJoins(logical)
	phys, err := pb.lower(logical)
	if err != nil {
		return nil, err
	}
	return &Plan{root: phys.op, explain: s.src.explain, analyze: s.src.analyze}, nil
}

// optimize binds the statement with args and runs the rewrite rules that
// need no source: the logical plan join pushdown starts from.
func (s *Prepared) optimize(ctx context.Context, args []any) (Node, error) {
	params, err := paramValues(args)
	if err != nil {
		return nil, err
	}
	b := &binder{ctx: ctx, cat: s.p.cat, src: s.src, params: params}
	q, err := b.bindQuery(s.stmt, nil)
	if err != nil {
		return nil, err
	}
	logical := q.node
	foldPlan(logical)
	if logical, err = pushDown(logical, nil); err != nil {
		return nil, err
	}
	logical = reorderJoins(logical)
	if logical, err = pushDown(logical, nil); err != nil {
		return nil, err
	}
	prune(logical, idSet(logical.Columns()))
	return logical, nil
}

// countPlaceholders returns the highest ? number in stmt (the parser names
// them :v1, :v2, ...).
func countPlaceholders(stmt sqlparser.Statement) int {
	n := 0
	_ = sqlparser.Walk(func(node sqlparser.SQLNode) (bool, error) {
		if v, ok := node.(*sqlparser.SQLVal); ok && v.Type == sqlparser.ValArg {
			if k, err := strconv.Atoi(strings.TrimPrefix(string(v.Val), ":v")); err == nil {
				n = max(n, k)
			}
		}
		return true, nil
	}, stmt)
	return n
}

// Schema is the schema of the plan's result.
func (p *Plan) Schema() *arrow.Schema {
	if p.explain {
		return explainSchema
	}
	return p.root.Schema()
}

// IsExplain reports whether the statement was an EXPLAIN.
func (p *Plan) IsExplain() bool { return p.explain }

// Run starts the plan. The reader streams the result and must be released;
// releasing it early, or cancelling ctx, stops the query.
func (p *Plan) Run(ctx context.Context, x *engine.Exec) (array.RecordReader, error) {
	if !p.explain {
		return engine.Run(ctx, p.root, x)
	}
	mem := memory.DefaultAllocator
	if x != nil && x.Mem != nil {
		mem = x.Mem
	}
	text := p.Explain()
	if p.analyze {
		start := time.Now()
		rows, err := drain(ctx, p.root, x)
		if err != nil {
			return nil, err
		}
		text = p.Explain() + fmt.Sprintf("total: %d rows in %s\n", rows, time.Since(start).Round(time.Microsecond))
	}
	b := array.NewStringBuilder(mem)
	defer b.Release()
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		b.Append(line)
	}
	col := b.NewArray()
	defer col.Release()
	rec := array.NewRecord(explainSchema, []arrow.Array{col}, int64(col.Len()))
	defer rec.Release()
	return array.NewRecordReader(explainSchema, []arrow.Record{rec})
}

// Explain renders the physical plan as an indented tree, with what each
// scan reads and which filters it was offered.
func (p *Plan) Explain() string {
	var b strings.Builder
	explainOp(&b, p.root, "", "")
	return b.String()
}

// drain runs op to the end and counts its rows.
func drain(ctx context.Context, op engine.Operator, x *engine.Exec) (int64, error) {
	rr, err := engine.Run(ctx, op, x)
	if err != nil {
		return 0, err
	}
	defer rr.Release()
	var n int64
	for rr.Next() {
		n += rr.Record().NumRows()
	}
	return n, rr.Err()
}

func explainOp(b *strings.Builder, op engine.Operator, first, rest string) {
	var stats *engine.Stats
	if in, ok := op.(*engine.Instrument); ok {
		stats = in.Stats
		inner := in.Op
		desc, details := describe(inner)
		if stats.Batches.Load() > 0 || stats.Nanos.Load() > 0 {
			desc += "  (" + stats.String() + ")"
		}
		writeOp(b, desc, details, in.Children(), first, rest)
		return
	}
	desc, details := describe(op)
	writeOp(b, desc, details, op.Children(), first, rest)
}

func describe(op engine.Operator) (string, []string) {
	switch s := op.(type) {
	case *engine.Scan:
		return "Scan " + s.Table, s.Details
	case *remoteScan:
		return s.describe()
	}
	return op.Describe(), nil
}

func writeOp(b *strings.Builder, desc string, details []string, kids []engine.Operator, first, rest string) {
	b.WriteString(first + desc + "\n")
	for _, d := range details {
		pad := "   "
		if len(kids) > 0 {
			pad = "│  "
		}
		b.WriteString(rest + pad + d + "\n")
	}
	for i, k := range kids {
		if i == len(kids)-1 {
			explainOp(b, k, rest+"└─ ", rest+"   ")
		} else {
			explainOp(b, k, rest+"├─ ", rest+"│  ")
		}
	}
}
