package planner

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hopsql/hopsql/connector"
)

// offer offers the piece c of t to the source of its inputs. It returns
// what replaces the piece in the plan, the remote join under a filter with
// the conjuncts the source did not apply exactly, or nil if the source
// refused or the piece cannot be pushed. need holds the columns the plan
// reads above the tree; the remote join also yields those that joins with
// the tree's other inputs and the conjuncts left to the engine read.
func (r *joinPusher) offer(t *joinTree, c candidate, need map[int]bool) (Node, error) {
	req, ok := t.request(c)
	if !ok {
		return nil, nil
	}
	null := req.NullSupplying()
	// Columns the engine reads above the remote join: those of join keys
	// with the tree's other inputs, and of conjuncts it evaluates again.
	extra := map[int]bool{}
	for _, e := range t.edges {
		inA, inB := slices.Contains(c.order, e.a), slices.Contains(c.order, e.b)
		if inA && !inB {
			extra[e.ca.ID] = true
		}
		if inB && !inA {
			extra[e.cb.ID] = true
		}
	}
	for pos, i := range c.order {
		leaf := t.inputs[i].leaf
		for j, p := range leaf.preds {
			if p != nil {
				continue
			}
			if null[pos] {
				return nil, nil // only a source could filter it before the join
			}
			for id := range columnsOf(leaf.conj[j]) {
				extra[id] = true
			}
		}
	}
	source := t.inputs[c.order[0]].leaf.source
	// A second offer, with more columns, when the source leaves conjuncts
	// to the engine whose columns the first did not ask for.
	for range 2 {
		cols := t.setColumns(&req, c, need, extra)
		key := offerKey(req)
		if r.refused[key] {
			return nil, nil
		}
		scan, err := source.PlanJoin(r.ctx, req)
		if errors.Is(err, connector.ErrJoinRefused) {
			r.refused[key] = true
			return nil, nil
		}
		if err != nil {
			return nil, r.src.errorf(req.Inputs[0].FeatureGroup.TableName(), err, "planning the join %s", req)
		}
		residue, ok, err := t.residue(req, c, scan)
		if err != nil {
			return nil, r.src.errorf(req.Inputs[0].FeatureGroup.TableName(), err, "planning the join %s", req)
		}
		if !ok {
			r.refused[key] = true
			return nil, nil
		}
		out := map[int]bool{}
		for _, cs := range cols {
			for _, col := range cs {
				out[col.ID] = true
			}
		}
		missing := false
		for _, e := range residue {
			for id := range columnsOf(e) {
				if !out[id] {
					extra[id], missing = true, true
				}
			}
		}
		if missing {
			continue
		}
		rj := &RemoteJoinNode{Source: t.inputs[c.order[0]].leaf.scan.Table.Source, Request: req, Scan: scan}
		for pos, i := range c.order {
			rj.Scans = append(rj.Scans, t.inputs[i].leaf.scan)
			rj.Cols = append(rj.Cols, cols[pos]...)
		}
		return filterAbove(rj, residue), nil
	}
	return nil, nil
}

// request builds the request for c, without columns; it reports false if
// an input of c has no equality with those before it.
func (t *joinTree) request(c candidate) (connector.JoinRequest, bool) {
	var req connector.JoinRequest
	at := map[int]int{} // input -> position in the request
	for pos, i := range c.order {
		leaf := t.inputs[i].leaf
		in := connector.JoinInput{FeatureGroup: leaf.scan.Table.FeatureGroup}
		for _, p := range leaf.preds {
			if p != nil {
				in.Filter = append(in.Filter, p)
			}
		}
		req.Inputs = append(req.Inputs, in)
		if pos > 0 {
			st := connector.JoinStep{Type: c.types[pos-1]}
			for _, e := range t.edges {
				if e.a == i {
					if p, ok := at[e.b]; ok {
						st.Keys = append(st.Keys, connector.JoinKey{Left: p, LeftFeature: e.cb.Name, RightFeature: e.ca.Name})
					}
				} else if e.b == i {
					if p, ok := at[e.a]; ok {
						st.Keys = append(st.Keys, connector.JoinKey{Left: p, LeftFeature: e.ca.Name, RightFeature: e.cb.Name})
					}
				}
			}
			if len(st.Keys) == 0 {
				return req, false
			}
			req.Steps = append(req.Steps, st)
		}
		at[i] = pos
	}
	return req, true
}

// setColumns sets the Columns of req's inputs: those of each scan that
// need or extra holds, in the scan's order. It returns them per input.
func (t *joinTree) setColumns(req *connector.JoinRequest, c candidate, need, extra map[int]bool) [][]*Column {
	out := make([][]*Column, len(c.order))
	for pos, i := range c.order {
		names := []string{}
		for _, col := range t.inputs[i].leaf.scan.Columns() {
			if need[col.ID] || extra[col.ID] {
				out[pos] = append(out[pos], col)
				names = append(names, col.Name)
			}
		}
		req.Inputs[pos].Columns = names
	}
	return out
}

// residue returns the conjuncts of c's inputs that the engine must
// evaluate over the remote join's result: those without a translation and
// those the source did not apply exactly. It reports false if the source
// did not apply one of an input that an outer join pads with NULLs, which
// only the source could filter before the join.
func (t *joinTree) residue(req connector.JoinRequest, c candidate, scan connector.JoinScan) ([]Expr, bool, error) {
	exact := scan.ExactFilters()
	if len(exact) != len(req.Inputs) {
		return nil, false, fmt.Errorf("the source reported on the filters of %d inputs, not %d", len(exact), len(req.Inputs))
	}
	null := req.NullSupplying()
	var residue []Expr
	for pos, i := range c.order {
		if len(exact[pos]) != len(req.Inputs[pos].Filter) {
			return nil, false, fmt.Errorf("the source reported on %d filters of input %d, not %d", len(exact[pos]), pos, len(req.Inputs[pos].Filter))
		}
		leaf := t.inputs[i].leaf
		f := 0
		for j, p := range leaf.preds {
			if p != nil {
				if exact[pos][f] {
					f++
					continue
				}
				f++
				if null[pos] {
					return nil, false, nil
				}
			}
			residue = append(residue, leaf.conj[j])
		}
	}
	return residue, true, nil
}

// offerKey identifies an offer: the request as EXPLAIN shows it, which
// inputs its keys refer to, and the columns asked for.
func offerKey(req connector.JoinRequest) string {
	var b strings.Builder
	b.WriteString(req.String())
	for _, st := range req.Steps {
		for _, k := range st.Keys {
			fmt.Fprintf(&b, "|%d", k.Left)
		}
	}
	for _, in := range req.Inputs {
		b.WriteString("|" + strings.Join(in.Columns, ","))
	}
	return b.String()
}
