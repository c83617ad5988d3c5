package hopsworkstest

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// queryDTO is the backend's QueryDTO: what PUT .../featurestores/query
// reads. Unknown fields are ignored, as Jackson is configured to.
type queryDTO struct {
	LeftFeatureGroup          *groupRefDTO    `json:"leftFeatureGroup"`
	LeftFeatures              []featureRefDTO `json:"leftFeatures"`
	LeftFeatureGroupStartTime *int64          `json:"leftFeatureGroupStartTime"`
	LeftFeatureGroupEndTime   *int64          `json:"leftFeatureGroupEndTime"`
	Joins                     []joinDTO       `json:"joins"`
	Filter                    *logicDTO       `json:"filter"`
	HiveEngine                bool            `json:"hiveEngine"`
}

// groupRefDTO is the part of a FeaturegroupDTO the constructor reads: the
// id, and eventTime, which decides whether point-in-time queries are made.
type groupRefDTO struct {
	ID        *int    `json:"id"`
	EventTime *string `json:"eventTime"`
}

// featureRefDTO is the part of a FeatureGroupFeatureDTO the constructor
// reads.
type featureRefDTO struct {
	Name           string `json:"name"`
	FeatureGroupID *int   `json:"featureGroupId"`
}

type joinDTO struct {
	Query   *queryDTO       `json:"query"`
	On      []featureRefDTO `json:"on"`
	LeftOn  []featureRefDTO `json:"leftOn"`
	RightOn []featureRefDTO `json:"rightOn"`
	Type    *string         `json:"type"`
	Prefix  *string         `json:"prefix"`
}

// logicDTO is the backend's FilterLogicDTO.
type logicDTO struct {
	Type        string     `json:"type"`
	LeftFilter  *filterDTO `json:"leftFilter"`
	RightFilter *filterDTO `json:"rightFilter"`
	LeftLogic   *logicDTO  `json:"leftLogic"`
	RightLogic  *logicDTO  `json:"rightLogic"`
}

// filterDTO is the backend's FilterDTO. The value is a string on the wire;
// Jackson also takes a number or a boolean for it, so the raw JSON is kept.
type filterDTO struct {
	Feature   *featureRefDTO  `json:"feature"`
	Condition string          `json:"condition"`
	Value     json.RawMessage `json:"value"`
}

// joinKeyword returns how Calcite writes a join of type typ, one of the
// values of its JoinType the backend accepts, and whether typ is one.
func joinKeyword(typ string) (string, bool) {
	switch typ {
	case "INNER", "LEFT", "RIGHT", "FULL", "CROSS":
		return typ + " JOIN", true
	case "LEFT_SEMI_JOIN":
		return "LEFT SEMI JOIN", true
	case "COMMA":
		return ",", true
	}
	return "", false
}

// fsQueryDTO is the backend's FsQueryDTO.
type fsQueryDTO struct {
	Href                    string          `json:"href"`
	Query                   string          `json:"query"`
	QueryOnline             string          `json:"queryOnline,omitempty"`
	PitQuery                string          `json:"pitQuery,omitempty"`
	PitQueryAsof            string          `json:"pitQueryAsof,omitempty"`
	HudiCachedFeatureGroups []hudiAliasDTO  `json:"hudiCachedFeatureGroups"`
	OnDemandFeatureGroups   []onDemandAlias `json:"onDemandFeatureGroups"`
	HqsPayload              string          `json:"hqsPayload,omitempty"`
	HqsPayloadSignature     string          `json:"hqsPayloadSignature,omitempty"`
}

// hudiAliasDTO tells a Spark client which feature group to register as a
// time-travel view under alias.
type hudiAliasDTO struct {
	Alias                          string          `json:"alias"`
	FeatureGroup                   featureGroupDTO `json:"featureGroup"`
	LeftFeatureGroupStartTimestamp *int64          `json:"leftFeatureGroupStartTimestamp,omitempty"`
	LeftFeatureGroupEndTimestamp   *int64          `json:"leftFeatureGroupEndTimestamp,omitempty"`
}

// onDemandAlias is an external feature group of the query; the server has
// none, so the list is always empty.
type onDemandAlias struct{}

// maxQueryBody bounds the request body of the query constructor.
const maxQueryBody = 16 << 20

// constructQuery serves PUT project/{projectId}/featurestores/query.
func (s *Server) constructQuery(c *call) (any, *apiError) {
	var dto queryDTO
	dec := json.NewDecoder(io.LimitReader(c.r.Body, maxQueryBody))
	if err := dec.Decode(&dto); err != nil {
		return nil, newError(errIllegalArgument, "Could not read the query: %v", err)
	}
	q, pit, aerr := s.resolveQuery(c.proj, &dto)
	if aerr != nil {
		return nil, aerr
	}
	out := fsQueryDTO{
		Href:                    s.URL() + c.r.URL.Path,
		Query:                   renderQuery(q, offlineTables(dto.HiveEngine), quoteBacktick),
		QueryOnline:             renderQuery(q, onlineTables, quoteBacktick),
		HudiCachedFeatureGroups: hudiAliases(q),
		OnDemandFeatureGroups:   []onDemandAlias{},
	}
	if pit {
		out.PitQuery = renderPitQuery(q, offlineTables(dto.HiveEngine))
		out.PitQueryAsof = renderAsofQuery(q, offlineTables(dto.HiveEngine), quoteBacktick)
	}
	if s.cfg.HQSPayload && strings.EqualFold(c.r.URL.Query().Get("hqs"), "true") {
		payload, err := hqsPayload(q, pit)
		if err != nil {
			return nil, newError(errUnknown, "building the HQS payload: %v", err)
		}
		out.HqsPayload = payload
		out.HqsPayloadSignature = s.signPayload(payload)
	}
	return out, nil
}

// rquery is a resolved query: a feature group with the features it
// selects, its joins and its filter.
type rquery struct {
	fg         *featureGroup
	alias      string
	available  []*qfeature // every feature of fg
	selected   []*qfeature
	joins      []*rjoin
	filter     *rlogic
	start, end *int64
}

// qfeature is a feature as the query sees it.
type qfeature struct {
	name, typ string
	primary   bool
	fg        *featureGroup
	alias     string // the feature group's alias
	prefix    string // the prefix of the join the feature group is in
}

// outName returns the feature's column name in the result.
func (f *qfeature) outName() string { return f.prefix + f.name }

type rjoin struct {
	right           *rquery
	leftOn, rightOn []*qfeature
	typ             string // e.g. "INNER"
	prefix          string
}

// resolveQuery turns a QueryDTO into an rquery the way the backend's
// QueryController does, and reports whether the query is point-in-time
// enabled.
func (s *Server) resolveQuery(p *project, dto *queryDTO) (*rquery, bool, *apiError) {
	for _, j := range dto.Joins {
		if j.Query != nil && len(j.Query.Joins) > 0 {
			return nil, false, newError(errIllegalArgument, "Nested joins are not supported")
		}
	}
	r := &resolver{cat: s.cat, proj: p, aliases: make(map[int]string), available: make(map[int][]*qfeature)}
	if _, aerr := r.populate(dto, 0, ""); aerr != nil {
		return nil, false, aerr
	}
	pit := pitEnabled(dto)
	q, aerr := r.convert(dto, pit)
	if aerr != nil {
		return nil, false, aerr
	}
	if pit && !eventTimesKnown(q) {
		pit = false
	}
	return q, pit, nil
}

// pitEnabled reports whether the request asks for a point-in-time query:
// it has joins and every feature group of it names an event time. Like
// the backend, it looks at the request, not at the metadata.
func pitEnabled(dto *queryDTO) bool {
	if len(dto.Joins) == 0 {
		return false
	}
	var all func(q *queryDTO) bool
	all = func(q *queryDTO) bool {
		if q == nil || q.LeftFeatureGroup == nil || q.LeftFeatureGroup.EventTime == nil {
			return false
		}
		for _, j := range q.Joins {
			if !all(j.Query) {
				return false
			}
		}
		return true
	}
	return all(dto)
}

// eventTimesKnown reports whether every feature group of q has an event
// time in its metadata, which point-in-time SQL needs.
func eventTimesKnown(q *rquery) bool {
	if q.fg.meta.EventTime == "" {
		return false
	}
	for _, j := range q.joins {
		if !eventTimesKnown(j.right) {
			return false
		}
	}
	return true
}

// resolver holds the lookup tables of one query, keyed by feature group
// id as in the backend: a feature group that appears twice gets one alias.
type resolver struct {
	cat       *catalog
	proj      *project
	aliases   map[int]string
	available map[int][]*qfeature
	// order lists the ids in the order they were first entered, which
	// together with the ids decides the iteration order of the backend's
	// HashMap (see lookupOrder).
	order []int
}

// populate assigns aliases depth first: each joined query gets the next
// number before its parent, so the root has the highest (fgN).
func (r *resolver) populate(q *queryDTO, next int, prefix string) (int, *apiError) {
	for _, j := range q.Joins {
		if j.Query == nil {
			return 0, newError(errIllegalArgument, "Subquery not specified")
		}
		n, aerr := r.populate(j.Query, next, deref(j.Prefix))
		if aerr != nil {
			return 0, aerr
		}
		next = n + 1
	}
	fg, aerr := r.featureGroup(q.LeftFeatureGroup)
	if aerr != nil {
		return 0, aerr
	}
	alias := fmt.Sprintf("fg%d", next)
	if _, seen := r.aliases[fg.id]; !seen {
		r.order = append(r.order, fg.id)
	}
	r.aliases[fg.id] = alias
	feats := make([]*qfeature, len(fg.meta.Features))
	for i, f := range fg.meta.Features {
		feats[i] = &qfeature{name: f.Name, typ: f.Type, primary: f.Primary, fg: fg, alias: alias, prefix: prefix}
	}
	r.available[fg.id] = feats
	return next, nil
}

// featureGroup finds the feature group a query names. It must exist and be
// readable by the project: its own or shared with it.
func (r *resolver) featureGroup(ref *groupRefDTO) (*featureGroup, *apiError) {
	if ref == nil || ref.ID == nil {
		return nil, newError(errIllegalArgument, "Feature group not specified")
	}
	fg := r.cat.fgByID[*ref.ID]
	if fg == nil {
		return nil, newError(errFeatureGroupNotFound, "Could not find feature group with ID%d", *ref.ID)
	}
	if !canRead(r.proj, fg.store) {
		return nil, newError(errFeatureStoreNotFound,
			"feature group %d is in feature store %s, which is not shared with project %s", fg.id, fg.store.name(), r.proj.name)
	}
	return fg, nil
}

// convert resolves q, whose aliases populate assigned.
func (r *resolver) convert(q *queryDTO, pit bool) (*rquery, *apiError) {
	fg := r.cat.fgByID[*q.LeftFeatureGroup.ID]
	rq := &rquery{fg: fg, alias: r.aliases[fg.id], available: r.available[fg.id],
		start: q.LeftFeatureGroupStartTime, end: q.LeftFeatureGroupEndTime}
	var aerr *apiError
	if rq.selected, aerr = selectFeatures(fg, q.LeftFeatures, rq.available); aerr != nil {
		return nil, aerr
	}
	if q.HiveEngine && (q.LeftFeatureGroupEndTime != nil || anyJoinEndTime(q)) {
		return nil, newError(errIllegalArgument, "Hive engine on Python environments does not support incremental or "+
			"snapshot queries. Read feature group without timestamp to retrieve latest snapshot or switch to "+
			"environment with Spark Engine.")
	}
	if len(q.Joins) > 0 && q.LeftFeatureGroupStartTime != nil {
		return nil, newError(errIllegalArgument, "For incremental queries start time must be provided and join statements are not allowed")
	}
	for _, j := range q.Joins {
		right, aerr := r.convert(j.Query, pit)
		if aerr != nil {
			return nil, aerr
		}
		join, aerr := r.convertJoin(rq, right, j)
		if aerr != nil {
			return nil, aerr
		}
		rq.joins = append(rq.joins, join)
	}
	removeDuplicateColumns(rq, pit)
	if q.Filter != nil {
		if rq.filter, aerr = r.convertLogic(q.Filter); aerr != nil {
			return nil, aerr
		}
	}
	return rq, nil
}

func anyJoinEndTime(q *queryDTO) bool {
	for _, j := range q.Joins {
		if j.Query.LeftFeatureGroupEndTime != nil {
			return true
		}
	}
	return false
}

// selectFeatures returns the requested features; [{"name": "*"}] selects
// all of them.
func selectFeatures(fg *featureGroup, requested []featureRefDTO, available []*qfeature) ([]*qfeature, *apiError) {
	if len(requested) == 0 {
		return nil, newError(errIllegalArgument, "Invalid requested features")
	}
	if len(requested) == 1 && requested[0].Name == "*" {
		return cloneFeatures(available), nil
	}
	out := make([]*qfeature, len(requested))
	for i, req := range requested {
		f := findFeature(available, req.Name)
		if f == nil {
			return nil, newError(errFeatureDoesNotExist, "Feature: %s not found in feature group: %s", req.Name, fg.meta.Name)
		}
		c := *f
		out[i] = &c
	}
	return out, nil
}

func cloneFeatures(fs []*qfeature) []*qfeature {
	out := make([]*qfeature, len(fs))
	for i, f := range fs {
		c := *f
		out[i] = &c
	}
	return out
}

func findFeature(fs []*qfeature, name string) *qfeature {
	for _, f := range fs {
		if f.name == name {
			return f
		}
	}
	return nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
