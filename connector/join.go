package connector

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// JoinType is the SQL type of a join a source may be offered.
type JoinType int

// The join types. A Right join keeps every row of the input it joins in
// (JoinRequest.Inputs[i+1]); a Left join every row of what came before.
const (
	InnerJoin JoinType = iota
	LeftJoin
	RightJoin
	FullJoin
)

// String returns the join type's SQL spelling.
func (t JoinType) String() string {
	switch t {
	case LeftJoin:
		return "LEFT"
	case RightJoin:
		return "RIGHT"
	case FullJoin:
		return "FULL"
	}
	return "INNER"
}

// JoinRequest offers a source a select-project-join over its own feature
// groups: the largest piece of a query the planner thinks the source might
// run. The source takes it whole or not at all (see JoinPlanner); the
// planner then offers smaller pieces.
//
// The join is left-deep: Steps[i] joins the result of Inputs[0..i] with
// Inputs[i+1]. Its result has, in order, the Columns of every input, in
// input order.
type JoinRequest struct {
	// Inputs are the feature groups joined, each with what the planner
	// needs from it. Inputs[0] is the leftmost.
	Inputs []JoinInput
	// Steps are the joins, len(Inputs)-1 of them.
	Steps []JoinStep
}

// JoinInput is one feature group of a JoinRequest.
type JoinInput struct {
	FeatureGroup *FeatureGroup
	// Columns are the features of this input that the result must hold,
	// in output order; possibly none.
	Columns []string
	// Filter holds conjuncts over this input's features alone. They apply
	// to the input's rows before it is joined: the input is "SELECT * FROM
	// fg WHERE Filter". For an input on the null-supplying side of an
	// outer join that is not the same as filtering the join's result, so
	// a source that cannot place a filter there exactly must refuse the
	// offer. See JoinScan.ExactFilters for what the source reports.
	Filter []Predicate
}

// JoinStep is one join of a JoinRequest.
type JoinStep struct {
	Type JoinType
	// Keys are the join's equalities; there is at least one. SQL equality
	// semantics: rows whose keys are NULL never match.
	Keys []JoinKey
}

// JoinKey is an equality between a feature of an earlier input and a
// feature of the input the step joins in.
type JoinKey struct {
	// Left is the index (into JoinRequest.Inputs) of the earlier input,
	// and LeftFeature one of its features.
	Left        int
	LeftFeature string
	// RightFeature is a feature of the input the step joins in.
	RightFeature string
}

// JoinPlanner is implemented by sources that can run joins of their own
// feature groups themselves, so that only the joined, filtered result is
// read.
type JoinPlanner interface {
	// PlanJoin answers an offer. It returns a JoinScan that yields the
	// request's result, or an error wrapping ErrJoinRefused when the
	// source cannot run the request exactly as offered (its query model
	// cannot say it); the planner then offers smaller pieces or joins
	// locally. Other errors fail the query. Like PlanScan it may read
	// metadata, but no rows.
	PlanJoin(ctx context.Context, req JoinRequest) (JoinScan, error)
}

// ErrJoinRefused is wrapped by the error of a JoinPlanner that does not take
// an offer.
var ErrJoinRefused = errors.New("join not taken by the source")

// JoinScan is a join a source took. Its partitions yield the request's
// result: the Columns of every input, in input order.
type JoinScan interface {
	Scan
	// ExactFilters reports, for each input and each of its Filter
	// conjuncts, whether the source applied it exactly. The planner
	// evaluates the others again over the result; it may do so only for
	// inputs that no outer join makes null-supplying, so a source must
	// apply every conjunct of those inputs exactly or refuse the offer.
	ExactFilters() [][]bool
}

// String renders the request for EXPLAIN and errors.
func (r JoinRequest) String() string {
	var b strings.Builder
	for i, in := range r.Inputs {
		if i > 0 {
			st := r.Steps[i-1]
			fmt.Fprintf(&b, " %s JOIN ", st.Type)
		}
		b.WriteString(in.FeatureGroup.QualifiedName())
		if len(in.Filter) > 0 {
			parts := make([]string, len(in.Filter))
			for j, f := range in.Filter {
				parts[j] = f.String()
			}
			b.WriteString(" [" + strings.Join(parts, " AND ") + "]")
		}
		if i > 0 {
			st := r.Steps[i-1]
			keys := make([]string, len(st.Keys))
			for j, k := range st.Keys {
				keys[j] = fmt.Sprintf("%s.%s = %s.%s", r.Inputs[k.Left].FeatureGroup.TableName(), QuoteIdent(k.LeftFeature), in.FeatureGroup.TableName(), QuoteIdent(k.RightFeature))
			}
			b.WriteString(" ON " + strings.Join(keys, " AND "))
		}
	}
	return b.String()
}

// Validate checks the shape of a request: as many steps as joins, keys that
// name earlier inputs and features that exist. Sources call it before
// looking further.
func (r JoinRequest) Validate() error {
	if len(r.Inputs) < 2 || len(r.Steps) != len(r.Inputs)-1 {
		return fmt.Errorf("connector: a join request needs n >= 2 inputs and n-1 steps, not %d and %d", len(r.Inputs), len(r.Steps))
	}
	for i, in := range r.Inputs {
		if in.FeatureGroup == nil {
			return fmt.Errorf("connector: join input %d has no feature group", i)
		}
		for _, c := range in.Columns {
			if _, ok := in.FeatureGroup.Feature(c); !ok {
				return fmt.Errorf("connector: join input %d: %s has no feature %q", i, in.FeatureGroup.QualifiedName(), c)
			}
		}
	}
	for i, st := range r.Steps {
		if len(st.Keys) == 0 {
			return fmt.Errorf("connector: join step %d has no keys", i)
		}
		right := r.Inputs[i+1].FeatureGroup
		for _, k := range st.Keys {
			if k.Left < 0 || k.Left > i {
				return fmt.Errorf("connector: join step %d: key refers to input %d, not an earlier one", i, k.Left)
			}
			if _, ok := r.Inputs[k.Left].FeatureGroup.Feature(k.LeftFeature); !ok {
				return fmt.Errorf("connector: join step %d: %s has no feature %q", i, r.Inputs[k.Left].FeatureGroup.QualifiedName(), k.LeftFeature)
			}
			if _, ok := right.Feature(k.RightFeature); !ok {
				return fmt.Errorf("connector: join step %d: %s has no feature %q", i, right.QualifiedName(), k.RightFeature)
			}
		}
	}
	return nil
}

// NullSupplying reports, for each input, whether an outer join of the
// request may pad its columns with NULLs: the joined-in input of a Left
// join, every earlier input of a Right join, both sides of a Full join.
// Filters of such inputs must be applied before the join, exactly.
func (r JoinRequest) NullSupplying() []bool {
	out := make([]bool, len(r.Inputs))
	for i, st := range r.Steps {
		switch st.Type {
		case LeftJoin:
			out[i+1] = true
		case RightJoin:
			for j := 0; j <= i; j++ {
				out[j] = true
			}
		case FullJoin:
			for j := 0; j <= i+1; j++ {
				out[j] = true
			}
		}
	}
	return out
}
