package hopsworks

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// These tests cover listing behaviours of backends other than
// hopsworkstest: one that ignores expand=features, and one that ignores
// offset.

func fgJSON(id int, name string, version int, withFeatures bool) map[string]any {
	fg := map[string]any{"type": typeCachedFeatureGroup, "id": id, "name": name, "version": version, "featurestoreId": 2}
	if withFeatures {
		fg["features"] = []map[string]any{{"name": "id", "type": "bigint", "primary": true}, {"name": "v", "type": "double"}}
	}
	return fg
}

func boundRESTClient(t *testing.T, h http.Handler) *Client {
	srv := httptest.NewTLSServer(h)
	t.Cleanup(srv.Close)
	c, _ := restClient(t, srv, nil)
	c.project = projectDTO{ProjectID: 7, ProjectName: "fraud"}
	return c
}

func TestListFeatureGroupsWithoutExpand(t *testing.T) {
	var byName atomic.Int32
	c := boundRESTClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		const list = "/hopsworks-api/api/project/7/featurestores/2/featuregroups"
		switch {
		case r.URL.Path == list:
			json.NewEncoder(w).Encode(map[string]any{"items": []any{fgJSON(1, "a", 1, false), fgJSON(2, "a", 2, false)}, "count": 2})
		case strings.HasPrefix(r.URL.Path, list+"/"):
			byName.Add(1)
			name := strings.TrimPrefix(r.URL.Path, list+"/")
			var v int
			fmt.Sscan(r.URL.Query().Get("version"), &v)
			json.NewEncoder(w).Encode([]any{fgJSON(v, name, v, true)})
		default:
			http.NotFound(w, r)
		}
	}))
	dtos, err := c.listFeatureGroups(context.Background(), 2)
	require.NoError(t, err)
	require.Len(t, dtos, 2)
	assert.EqualValues(t, 2, byName.Load(), "each feature group without features is fetched by name and version")
	groups := groupsFromDTOs("fraud", dtos, t.Logf)
	require.Len(t, groups, 2)
	for _, g := range groups {
		assert.Equal(t, []string{"id"}, g.fg.PrimaryKey)
		assert.Len(t, g.fg.Features, 2)
	}
}

func TestListFeatureGroupsIgnoredOffset(t *testing.T) {
	var pages atomic.Int32
	c := boundRESTClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pages.Add(1)
		// Always the same full page, and no count.
		json.NewEncoder(w).Encode(map[string]any{"items": []any{fgJSON(1, "a", 1, true), fgJSON(2, "b", 1, true)}})
	}))
	c.page = 2
	dtos, err := c.listFeatureGroups(context.Background(), 2)
	require.NoError(t, err)
	assert.Len(t, dtos, 2, "duplicates are dropped")
	assert.EqualValues(t, 2, pages.Load(), "a page with nothing new ends the listing")
}

func TestListFeatureGroupsEmpty(t *testing.T) {
	c := boundRESTClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, []string{"features"}, r.URL.Query()["expand"])
		assert.Equal(t, "0", r.URL.Query().Get("offset"))
		fmt.Fprint(w, `{"type":"featuregroupDTO","href":"x","count":0}`)
	}))
	dtos, err := c.listFeatureGroups(context.Background(), 2)
	require.NoError(t, err)
	assert.Empty(t, dtos)
}
