package hopsworks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"

	"github.com/hopsql/hopsql/connector"
)

// PlanJoin answers the planner's offer of a join of feature groups
// (connector.JoinPlanner). It takes the offer when the Hopsworks query
// model says it exactly: the first input is the query's root feature
// group and every other input a sub-query joined to it, without joins of
// its own; each filter is placed on the query or sub-query of its input,
// and the backend ANDs them all into the WHERE clause after the joins. It
// then sends the query to the query constructor and reads no rows: the
// scan's single partition streams the joined result over Arrow Flight,
// as PlanScan's does.
//
// It refuses, with an error wrapping connector.ErrJoinRefused that says
// why, requests whose join keys do not all start from the first input,
// inputs from another cluster or that it cannot read, a feature group
// joined twice (the model gives each one alias), join keys whose types
// the SQL engines might compare differently, filters on an input that an
// outer join pads with NULLs (in WHERE they would remove the padded rows),
// features with default values on such an input (the backend would show
// the default in place of the NULLs), and joins the query constructor
// rejects as malformed or answers with a point-in-time query. A plain
// join is never sent as a point-in-time join: no event time goes with
// it, and only the constructor's plain query is run.
//
// The result's names stay unique on the wire: each sub-query gets a
// prefix ("j1_", "j2_", ...) that no feature of the query is named with,
// so the backend drops no join key as a duplicate; the scan yields the
// requested columns under their own names, in the request's order.
func (c *Client) PlanJoin(ctx context.Context, req connector.JoinRequest) (connector.JoinScan, error) {
	if err := req.Validate(); err != nil {
		return nil, fmt.Errorf("hopsworks: %w", err)
	}
	if err := checkJoinShape(req); err != nil {
		return nil, err
	}
	parts, err := c.joinParts(ctx, req)
	if err != nil {
		return nil, err
	}
	out, wire := joinColumns(req, parts)
	q := newJoinQuery(req, parts)
	res, err := c.constructQuery(ctx, q)
	if err != nil {
		var apiErr *APIError
		if errors.As(err, &apiErr) && (apiErr.Status == http.StatusBadRequest || apiErr.Status == http.StatusUnprocessableEntity) {
			return nil, fmt.Errorf("%w: %w", refused("the query constructor rejected the join"), err)
		}
		return nil, fmt.Errorf("hopsworks: constructing the join query of %s: %w", req, err)
	}
	if res.PitQuery != "" || res.PitQueryAsof != "" {
		return nil, refused("the query constructor answered with a point-in-time query")
	}
	ep, err := c.hqsEndpoint(ctx)
	if err != nil {
		return nil, err
	}
	s := &joinScan{scan: scan{schema: connector.FeatureSchema(out), stats: new(flightStats)}}
	p := &partition{c: c, stats: s.stats}
	selected := selectList(parts)
	p.cols = func(w *arrow.Schema) (*columnPlan, error) { return planJoinColumns(w, selected, wire, out) }
	p.cmd.name = req.String()
	generation := generationD
	if res.HQSPayload != "" {
		p.cmd.cmd, p.cmd.signature = []byte(res.HQSPayload), res.HQSPayloadSignature
	} else {
		generation = generationC
		if p.cmd.cmd, err = joinPayload(parts, res); err != nil {
			return nil, err
		}
	}
	s.parts = []connector.Partition{p}
	s.exact = make([][]bool, len(parts))
	for i, part := range parts {
		s.exact[i] = part.exact
	}
	s.explain = explainJoin(req, parts, q, generation, res, ep)
	return s, nil
}

// refused returns an error that refuses a join offer, saying why.
func refused(format string, args ...any) error {
	return fmt.Errorf("hopsworks: %w: %s", connector.ErrJoinRefused, fmt.Sprintf(format, args...))
}

// checkJoinShape refuses requests the query model cannot hold whatever the
// feature groups: join keys that do not start from the root, filters on
// inputs an outer join pads with NULLs.
func checkJoinShape(req connector.JoinRequest) error {
	for i, st := range req.Steps {
		switch st.Type {
		case connector.InnerJoin, connector.LeftJoin, connector.RightJoin, connector.FullJoin:
		default:
			return refused("join type %v is not one of the query model's", st.Type)
		}
		for _, k := range st.Keys {
			if k.Left != 0 {
				return refused("join %d is keyed on %s, not on the root %s: the query model joins sub-queries to the root only",
					i+1, req.Inputs[k.Left].FeatureGroup.QualifiedName(), req.Inputs[0].FeatureGroup.QualifiedName())
			}
		}
	}
	for i, null := range req.NullSupplying() {
		if null && len(req.Inputs[i].Filter) > 0 {
			return refused("%s has a filter but an outer join pads it with NULLs: the query model applies filters after the joins",
				req.Inputs[i].FeatureGroup.QualifiedName())
		}
	}
	return nil
}

// joinPart is one input of a join as the query model holds it.
type joinPart struct {
	in     connector.JoinInput
	g      *groupInfo
	st     storeInfo
	prefix string // put before its features' names in the result; "" for the root
	// read lists the features the (sub-)query selects: the input's
	// columns without repeats or, if it has none, its narrowest
	// feature, which the scan drops.
	read   []connector.Feature
	filter *filterNode // may be nil
	exact  []bool      // per conjunct of in.Filter: sent and exact
	typ    string      // the join type, for sub-queries
}

// joinParts looks up each input's feature group and store, refusing those
// the query model cannot join, and translates the filters.
func (c *Client) joinParts(ctx context.Context, req connector.JoinRequest) ([]*joinPart, error) {
	null := req.NullSupplying()
	parts := make([]*joinPart, len(req.Inputs))
	seen := make(map[int64]int) // input number by feature group id
	for i, in := range req.Inputs {
		g, err := c.group(ctx, in.FeatureGroup)
		if err != nil {
			if errors.Is(err, connector.ErrNotFound) || errors.Is(err, ErrNotShared) {
				return nil, fmt.Errorf("%w: %w", refused("%s is not a feature group of this Hopsworks connection", in.FeatureGroup.QualifiedName()), err)
			}
			return nil, err
		}
		if err := checkReadable(g); err != nil {
			return nil, fmt.Errorf("%w: %w", refused("%s cannot be read through the Hopsworks Query Service", in.FeatureGroup.QualifiedName()), err)
		}
		if other, dup := seen[g.dto.ID]; dup {
			return nil, refused("%s is joined twice (inputs %d and %d): the query model gives a feature group one alias",
				g.fg.QualifiedName(), other, i+1)
		}
		seen[g.dto.ID] = i + 1
		st, err := c.readableStore(ctx, g.fg.Project)
		if err != nil {
			return nil, err
		}
		p := &joinPart{in: in, g: g, st: st}
		if i > 0 {
			p.typ = req.Steps[i-1].Type.String()
		}
		if p.read, err = requestedFeatures(g.fg, dedupe(in.Columns)); err != nil {
			return nil, err
		}
		if len(p.read) == 0 {
			p.read = []connector.Feature{narrowest(g.fg.Features)}
		} else if null[i] {
			for _, f := range p.read {
				if hasDefault(g, f.Name) {
					return nil, refused("feature %s of %s has a default value, which the backend would show in place of the NULLs an outer join pads it with",
						f.Name, g.fg.QualifiedName())
				}
			}
		}
		p.filter, p.exact = translateConjuncts(g.fg, in.Filter)
		parts[i] = p
	}
	for i, st := range req.Steps {
		for _, k := range st.Keys {
			l, _ := parts[0].g.fg.Feature(k.LeftFeature)
			r, _ := parts[i+1].g.fg.Feature(k.RightFeature)
			if !comparableKeys(l, r) {
				return nil, refused("join key %s (%s) = %s (%s): the query model's SQL engines may compare these types otherwise than hopsql",
					l.Name, l.Type, r.Name, r.Type)
			}
		}
	}
	assignPrefixes(parts)
	return parts, nil
}

// dedupe returns names without repeats, in order of first appearance.
func dedupe(names []string) []string {
	var out []string
	seen := make(map[string]bool, len(names))
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

// hasDefault reports whether the feature called name of g has a default
// value, which the query constructor writes into its SQL as
// CASE WHEN f IS NULL THEN <default> ELSE f END.
func hasDefault(g *groupInfo, name string) bool {
	for _, f := range g.dto.Features {
		if strings.EqualFold(f.Name, name) {
			v := bytes.TrimSpace(f.DefaultValue)
			return len(v) > 0 && !bytes.Equal(v, []byte("null"))
		}
	}
	return false
}

// comparableKeys reports whether the SQL equality of features l and r
// means the same in the Query Service's engine (DuckDB) as in hopsql:
// the same type, two integer or two decimal types, but never floating
// point (DuckDB takes NaN as equal to NaN).
func comparableKeys(l, r connector.Feature) bool {
	if l.DataType == nil || r.DataType == nil {
		return false
	}
	lid, rid := l.DataType.ID(), r.DataType.ID()
	switch {
	case isInteger(lid) && isInteger(rid), lid == arrow.DECIMAL128 && rid == arrow.DECIMAL128:
		return true
	case lid != rid:
		return false
	}
	switch lid {
	case arrow.STRING, arrow.BOOL, arrow.DATE32, arrow.TIMESTAMP:
		return arrow.TypeEqual(l.DataType, r.DataType)
	}
	return false
}

func isInteger(id arrow.Type) bool {
	switch id {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64:
		return true
	}
	return false
}
