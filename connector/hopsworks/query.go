package hopsworks

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/hopsql/hopsql/connector"
)

// queryDTO is the body of PUT /project/{id}/featurestores/query: the
// Hopsworks query model (QueryDTO) of a read of one feature group, or of a
// join of feature groups, as the Hopsworks client's Query.to_dict writes
// it (nulls included).
type queryDTO struct {
	FeatureStoreName          string            `json:"featureStoreName"`
	FeatureStoreID            int64             `json:"featureStoreId"`
	LeftFeatureGroup          queryGroupDTO     `json:"leftFeatureGroup"`
	LeftFeatures              []queryFeatureDTO `json:"leftFeatures"`
	LeftFeatureGroupStartTime *int64            `json:"leftFeatureGroupStartTime"`
	LeftFeatureGroupEndTime   *int64            `json:"leftFeatureGroupEndTime"`
	Joins                     []joinDTO         `json:"joins"`
	Filter                    *filterLogicDTO   `json:"filter"`
	Limit                     *int64            `json:"limit"`
	// HiveEngine asks for SQL in the Hive dialect, as the Hopsworks
	// client's Python engine does.
	HiveEngine bool `json:"hiveEngine"`
}

// joinDTO joins a sub-query, which has no joins of its own, to the root
// of a query (JoinDTO, as the Hopsworks client's Join.to_dict writes it).
// The backend uses on if it is not empty, else leftOn and rightOn.
type joinDTO struct {
	Query   *queryDTO         `json:"query"`
	On      []queryFeatureDTO `json:"on"`
	LeftOn  []queryFeatureDTO `json:"leftOn"`
	RightOn []queryFeatureDTO `json:"rightOn"`
	// Type is one of the backend's (Calcite's) join types: INNER, LEFT,
	// RIGHT, FULL.
	Type string `json:"type"`
	// Prefix is put before the names of the sub-query's features in the
	// result.
	Prefix *string `json:"prefix"`
}

// queryGroupDTO is the feature group of a query. The backend needs id and
// type; eventTime decides whether joins are point-in-time.
type queryGroupDTO struct {
	Type             string  `json:"type"`
	ID               int64   `json:"id"`
	Name             string  `json:"name"`
	Version          int     `json:"version"`
	FeaturestoreID   int64   `json:"featurestoreId"`
	FeaturestoreName string  `json:"featurestoreName"`
	EventTime        *string `json:"eventTime"`
	TimeTravelFormat string  `json:"timeTravelFormat,omitempty"`
}

// queryFeatureDTO is a feature of a query or a filter; the backend matches
// features by name, and filters by featureGroupId first.
type queryFeatureDTO struct {
	Name           string `json:"name"`
	Type           string `json:"type,omitempty"`
	FeatureGroupID int64  `json:"featureGroupId,omitempty"`
}

// filterLogicDTO is a node of a query's filter tree (FilterLogicDTO): each
// side holds a filter or a logic node; SINGLE holds only leftFilter.
type filterLogicDTO struct {
	Type        string          `json:"type"`
	LeftFilter  *filterDTO      `json:"leftFilter"`
	RightFilter *filterDTO      `json:"rightFilter"`
	LeftLogic   *filterLogicDTO `json:"leftLogic"`
	RightLogic  *filterLogicDTO `json:"rightLogic"`
}

// filterDTO is one condition (FilterDTO). Value is always a string, or
// null for IS NULL.
type filterDTO struct {
	Feature   queryFeatureDTO `json:"feature"`
	Condition string          `json:"condition"`
	Value     *string         `json:"value"`
}

// fsQueryDTO is the answer of the query constructor (FsQueryDTO).
type fsQueryDTO struct {
	Query        string `json:"query"`
	QueryOnline  string `json:"queryOnline"`
	PitQuery     string `json:"pitQuery"`
	PitQueryAsof string `json:"pitQueryAsof"`
	// HQSPayload and HQSPayloadSignature come from backends of version
	// 4.7 and later when asked with hqs=true: the Flight command, built
	// and signed by the backend.
	HQSPayload          string `json:"hqsPayload"`
	HQSPayloadSignature string `json:"hqsPayloadSignature"`
}

// sql returns the offline SQL a client-built Flight payload runs: the
// point-in-time query with ASOF joins if there is one, else the query.
func (q *fsQueryDTO) sql() string {
	if q.PitQueryAsof != "" {
		return q.PitQueryAsof
	}
	return q.Query
}

// missingParents starts the query the backend returns in place of SQL when
// parent feature groups are gone.
const missingParents = "Parent feature groups of the following features are not available anymore"

// newQuery builds the query model of a read of the features read of g,
// which is in the store st, with filter (may be nil) and limit (0: none).
func newQuery(g *groupInfo, st storeInfo, read []connector.Feature, filter *filterNode, limit int64) *queryDTO {
	storeName, storeID := groupStore(g, st)
	q := &queryDTO{
		FeatureStoreName: storeName,
		FeatureStoreID:   storeID,
		LeftFeatureGroup: queryGroupDTO{
			Type:             g.dto.Type,
			ID:               g.dto.ID,
			Name:             g.dto.Name,
			Version:          g.dto.Version,
			FeaturestoreID:   storeID,
			FeaturestoreName: storeName,
			TimeTravelFormat: g.dto.TimeTravelFormat,
		},
		LeftFeatures: make([]queryFeatureDTO, len(read)),
		Joins:        []joinDTO{},
		HiveEngine:   true,
	}
	if g.dto.EventTime != "" {
		et := g.dto.EventTime
		q.LeftFeatureGroup.EventTime = &et
	}
	for i, f := range read {
		q.LeftFeatures[i] = queryFeatureDTO{Name: f.Name, Type: f.Type, FeatureGroupID: g.dto.ID}
	}
	if filter != nil {
		q.Filter = filter.restLogic(g.dto.ID)
	}
	if limit > 0 {
		q.Limit = &limit
	}
	return q
}

// groupStore returns the name and id of the store of g, which is st, as
// the feature group's metadata gives them, else as the store's does.
func groupStore(g *groupInfo, st storeInfo) (name string, id int64) {
	name, id = g.dto.FeaturestoreName, g.dto.FeaturestoreID
	if name == "" {
		name = st.name
	}
	if id == 0 {
		id = st.id
	}
	return name, id
}

// restLogic returns the tree as the REST filter model, a root logic node.
func (n *filterNode) restLogic(fgID int64) *filterLogicDTO {
	if n.leaf != nil {
		return &filterLogicDTO{Type: logicSingle, LeftFilter: n.leaf.rest(fgID)}
	}
	l := &filterLogicDTO{Type: n.logic}
	if n.left.leaf != nil {
		l.LeftFilter = n.left.leaf.rest(fgID)
	} else {
		l.LeftLogic = n.left.restLogic(fgID)
	}
	if n.right.leaf != nil {
		l.RightFilter = n.right.leaf.rest(fgID)
	} else {
		l.RightLogic = n.right.restLogic(fgID)
	}
	return l
}

// rest returns the condition as a REST filter.
func (l *filterLeaf) rest(fgID int64) *filterDTO {
	f := &filterDTO{
		Feature:   queryFeatureDTO{Name: l.feature.Name, Type: l.feature.Type, FeatureGroupID: fgID},
		Condition: l.cond,
	}
	if !l.value.null {
		v := l.value.text
		f.Value = &v
	}
	return f
}

// constructQuery sends q to the query constructor and returns its answer.
// It asks for the backend-built Flight payload (hqs=true), which backends
// before 4.7 ignore, as they ignore the parameter.
func (c *Client) constructQuery(ctx context.Context, q *queryDTO) (*fsQueryDTO, error) {
	var res fsQueryDTO
	r := request{
		method: http.MethodPut,
		path:   []string{"project", c.projectID(), "featurestores", "query"},
		query:  url.Values{"hqs": {"true"}},
		body:   q,
	}
	if err := c.do(ctx, r, &res); err != nil {
		return nil, err
	}
	switch {
	case strings.HasPrefix(res.Query, missingParents):
		return nil, errors.New(res.Query)
	case res.HQSPayload == "" && strings.TrimSpace(res.sql()) == "":
		return nil, errors.New("the query constructor returned no SQL")
	}
	return &res, nil
}
