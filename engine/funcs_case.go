package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/bitutil"
	"github.com/apache/arrow/go/v15/arrow/compute"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/arrow/scalar"
)

// The CASE and COALESCE expressions, which evaluate each branch only for
// the rows that need it.

// Case is CASE WHEN Whens[i].Cond THEN Whens[i].Then ... ELSE Else END
// (a nil Else is NULL). The Then and Else expressions have type T (the
// planner casts them; a NULL-typed branch is also accepted) and a NULL
// condition counts as false. Each condition and branch is evaluated only for
// the rows that reach it: an error from a row that does not (a failing
// cast, an overflow) does not fail the query.
type Case struct {
	Whens []When
	Else  Expr
	T     arrow.DataType
}

// When is one WHEN ... THEN ... arm of a Case.
type When struct{ Cond, Then Expr }

// Type implements Expr.
func (c *Case) Type() arrow.DataType { return c.T }

// String implements Expr.
func (c *Case) String() string {
	var b strings.Builder
	b.WriteString("CASE")
	for _, w := range c.Whens {
		fmt.Fprintf(&b, " WHEN %s THEN %s", w.Cond, w.Then)
	}
	if c.Else != nil {
		fmt.Fprintf(&b, " ELSE %s", c.Else)
	}
	b.WriteString(" END")
	return b.String()
}

// Eval implements Expr.
func (c *Case) Eval(ctx context.Context, rec arrow.Record) (compute.Datum, error) {
	mem := compute.GetAllocator(ctx)
	s := newSelection(rec)
	els := int32(len(c.Whens))
	for wi, w := range c.Whens {
		if s.remaining == 0 {
			break
		}
		d, err := evalOn(ctx, w.Cond, rec, s)
		if err != nil {
			return nil, err
		}
		if t := d.(compute.ArrayLikeDatum).Type(); t.ID() != arrow.BOOL && !isNull(t) {
			d.Release()
			return nil, fmt.Errorf("engine: CASE condition %s has type %s", w.Cond, sqlTypeName(t))
		}
		err = s.decide(d, int32(wi), true)
		d.Release()
		if err != nil {
			return nil, err
		}
	}
	if c.Else != nil {
		s.decideRest(els)
	}
	branches := make([]Expr, 0, len(c.Whens)+1)
	for _, w := range c.Whens {
		branches = append(branches, w.Then)
	}
	if c.Else != nil {
		branches = append(branches, c.Else)
	}
	return s.gather(ctx, mem, c.T, branches, rec)
}

// Coalesce returns its first non-NULL argument. The arguments have type T
// (or are NULL-typed); each is evaluated only for the rows still NULL.
type Coalesce struct {
	Args []Expr
	T    arrow.DataType
}

// Type implements Expr.
func (c *Coalesce) Type() arrow.DataType { return c.T }

// String implements Expr.
func (c *Coalesce) String() string {
	parts := make([]string, len(c.Args))
	for i, a := range c.Args {
		parts[i] = a.String()
	}
	return "COALESCE(" + strings.Join(parts, ", ") + ")"
}

// Eval implements Expr.
func (c *Coalesce) Eval(ctx context.Context, rec arrow.Record) (compute.Datum, error) {
	mem := compute.GetAllocator(ctx)
	s := newSelection(rec)
	srcs := make([]compute.Datum, len(c.Args))
	defer func() {
		for _, d := range srcs {
			if d != nil {
				d.Release()
			}
		}
	}()
	for ai, a := range c.Args {
		if s.remaining == 0 {
			break
		}
		d, err := evalOn(ctx, a, rec, s)
		if err != nil {
			return nil, err
		}
		srcs[ai] = d
		if err := s.decide(d, int32(ai), false); err != nil {
			return nil, err
		}
	}
	return s.gatherDatums(mem, c.T, srcs)
}

// selection tracks which branch each row of a batch takes.
type selection struct {
	n         int     // rows, or -1 when there is no record
	choice    []int32 // branch per row; -1 undecided (NULL at the end)
	remaining int     // undecided rows
	uniform   int32   // with no record: the branch every row takes, or -1
}

func newSelection(rec arrow.Record) *selection {
	if rec == nil {
		return &selection{n: -1, remaining: 1, uniform: -1}
	}
	n := int(rec.NumRows())
	s := &selection{n: n, choice: make([]int32, n), remaining: n, uniform: -1}
	for i := range s.choice {
		s.choice[i] = -1
	}
	return s
}

// decide assigns branch b to the undecided rows where d is not NULL and,
// with cond, true.
func (s *selection) decide(d compute.Datum, b int32, cond bool) error {
	switch d := d.(type) {
	case *compute.ScalarDatum:
		v := d.Value
		if bv, ok := v.(*scalar.Boolean); v.IsValid() && !isNull(v.DataType()) && (!cond || ok && bv.Value) {
			s.decideRest(b)
		}
	case *compute.ArrayDatum:
		if s.n < 0 {
			return fmt.Errorf("engine: an array without a record")
		}
		a := d.MakeArray()
		defer a.Release()
		if isNull(a.DataType()) {
			return nil
		}
		off := a.Data().Offset()
		valid := a.NullBitmapBytes()
		if a.NullN() == 0 {
			valid = nil
		}
		var bits []byte
		if cond {
			bits = a.Data().Buffers()[1].Bytes()
		}
		for i, c := range s.choice {
			if c != -1 || (valid != nil && !bitutil.BitIsSet(valid, off+i)) || (bits != nil && !bitutil.BitIsSet(bits, off+i)) {
				continue
			}
			s.choice[i] = b
			s.remaining--
		}
	default:
		return fmt.Errorf("engine: cannot branch on %s", d.Kind())
	}
	return nil
}

// decideRest assigns branch b to every undecided row.
func (s *selection) decideRest(b int32) {
	if s.n < 0 {
		if s.uniform < 0 {
			s.uniform = b
		}
		s.remaining = 0
		return
	}
	for i, c := range s.choice {
		if c == -1 {
			s.choice[i] = b
		}
	}
	s.remaining = 0
}

// undecided reports which rows are still undecided, and how many.
func (s *selection) undecided() ([]bool, int) {
	mask := make([]bool, s.n)
	for i, c := range s.choice {
		mask[i] = c == -1
	}
	return mask, s.remaining
}

// gather evaluates each branch over the rows that take it and assembles the
// result.
func (s *selection) gather(ctx context.Context, mem memory.Allocator, t arrow.DataType, branches []Expr, rec arrow.Record) (compute.Datum, error) {
	if s.n < 0 {
		if s.uniform < 0 {
			return compute.NewDatum(scalar.MakeNullScalar(t)), nil
		}
		d, err := branches[s.uniform].Eval(ctx, rec)
		if err != nil {
			return nil, err
		}
		return typedNull(d, t), nil
	}
	srcs := make([]compute.Datum, len(branches))
	defer func() {
		for _, d := range srcs {
			if d != nil {
				d.Release()
			}
		}
	}()
	for b, e := range branches {
		sel := make([]bool, s.n)
		count := 0
		for i, c := range s.choice {
			if c == int32(b) {
				sel[i] = true
				count++
			}
		}
		if count == 0 {
			continue
		}
		d, err := evalSelected(ctx, e, rec, sel, count)
		if err != nil {
			return nil, err
		}
		srcs[b] = d
	}
	return s.gatherDatums(mem, t, srcs)
}

// gatherDatums assembles the result from evaluated branches (nil for
// branches no row takes).
func (s *selection) gatherDatums(mem memory.Allocator, t arrow.DataType, srcs []compute.Datum) (compute.Datum, error) {
	if s.n < 0 {
		if s.uniform < 0 || srcs[s.uniform] == nil {
			return compute.NewDatum(scalar.MakeNullScalar(t)), nil
		}
		return typedNull(cloneDatum(srcs[s.uniform]), t), nil
	}
	// Every row taking one branch: return it as it is.
	if s.n > 0 {
		first := s.choice[0]
		same := true
		for _, c := range s.choice {
			if c != first {
				same = false
				break
			}
		}
		if same && first >= 0 && srcs[first] != nil {
			if t2 := srcs[first].(compute.ArrayLikeDatum).Type(); arrow.TypeEqual(t2, t) {
				return cloneDatum(srcs[first]), nil
			}
		}
	}
	ops := make([]operand, len(srcs))
	defer releaseOperands(ops)
	for b, d := range srcs {
		if d == nil {
			ops[b] = newOperand(array.NewNull(1), true)
			continue
		}
		op, err := toOperand(mem, d)
		if err != nil {
			for _, o := range ops[:b] {
				o.arr.Release()
			}
			ops = nil
			return nil, err
		}
		ops[b] = op
	}
	out, err := pick(mem, t, s.n, s.choice, ops)
	if err != nil {
		return nil, err
	}
	return datumOf(out, nil)
}

// typedNull turns a NULL-typed constant into a NULL of type t; other datums
// pass through.
func typedNull(d compute.Datum, t arrow.DataType) compute.Datum {
	if sd, ok := d.(*compute.ScalarDatum); ok && isNull(sd.Value.DataType()) {
		return compute.NewDatum(scalar.MakeNullScalar(t))
	}
	return d
}

// evalOn evaluates e for the undecided rows of s: over the whole record, or,
// if that fails, over just those rows (the error may come from a row the
// expression does not apply to).
func evalOn(ctx context.Context, e Expr, rec arrow.Record, s *selection) (compute.Datum, error) {
	if s.n < 0 {
		return e.Eval(ctx, rec)
	}
	sel, count := s.undecided()
	return evalSelected(ctx, e, rec, sel, count)
}

// evalSelected evaluates e over rec; if that fails and only some rows are
// selected, it evaluates e over the selected rows and spreads the result
// back to their positions (the other rows are NULL).
func evalSelected(ctx context.Context, e Expr, rec arrow.Record, sel []bool, count int) (compute.Datum, error) {
	d, err := e.Eval(ctx, rec)
	if err == nil || count == len(sel) {
		return d, err
	}
	mem := compute.GetAllocator(ctx)
	picked := make([]int32, 0, count)
	for i, on := range sel {
		if on {
			picked = append(picked, int32(i))
		}
	}
	sub, ferr := selectRows(mem, rec, picked)
	if ferr != nil {
		return nil, err
	}
	defer sub.Release()
	sd, err := e.Eval(ctx, sub)
	if err != nil {
		return nil, err
	}
	defer sd.Release()
	ad, ok := sd.(*compute.ArrayDatum)
	if !ok {
		return cloneDatum(sd), nil
	}
	vals := ad.MakeArray()
	defer vals.Release()
	// Spread the values back: unselected rows are NULL.
	spread := make([]int32, len(sel))
	next := int32(0)
	for i, on := range sel {
		if on {
			spread[i] = next
			next++
		} else {
			spread[i] = -1
		}
	}
	return datumOf(gatherRows(mem, vals, spread))
}
