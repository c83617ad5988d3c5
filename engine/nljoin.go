package engine

import (
	"context"
	"fmt"

	"github.com/apache/arrow/go/v15/arrow"
)

// NestedLoopJoin joins every probe row with every build row for which Pred
// is true; a nil Pred accepts every pair (a cross join). Pred reads the
// joined row: the probe fields then the build fields, for semi and anti
// joins too. Types: InnerJoin, LeftJoin, SemiJoin, AntiJoin and FullJoin.
//
// The build side is held in memory, accounted against the query's memory
// limit. Pred is evaluated over blocks of up to a batch of pairs at a time,
// probe row after probe row, so its cost is one vectorised evaluation per
// batch of pairs whatever the sizes of the two sides.
type NestedLoopJoin struct {
	Probe, Build Operator
	Type         JoinType
	Pred         Expr
	// Out is the output schema, JoinOutput(Probe.Schema(),
	// Build.Schema(), Type) up to field names.
	Out *arrow.Schema
}

// Schema implements Operator.
func (j *NestedLoopJoin) Schema() *arrow.Schema { return j.Out }

// Children implements Operator.
func (j *NestedLoopJoin) Children() []Operator { return []Operator{j.Probe, j.Build} }

// Describe implements Operator.
func (j *NestedLoopJoin) Describe() string {
	if j.Pred == nil {
		return fmt.Sprintf("NestedLoopJoin %s (cross) (build: right)", j.Type)
	}
	return fmt.Sprintf("NestedLoopJoin %s on %s (build: right)", j.Type, j.Pred)
}

// Open implements Operator.
func (j *NestedLoopJoin) Open(ctx context.Context, x *Exec) (Stream, error) {
	if err := checkJoin(j.Type, j.Pred, j.Probe.Schema(), j.Build.Schema(), j.Out); err != nil {
		return nil, err
	}
	return newJoinRun(ctx, x, "nested loop join build side", j.Type, j.Pred, j.Probe, j.Build, j.Out, crossSources), nil
}

// crossSources pairs every probe row with every build row.
func crossSources(rec arrow.Record, _ *account) (func() []pairSource, error) {
	n := int(rec.NumRows())
	return func() []pairSource { return []pairSource{&crossSource{build: n}} }, nil
}
