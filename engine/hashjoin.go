package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
)

// JoinType says which rows a join yields.
type JoinType int

const (
	// InnerJoin yields matched pairs only.
	InnerJoin JoinType = iota
	// LeftJoin also yields probe rows without a match, with NULLs for the
	// build side.
	LeftJoin
	// SemiJoin yields, once, each probe row that has at least one match;
	// the output has the probe columns only.
	SemiJoin
	// AntiJoin yields each probe row that has no match; the output has the
	// probe columns only.
	AntiJoin
	// FullJoin is a LeftJoin that also yields the build rows that matched
	// nothing, with NULLs for the probe side.
	FullJoin
	// RightJoin yields matched pairs and, once the probe side is done, the
	// build rows that matched nothing, with NULLs for the probe side. With
	// the sides swapped it is a LeftJoin that builds on its preserved side.
	RightJoin
	// RightSemiJoin yields, once the probe side is done, each build row that
	// has at least one match; the output has the build columns only. It is
	// a SemiJoin that builds its hash table on the side it yields.
	RightSemiJoin
	// RightAntiJoin yields, once the probe side is done, each build row
	// that has no match; the output has the build columns only.
	RightAntiJoin
)

// yieldsBuild says whether the join yields build rows of its own once the
// probe side is done, and so tracks which build rows matched.
func (t JoinType) yieldsBuild() bool {
	return t == FullJoin || t == RightJoin || t == RightSemiJoin || t == RightAntiJoin
}

// buildOnly says whether the join's output has the build columns only.
func (t JoinType) buildOnly() bool { return t == RightSemiJoin || t == RightAntiJoin }

// probeOnly says whether the join's output has the probe columns only.
func (t JoinType) probeOnly() bool { return t == SemiJoin || t == AntiJoin }

// String returns the join type's name as EXPLAIN shows it.
func (t JoinType) String() string {
	switch t {
	case InnerJoin:
		return "inner"
	case LeftJoin:
		return "left"
	case SemiJoin:
		return "semi"
	case AntiJoin:
		return "anti"
	case FullJoin:
		return "full"
	case RightJoin:
		return "right"
	case RightSemiJoin:
		return "right semi"
	case RightAntiJoin:
		return "right anti"
	}
	return fmt.Sprintf("JoinType(%d)", int(t))
}

// JoinOutput returns the schema of a join's output: the probe fields for
// semi and anti joins, the build fields for right semi and right anti joins,
// otherwise the probe fields then the build fields,
// those of a side made nullable when the join yields rows of NULLs for it.
func JoinOutput(probe, build *arrow.Schema, t JoinType) *arrow.Schema {
	switch {
	case t.probeOnly():
		return probe
	case t.buildOnly():
		return build
	}
	fields := make([]arrow.Field, 0, probe.NumFields()+build.NumFields())
	for _, f := range probe.Fields() {
		if t == FullJoin || t == RightJoin {
			f.Nullable = true
		}
		fields = append(fields, f)
	}
	for _, f := range build.Fields() {
		if t == LeftJoin || t == FullJoin {
			f.Nullable = true
		}
		fields = append(fields, f)
	}
	return arrow.NewSchema(fields, nil)
}

// HashJoin joins Probe with Build on equal keys. It reads all of Build into
// a hash table, accounted against the query's memory limit, then streams
// Probe through it. NULL keys never match (but see NullAware). The hash
// table is specialised for one integer-like key and for one string key.
type HashJoin struct {
	Probe, Build         Operator
	ProbeKeys, BuildKeys []int
	Type                 JoinType
	// Residual, when set, is a further condition over the joined row (the
	// probe fields then the build fields, for semi and anti joins too): a
	// pair of rows matches only when their keys are equal and Residual is
	// true.
	Residual Expr
	// NullAware gives an AntiJoin with one key the semantics of SQL's NOT
	// IN: a probe row is yielded only when no build row has its key or a
	// NULL key (among the build rows Residual accepts). So when the build
	// side has a NULL key no probe row is yielded, and a probe row with a
	// NULL key is yielded only when the build side is empty.
	NullAware bool
	// Out is the output schema, JoinOutput(Probe.Schema(),
	// Build.Schema(), Type) up to field names.
	Out *arrow.Schema
}

// Schema implements Operator.
func (j *HashJoin) Schema() *arrow.Schema { return j.Out }

// Children implements Operator.
func (j *HashJoin) Children() []Operator { return []Operator{j.Probe, j.Build} }

// Describe implements Operator.
func (j *HashJoin) Describe() string {
	ps, bs := j.Probe.Schema(), j.Build.Schema()
	keys := make([]string, len(j.ProbeKeys))
	for i := range keys {
		keys[i] = fieldName(ps, j.ProbeKeys[i]) + " = " + fieldName(bs, j.BuildKeys[i])
	}
	d := fmt.Sprintf("HashJoin %s on %s", j.Type, strings.Join(keys, " AND "))
	if j.Residual != nil {
		d += " AND " + j.Residual.String()
	}
	if j.NullAware {
		d += " (null-aware)"
	}
	return d + " (build: right)"
}

func fieldName(s *arrow.Schema, i int) string {
	if i < 0 || i >= s.NumFields() {
		return fmt.Sprintf("#%d", i)
	}
	return s.Field(i).Name
}

// Open implements Operator.
func (j *HashJoin) Open(ctx context.Context, x *Exec) (Stream, error) {
	ps, bs := j.Probe.Schema(), j.Build.Schema()
	if len(j.ProbeKeys) == 0 || len(j.ProbeKeys) != len(j.BuildKeys) {
		return nil, errors.New("engine: hash join needs matching key lists")
	}
	for i := range j.ProbeKeys {
		p, b := j.ProbeKeys[i], j.BuildKeys[i]
		if p < 0 || p >= ps.NumFields() || b < 0 || b >= bs.NumFields() {
			return nil, fmt.Errorf("engine: hash join key %d out of range", i)
		}
		if pt, bt := ps.Field(p).Type, bs.Field(b).Type; !arrow.TypeEqual(pt, bt) {
			return nil, fmt.Errorf("engine: join key types differ: %s and %s", pt, bt)
		}
	}
	if j.NullAware && (j.Type != AntiJoin || len(j.ProbeKeys) != 1) {
		return nil, fmt.Errorf("engine: a null-aware join must be an anti join on one key, not a %s join on %d", j.Type, len(j.ProbeKeys))
	}
	if err := checkJoin(j.Type, j.Residual, ps, bs, j.Out); err != nil {
		return nil, err
	}
	return newJoinRun(ctx, x, "hash join build side", j.Type, j.Residual, j.Probe, j.Build, j.Out, j.sources), nil
}

// sources hashes the build side's keys into the table probe rows look up,
// once, and returns what makes each prober's sources over it.
func (j *HashJoin) sources(rec arrow.Record, acct *account) (func() []pairSource, error) {
	cols := make([]arrow.Array, len(j.BuildKeys))
	for i, c := range j.BuildKeys {
		cols[i] = rec.Column(c)
	}
	t, err := newJoinTable(cols)
	if err != nil {
		return nil, err
	}
	if err := acct.reserve(t.size()); err != nil {
		return nil, err
	}
	return func() []pairSource {
		hs := &hashSource{t: t, keys: j.ProbeKeys}
		srcs := []pairSource{hs}
		if j.NullAware {
			srcs = append(srcs, &nullAwareSource{t: t, p: &hs.p})
		}
		return srcs
	}, nil
}

// hashSource gives the pairs of probe and build rows with equal keys.
type hashSource struct {
	t    *joinTable
	keys []int // the probe key columns
	cols []arrow.Array
	p    joinKeys // the probe batch's keys
	cur  probeCursor
}

func (s *hashSource) start(rec arrow.Record) error {
	s.cols = s.cols[:0]
	for _, c := range s.keys {
		s.cols = append(s.cols, rec.Column(c))
	}
	if err := s.p.load(s.cols); err != nil {
		return err
	}
	s.p.hash(s.t.seed)
	s.cur = probeCursor{chain: -2}
	return nil
}

func (s *hashSource) pairs(pi, bi []int32, skip []bool) (_, _ []int32, done bool) {
	return s.t.pairs(&s.p, &s.cur, pi, bi, skip)
}

func (s *hashSource) mark(matched []bool) { s.t.mark(&s.p, matched) }

// nullAwareSource gives the further pairs a NOT IN must consider: a probe
// row with a NULL key against every build row, any other probe row against
// the build rows with a NULL key. It runs after a hashSource, whose probe
// keys it reads.
type nullAwareSource struct {
	t    *joinTable
	p    *joinKeys
	i, j int // the next pair
}

func (s *nullAwareSource) start(arrow.Record) error {
	s.i, s.j = 0, 0
	return nil
}

func (s *nullAwareSource) pairs(pi, bi []int32, skip []bool) (_, _ []int32, done bool) {
	for ; s.i < s.p.n; s.i, s.j = s.i+1, 0 {
		if skip != nil && skip[s.i] {
			continue
		}
		null := s.p.nulls != nil && s.p.nulls[s.i]
		m := len(s.t.nullRows)
		if null {
			m = s.t.keys.n
		}
		for ; s.j < m; s.j++ {
			if len(pi) == cap(pi) {
				return pi, bi, false
			}
			b := int32(s.j)
			if !null {
				b = s.t.nullRows[s.j]
			}
			pi, bi = append(pi, int32(s.i)), append(bi, b)
		}
	}
	return pi, bi, true
}

func (s *nullAwareSource) mark(matched []bool) {
	for i := range s.p.n {
		if s.p.nulls != nil && s.p.nulls[i] {
			matched[i] = matched[i] || s.t.keys.n > 0
		} else {
			matched[i] = matched[i] || len(s.t.nullRows) > 0
		}
	}
}
