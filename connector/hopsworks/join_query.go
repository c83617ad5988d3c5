package hopsworks

import (
	"fmt"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"

	"github.com/hopsql/hopsql/connector"
)

// assignPrefixes gives each sub-query a prefix, "j<n>_" for the n-th, that
// keeps every name of the result unique and differs from every feature
// name of the query: the root's features keep their names, and the
// backend drops a sub-query's join key from the result when its prefixed
// name is the name of a feature the root selects. Should a feature be
// called like a prefixed one, the prefixes get more underscores ("j_1_",
// ...) until none is. Decoding "j<n>_<name>" is unambiguous, as n has no
// underscore, so prefixed names never collide with each other.
func assignPrefixes(parts []*joinPart) {
	taken := make(map[string]bool)
	for _, p := range parts {
		for _, f := range p.g.fg.Features {
			taken[strings.ToLower(f.Name)] = true
		}
	}
	for tag := "j"; ; tag += "_" {
		clash := false
		for i, p := range parts[1:] {
			prefix := fmt.Sprintf("%s%d_", tag, i+1)
			for _, f := range p.read {
				if taken[strings.ToLower(prefix+f.Name)] {
					clash = true
				}
			}
		}
		if clash {
			continue
		}
		for i, p := range parts[1:] {
			p.prefix = fmt.Sprintf("%s%d_", tag, i+1)
		}
		return
	}
}

// newJoinQuery builds the query model of a join: the root's query with a
// sub-query per other input, joined on leftOn and rightOn with the
// input's prefix. No query names an event time: with event times on
// every feature group the backend would build a point-in-time join.
func newJoinQuery(req connector.JoinRequest, parts []*joinPart) *queryDTO {
	sub := func(p *joinPart) *queryDTO {
		q := newQuery(p.g, p.st, p.read, p.filter, 0)
		q.LeftFeatureGroup.EventTime = nil
		return q
	}
	q := sub(parts[0])
	for i, st := range req.Steps {
		right := parts[i+1]
		prefix := right.prefix
		j := joinDTO{
			Query:   sub(right),
			On:      []queryFeatureDTO{},
			LeftOn:  make([]queryFeatureDTO, len(st.Keys)),
			RightOn: make([]queryFeatureDTO, len(st.Keys)),
			Type:    right.typ,
			Prefix:  &prefix,
		}
		for k, key := range st.Keys {
			l, _ := parts[0].g.fg.Feature(key.LeftFeature)
			r, _ := right.g.fg.Feature(key.RightFeature)
			j.LeftOn[k] = queryFeatureDTO{Name: l.Name, Type: l.Type, FeatureGroupID: parts[0].g.dto.ID}
			j.RightOn[k] = queryFeatureDTO{Name: r.Name, Type: r.Type, FeatureGroupID: right.g.dto.ID}
		}
		q.Joins = append(q.Joins, j)
	}
	return q
}

// selectList returns the names of the result's columns on the wire, in the
// order of the backend's select list: the root's features, then each
// sub-query's, prefixed.
func selectList(parts []*joinPart) []string {
	var names []string
	for _, p := range parts {
		for _, f := range p.read {
			names = append(names, p.prefix+f.Name)
		}
	}
	return names
}

// joinColumns returns the features the join's scan yields, the requested
// columns of each input in order under their own names, and the name of
// each on the wire.
func joinColumns(req connector.JoinRequest, parts []*joinPart) (out []connector.Feature, wire []string) {
	for i, in := range req.Inputs {
		for _, col := range in.Columns {
			f, _ := parts[i].g.fg.Feature(col) // checked by Validate
			out = append(out, f)
			wire = append(wire, parts[i].prefix+f.Name)
		}
	}
	return out, wire
}

// planJoinColumns maps the wire schema of a join's stream to the features
// out, the wire column of out[i] being called wire[i]. Columns are found
// by name, exactly or else ignoring case, or else by their position in
// the select list when the wire holds exactly its columns.
func planJoinColumns(schema *arrow.Schema, selected, wire []string, out []connector.Feature) (*columnPlan, error) {
	p := &columnPlan{schema: connector.FeatureSchema(out), src: make([]int, len(out)), cast: make([]bool, len(out))}
	for i, f := range out {
		j := fieldByName(schema, wire[i])
		if j < 0 && schema.NumFields() == len(selected) {
			for k, name := range selected {
				if name == wire[i] {
					j = k
					break
				}
			}
		}
		if j < 0 {
			return nil, fmt.Errorf("hopsworks: the Hopsworks Query Service sent no column %q for feature %q of the join; it sent %s", wire[i], f.Name, wireNames(schema))
		}
		have := schema.Field(j).Type
		p.src[i] = j
		if arrow.TypeEqual(have, f.DataType) {
			continue
		}
		if !convertible(have, f.DataType) {
			return nil, fmt.Errorf("hopsworks: the Hopsworks Query Service sent column %q as Arrow %s, which hopsql cannot convert to %s (%s)", wire[i], have, f.DataType, f.Type)
		}
		p.cast[i] = true
	}
	return p, nil
}
