package hopsworkstest

import (
	"net/http"
	"strconv"
	"strings"
)

// Feature group DTO types: the "type" discriminator of the backend's
// polymorphic FeaturegroupDTO. The test server serves only cached feature
// groups.
const (
	cachedFeatureGroupType = "cachedFeaturegroupDTO"
	featureGroupListType   = "featuregroupDTO"
)

// timeTravelFormat is what every feature group reports: HUDI, which every
// client generation reads over Flight.
const timeTravelFormat = "HUDI"

// featureGroupDTO is the backend's CachedFeaturegroupDTO.
type featureGroupDTO struct {
	Type             string              `json:"type"`
	ID               int                 `json:"id"`
	Name             string              `json:"name"`
	Version          int                 `json:"version"`
	FeaturestoreID   int                 `json:"featurestoreId"`
	FeaturestoreName string              `json:"featurestoreName"`
	Description      string              `json:"description"`
	Created          string              `json:"created"`
	Creator          creatorDTO          `json:"creator"`
	Location         string              `json:"location"`
	StatisticsConfig statisticsConfigDTO `json:"statisticsConfig"`
	Features         []featureDTO        `json:"features,omitempty"`
	EventTime        string              `json:"eventTime,omitempty"`
	OnlineEnabled    bool                `json:"onlineEnabled"`
	Deprecated       bool                `json:"deprecated"`
	TimeTravelFormat string              `json:"timeTravelFormat"`
}

// creatorDTO is the feature group's creator as the backend shows it.
type creatorDTO struct {
	Email     string `json:"email"`
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
	Status    int    `json:"status"`
}

type statisticsConfigDTO struct {
	Enabled         bool     `json:"enabled"`
	Histograms      bool     `json:"histograms"`
	Correlations    bool     `json:"correlations"`
	ExactUniqueness bool     `json:"exactUniqueness"`
	Columns         []string `json:"columns"`
}

// featureDTO is the backend's FeatureGroupFeatureDTO.
type featureDTO struct {
	Name              string `json:"name"`
	Type              string `json:"type"`
	Description       string `json:"description,omitempty"`
	Primary           bool   `json:"primary"`
	Partition         bool   `json:"partition"`
	HudiPrecombineKey bool   `json:"hudiPrecombineKey"`
	FeatureGroupID    int    `json:"featureGroupId"`
}

// featureGroupsDTO is the collection GET .../featuregroups returns; items
// is absent when empty.
type featureGroupsDTO struct {
	Type  string            `json:"type"`
	Href  string            `json:"href"`
	Items []featureGroupDTO `json:"items,omitempty"`
	Count int               `json:"count"`
}

// newFeatureGroupDTO describes fg, with its features if withFeatures.
func newFeatureGroupDTO(fg *featureGroup, withFeatures bool) featureGroupDTO {
	st := fg.store
	dto := featureGroupDTO{
		Type:             cachedFeatureGroupType,
		ID:               fg.id,
		Name:             fg.meta.Name,
		Version:          fg.meta.Version,
		FeaturestoreID:   st.id,
		FeaturestoreName: st.name(),
		Description:      fg.meta.Description,
		Created:          formatTime(fg.created()),
		Creator:          creatorDTO{Email: st.project.owner.email(), FirstName: st.project.owner.username, LastName: "Hopsworks"},
		Location:         "hopsfs://namenode.service.consul:8020/apps/hive/warehouse/" + st.name() + ".db/" + fg.meta.TableName(),
		StatisticsConfig: statisticsConfigDTO{Enabled: true, Columns: []string{}},
		EventTime:        fg.meta.EventTime,
		TimeTravelFormat: timeTravelFormat,
	}
	if withFeatures {
		dto.Features = featureDTOs(fg)
	}
	return dto
}

// featureDTOs describes the features of fg. The first primary key feature
// is the HUDI precombine key, as the backend chooses it by default.
func featureDTOs(fg *featureGroup) []featureDTO {
	out := make([]featureDTO, len(fg.meta.Features))
	precombine := ""
	if len(fg.meta.PrimaryKey) > 0 {
		precombine = fg.meta.PrimaryKey[0]
	}
	for i, f := range fg.meta.Features {
		out[i] = featureDTO{
			Name:              f.Name,
			Type:              f.Type,
			Description:       f.Description,
			Primary:           f.Primary,
			HudiPrecombineKey: f.Name == precombine,
			FeatureGroupID:    fg.id,
		}
	}
	return out
}

// listFeatureGroups serves GET .../featurestores/{fs}/featuregroups.
func (s *Server) listFeatureGroups(c *call) (any, *apiError) {
	st, aerr := s.readableStore(c)
	if aerr != nil {
		return nil, aerr
	}
	params, aerr := parseListParams(c.r.URL.Query())
	if aerr != nil {
		return nil, aerr
	}
	groups := params.apply(st.groups)
	out := featureGroupsDTO{Type: featureGroupListType, Href: s.URL() + c.r.URL.Path, Count: len(groups)}
	for _, fg := range params.page(groups) {
		out.Items = append(out.Items, newFeatureGroupDTO(fg, params.features))
	}
	return out, nil
}

// getFeatureGroupByName serves GET .../featuregroups/{name}[?version=]: a
// JSON array of every version of the feature group, or of the one asked
// for.
func (s *Server) getFeatureGroupByName(c *call) (any, *apiError) {
	st, aerr := s.readableStore(c)
	if aerr != nil {
		return nil, aerr
	}
	name := c.params["fg"]
	version := 0
	if v := c.r.URL.Query().Get("version"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return nil, webError(http.StatusNotFound)
		}
		version = n
	}
	out := []featureGroupDTO{}
	for _, fg := range st.groups {
		if fg.meta.Name == name && (version == 0 || fg.meta.Version == version) {
			out = append(out, newFeatureGroupDTO(fg, true))
		}
	}
	if len(out) > 0 {
		return out, nil
	}
	if version == 0 {
		return nil, newError(errIllegalArgument, "Could not find feature group with name: %s in feature store: %s", name, st.name())
	}
	return nil, newError(errFeatureGroupNotFound, "feature group name: %s feature group version: %d", name, version)
}

// getFeatureGroupByID serves GET .../featuregroups/{id}.
func (s *Server) getFeatureGroupByID(c *call) (any, *apiError) {
	st, aerr := s.readableStore(c)
	if aerr != nil {
		return nil, aerr
	}
	id, err := strconv.Atoi(c.params["fg"])
	if err == nil {
		if fg := s.cat.fgByID[id]; fg != nil && fg.store == st {
			return newFeatureGroupDTO(fg, true), nil
		}
	}
	return nil, newError(errFeatureGroupNotFound, "featuregroupId: %s", c.params["fg"])
}

// expandValues returns the values of the repeatable parameter name, each
// also split on commas.
func expandValues(values []string) []string {
	var out []string
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	return out
}
