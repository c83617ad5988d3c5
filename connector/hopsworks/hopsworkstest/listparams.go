package hopsworkstest

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// listParams are the query parameters of GET .../featuregroups, parsed as
// the backend's FeatureGroupBeanParam does.
type listParams struct {
	offset, limit int // limit < 0: no limit
	sorts         []sortKey
	filters       []func(fg *featureGroup, latest map[string]int) bool
	features      bool // expand=features
}

// sortKey is one sort_by entry.
type sortKey struct {
	field string // name, version or creation
	desc  bool
}

// parseListParams parses offset, limit, sort_by, filter_by and expand. A
// value that does not parse is answered with 404, as Jersey answers a
// query parameter it cannot convert.
func parseListParams(q url.Values) (*listParams, *apiError) {
	p := &listParams{limit: -1}
	var ok bool
	if p.offset, ok = nonNegative(q.Get("offset"), 0); !ok {
		return nil, webError(http.StatusNotFound)
	}
	if p.limit, ok = nonNegative(q.Get("limit"), -1); !ok {
		return nil, webError(http.StatusNotFound)
	}
	for _, v := range expandValues(q["sort_by"]) {
		field, dir, _ := strings.Cut(v, ":")
		key := sortKey{field: strings.ToLower(field)}
		switch strings.ToLower(dir) {
		case "", "asc":
		case "desc":
			key.desc = true
		default:
			return nil, webError(http.StatusNotFound)
		}
		switch key.field {
		case "name", "version", "creation":
		default:
			return nil, webError(http.StatusNotFound)
		}
		p.sorts = append(p.sorts, key)
	}
	for _, v := range q["filter_by"] {
		f, ok := parseFilterBy(v)
		if !ok {
			return nil, webError(http.StatusNotFound)
		}
		p.filters = append(p.filters, f)
	}
	for _, v := range expandValues(q["expand"]) {
		if strings.EqualFold(v, "features") {
			p.features = true
		}
	}
	return p, nil
}

// parseFilterBy parses one filter_by value: latest_version, name:<v>,
// name_like:<v> or version:<n>.
func parseFilterBy(v string) (func(*featureGroup, map[string]int) bool, bool) {
	key, val, hasVal := strings.Cut(v, ":")
	switch strings.ToLower(key) {
	case "latest_version":
		if hasVal {
			return nil, false
		}
		return func(fg *featureGroup, latest map[string]int) bool {
			return fg.meta.Version == latest[fg.meta.Name]
		}, true
	case "name":
		return func(fg *featureGroup, _ map[string]int) bool { return fg.meta.Name == val }, hasVal
	case "name_like":
		val = strings.ToLower(val)
		return func(fg *featureGroup, _ map[string]int) bool {
			return strings.Contains(strings.ToLower(fg.meta.Name), val)
		}, hasVal
	case "version":
		n, err := strconv.Atoi(val)
		return func(fg *featureGroup, _ map[string]int) bool { return fg.meta.Version == n }, err == nil
	}
	return nil, false
}

// nonNegative parses a non-negative integer; "" gives def.
func nonNegative(s string, def int) (int, bool) {
	if s == "" {
		return def, true
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 0
}

// apply returns the groups that pass every filter, sorted. Without sort_by
// the order is by id, the order of the backend's table.
func (p *listParams) apply(groups []*featureGroup) []*featureGroup {
	latest := make(map[string]int)
	for _, fg := range groups {
		latest[fg.meta.Name] = max(latest[fg.meta.Name], fg.meta.Version)
	}
	var out []*featureGroup
	for _, fg := range groups {
		if !slices.ContainsFunc(p.filters, func(f func(*featureGroup, map[string]int) bool) bool { return !f(fg, latest) }) {
			out = append(out, fg)
		}
	}
	slices.SortStableFunc(out, func(a, b *featureGroup) int {
		for _, k := range p.sorts {
			var c int
			switch k.field {
			case "name":
				c = strings.Compare(a.meta.Name, b.meta.Name)
			case "version":
				c = cmp.Compare(a.meta.Version, b.meta.Version)
			case "creation":
				c = a.created().Compare(b.created())
			}
			if k.desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return cmp.Compare(a.id, b.id)
	})
	return out
}

// page applies offset and limit.
func (p *listParams) page(groups []*featureGroup) []*featureGroup {
	if p.offset >= len(groups) {
		return nil
	}
	groups = groups[p.offset:]
	if p.limit >= 0 && p.limit < len(groups) {
		groups = groups[:p.limit]
	}
	return groups
}
