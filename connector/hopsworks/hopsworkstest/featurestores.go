package hopsworkstest

import (
	"net/http"
	"strconv"
	"strings"
)

// featureStoreDTO is the backend's FeaturestoreDTO. The server has no
// online feature store, so onlineEnabled is false and
// onlineFeaturestoreName is absent.
type featureStoreDTO struct {
	FeaturestoreID          int    `json:"featurestoreId"`
	FeaturestoreName        string `json:"featurestoreName"`
	OfflineFeaturestoreName string `json:"offlineFeaturestoreName"`
	OnlineEnabled           bool   `json:"onlineEnabled"`
	Created                 string `json:"created"`
	ProjectName             string `json:"projectName"`
	ProjectID               int    `json:"projectId"`
	NumFeatureGroups        int    `json:"numFeatureGroups"`
	NumTrainingDatasets     int    `json:"numTrainingDatasets"`
	NumStorageConnectors    int    `json:"numStorageConnectors"`
	NumFeatureViews         int    `json:"numFeatureViews"`
}

func newFeatureStoreDTO(st *store) featureStoreDTO {
	return featureStoreDTO{
		FeaturestoreID:          st.id,
		FeaturestoreName:        st.name(),
		OfflineFeaturestoreName: st.name(),
		Created:                 formatTime(createdBase),
		ProjectName:             st.project.name,
		ProjectID:               st.project.id,
		NumFeatureGroups:        len(st.groups),
	}
}

// listFeatureStores serves GET project/{projectId}/featurestores: the
// project's own store and, unless include_shared is false, the stores
// shared with it. It is a JSON array, not a collection.
func (s *Server) listFeatureStores(c *call) (any, *apiError) {
	includeShared := true
	if v := c.r.URL.Query().Get("include_shared"); v != "" {
		b, err := strconv.ParseBool(strings.ToLower(v))
		if err != nil {
			return nil, webError(http.StatusNotFound)
		}
		includeShared = b
	}
	stores := []*store{c.proj.store}
	if includeShared {
		stores = s.cat.readableStores(c.proj)
	}
	out := make([]featureStoreDTO, len(stores))
	for i, st := range stores {
		out[i] = newFeatureStoreDTO(st)
	}
	return out, nil
}

// getFeatureStore serves GET project/{projectId}/featurestores/{id or
// name}: a store the project may read, else 404 with code 270008.
func (s *Server) getFeatureStore(c *call) (any, *apiError) {
	st, aerr := s.readableStore(c)
	if aerr != nil {
		return nil, aerr
	}
	return newFeatureStoreDTO(st), nil
}

// readableStore resolves the {fs} path parameter, an id or a name, among
// the stores the call's project may read.
func (s *Server) readableStore(c *call) (*store, *apiError) {
	fs := c.params["fs"]
	id, err := strconv.Atoi(fs)
	for _, st := range s.cat.readableStores(c.proj) {
		if err == nil && st.id == id || err != nil && st.name() == fs {
			return st, nil
		}
	}
	if err == nil {
		return nil, newError(errFeatureStoreNotFound, "featurestoreId: %d", id)
	}
	return nil, newError(errFeatureStoreNotFound, "featurestoreName: %s", fs)
}
