package planner

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/arrow/scalar"
	"github.com/stretchr/testify/require"

	"github.com/hopsql/hopsql/catalog"
	"github.com/hopsql/hopsql/connector"
	"github.com/hopsql/hopsql/connector/local"
	"github.com/hopsql/hopsql/engine"
)

// joinPolicy says which offers a fakeJoinSource takes and what it reports.
type joinPolicy struct {
	// star refuses keys that do not start from the first input, the
	// Hopsworks query model's shape.
	star bool
	// noPaddedFilters refuses filters on inputs that an outer join pads
	// with NULLs.
	noPaddedFilters bool
	// inexact picks conjuncts that the source reports as not applied
	// exactly, and does not apply.
	inexact func(connector.Predicate) bool
	// fail, when set, is the error of every offer.
	fail error
}

var (
	acceptAll = joinPolicy{}
	// hopsworksLike takes what the Hopsworks query model can say.
	hopsworksLike = joinPolicy{star: true, noPaddedFilters: true}
	// inexactLike takes every offer but leaves LIKE to the planner.
	inexactLike = joinPolicy{inexact: func(p connector.Predicate) bool {
		_, like := p.(connector.Like)
		return like
	}}
)

// offerRecord is an offer a fakeJoinSource received.
type offerRecord struct {
	Request string
	Columns [][]string
	Taken   bool
}

// fakeJoinSource is the embedded store with join pushdown: it takes the
// offers its policy accepts and runs them itself, with engine operators
// over the store's scans, so that results can be compared with the
// planner's own joins. It records every offer.
type fakeJoinSource struct {
	*local.Warehouse
	policy joinPolicy

	mu     sync.Mutex
	offers []offerRecord
}

var _ connector.JoinPlanner = (*fakeJoinSource)(nil)

// pushPlanner returns a planner for project over the demo store read
// through a fakeJoinSource with policy.
func pushPlanner(t *testing.T, project string, policy joinPolicy, opts ...catalog.Option) (*Planner, *fakeJoinSource) {
	t.Helper()
	wh, err := local.Open(demoWarehouse)
	require.NoError(t, err)
	src := &fakeJoinSource{Warehouse: wh, policy: policy}
	cat, err := catalog.New(context.Background(), src, project, opts...)
	require.NoError(t, err)
	return New(cat), src
}

// Offers returns the offers received so far.
func (s *fakeJoinSource) Offers() []offerRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.offers)
}

// Taken counts the offers taken so far.
func (s *fakeJoinSource) Taken() int {
	n := 0
	for _, o := range s.Offers() {
		if o.Taken {
			n++
		}
	}
	return n
}

// PlanJoin implements connector.JoinPlanner.
func (s *fakeJoinSource) PlanJoin(ctx context.Context, req connector.JoinRequest) (connector.JoinScan, error) {
	if err := req.Validate(); err != nil {
		return nil, fmt.Errorf("fake: the planner sent an invalid request: %w", err)
	}
	rec := offerRecord{Request: req.String()}
	for _, in := range req.Inputs {
		rec.Columns = append(rec.Columns, in.Columns)
	}
	scan, err := s.plan(ctx, req)
	rec.Taken = err == nil
	s.mu.Lock()
	s.offers = append(s.offers, rec)
	s.mu.Unlock()
	return scan, err
}

func (s *fakeJoinSource) refuse(format string, args ...any) error {
	return fmt.Errorf("fake: %w: %s", connector.ErrJoinRefused, fmt.Sprintf(format, args...))
}

func (s *fakeJoinSource) plan(ctx context.Context, req connector.JoinRequest) (connector.JoinScan, error) {
	if s.policy.fail != nil {
		return nil, s.policy.fail
	}
	null := req.NullSupplying()
	for i, st := range req.Steps {
		if st.Type == connector.RightJoin {
			return nil, s.refuse("RIGHT joins are not offered by the planner")
		}
		for _, k := range st.Keys {
			if s.policy.star && k.Left != 0 {
				return nil, s.refuse("step %d is keyed on input %d", i, k.Left)
			}
		}
	}
	exact := make([][]bool, len(req.Inputs))
	var acc engine.Operator
	type ref struct {
		input   int
		feature string
	}
	var accCols []ref
	for i, in := range req.Inputs {
		if s.policy.noPaddedFilters && null[i] && len(in.Filter) > 0 {
			return nil, s.refuse("input %d is padded with NULLs and filtered", i)
		}
		op, err := s.input(ctx, in, &exact[i])
		if err != nil {
			return nil, err
		}
		if i == 0 {
			acc = op
		} else {
			st := req.Steps[i-1]
			j := &engine.HashJoin{Probe: acc, Build: op}
			for _, k := range st.Keys {
				j.ProbeKeys = append(j.ProbeKeys, slices.Index(accCols, ref{k.Left, k.LeftFeature}))
				j.BuildKeys = append(j.BuildKeys, featureIndex(in.FeatureGroup, k.RightFeature))
			}
			j.Type = map[connector.JoinType]engine.JoinType{connector.InnerJoin: engine.InnerJoin, connector.LeftJoin: engine.LeftJoin, connector.FullJoin: engine.FullJoin}[st.Type]
			j.Out = engine.JoinOutput(acc.Schema(), op.Schema(), j.Type)
			acc = j
		}
		for _, f := range in.FeatureGroup.Features {
			accCols = append(accCols, ref{i, f.Name})
		}
	}
	var exprs []engine.Expr
	var fields []arrow.Field
	for i, in := range req.Inputs {
		for _, c := range in.Columns {
			k := slices.Index(accCols, ref{i, c})
			f := acc.Schema().Field(k)
			exprs = append(exprs, &engine.Col{Index: k, Name: c, T: f.Type})
			fields = append(fields, arrow.Field{Name: c, Type: f.Type, Nullable: true})
		}
	}
	out := &engine.Project{Input: acc, Exprs: exprs, Out: arrow.NewSchema(fields, nil)}
	return &fakeJoinScan{op: out, exact: exact, explain: []string{"fake source: runs " + req.String()}}, nil
}

// input scans one input, with the filters the policy applies.
func (s *fakeJoinSource) input(ctx context.Context, in connector.JoinInput, exact *[]bool) (engine.Operator, error) {
	fg := in.FeatureGroup
	names := make([]string, len(fg.Features))
	for i, f := range fg.Features {
		names[i] = f.Name
	}
	scan, err := s.Warehouse.PlanScan(ctx, fg, connector.ScanRequest{Columns: names})
	if err != nil {
		return nil, err
	}
	var parts []engine.Partition
	for _, p := range scan.Partitions() {
		parts = append(parts, p)
	}
	var op engine.Operator = &engine.Scan{Table: fg.QualifiedName(), Out: scan.Schema(), Parts: parts}
	for _, p := range in.Filter {
		ok := s.policy.inexact == nil || !s.policy.inexact(p)
		*exact = append(*exact, ok)
		if !ok {
			continue
		}
		pred, err := fakePredicate(p, fg)
		if err != nil {
			return nil, err
		}
		op = &engine.Filter{Input: op, Pred: pred}
	}
	return op, nil
}

func featureIndex(fg *connector.FeatureGroup, name string) int {
	return slices.IndexFunc(fg.Features, func(f connector.Feature) bool { return f.Name == name })
}

// fakePredicate is p as an engine expression over fg's features.
func fakePredicate(p connector.Predicate, fg *connector.FeatureGroup) (engine.Expr, error) {
	col := func(name string) (engine.Expr, error) {
		i := featureIndex(fg, name)
		if i < 0 {
			return nil, fmt.Errorf("fake: %s has no feature %q", fg.QualifiedName(), name)
		}
		return &engine.Col{Index: i, Name: name, T: fg.Features[i].DataType}, nil
	}
	boolean := arrow.FixedWidthTypes.Boolean
	logic := func(terms []connector.Predicate, fn, infix string) (engine.Expr, error) {
		var out engine.Expr
		for _, t := range terms {
			x, err := fakePredicate(t, fg)
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
	}
	switch p := p.(type) {
	case connector.Compare:
		c, err := col(p.Column)
		return &engine.Compare{Op: engineOps[p.Op], L: c, R: &engine.Lit{Value: p.Value}}, err
	case connector.In:
		c, err := col(p.Column)
		list := make([]engine.Expr, len(p.Values))
		for i, v := range p.Values {
			list[i] = &engine.Lit{Value: v}
		}
		return &engine.InList{X: c, List: list, Not: p.Not}, err
	case connector.Like:
		c, err := col(p.Column)
		return &engine.Like{X: c, Pattern: &engine.Lit{Value: scalar.NewStringScalar(p.Pattern)}, Not: p.Not}, err
	case connector.IsNull:
		c, err := col(p.Column)
		return &engine.IsNull{X: c, Not: p.Not}, err
	case connector.And:
		return logic(p, "and_kleene", "AND")
	case connector.Or:
		return logic(p, "or_kleene", "OR")
	case connector.Not:
		x, err := fakePredicate(p.X, fg)
		return &engine.Not{X: x}, err
	}
	return nil, fmt.Errorf("fake: predicate %T", p)
}

// fakeJoinScan is a join a fakeJoinSource took: one partition that runs
// the join's operators.
type fakeJoinScan struct {
	op      engine.Operator
	exact   [][]bool
	explain []string
}

func (s *fakeJoinScan) Schema() *arrow.Schema { return s.op.Schema() }
func (s *fakeJoinScan) Partitions() []connector.Partition {
	return []connector.Partition{fakeJoinPartition{s.op}}
}
func (s *fakeJoinScan) Explain() []string      { return s.explain }
func (s *fakeJoinScan) ExactFilters() [][]bool { return s.exact }

type fakeJoinPartition struct{ op engine.Operator }

func (p fakeJoinPartition) Open(ctx context.Context, mem memory.Allocator) (array.RecordReader, error) {
	return engine.Run(ctx, p.op, &engine.Exec{Mem: mem, Parallelism: 1})
}
