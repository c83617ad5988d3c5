package hopsworkstest

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hopsql/hopsql/connector/local"
)

// storeNames returns the featurestoreName of each element of a store list.
func storeNames(t *testing.T, list []any) []string {
	t.Helper()
	var out []string
	for _, v := range list {
		out = append(out, v.(map[string]any)["featurestoreName"].(string))
	}
	return out
}

func TestListFeatureStoresDefaultShares(t *testing.T) {
	s := start(t, Config{})
	// The demo store's project.json files share bank with fraud, which is
	// also the default of Config.Shares; local.Warehouse.Stores is the
	// oracle for what each project sees.
	w, err := local.Open(demoDir)
	require.NoError(t, err)
	for _, p := range warehouseProjects(t) {
		t.Run(p, func(t *testing.T) {
			want, err := w.Stores(context.Background(), p)
			require.NoError(t, err)
			key := s.NewAPIKey(p + UserSuffix)
			pid := projectID(t, s, key, p)
			for _, query := range []string{"", "?include_shared=true", "?include_shared=True"} {
				r := get(t, s, key, fmt.Sprintf("project/%d/featurestores%s", pid, query))
				require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
				list := r.array(t)
				var names []string
				for _, st := range want {
					names = append(names, st.Name())
				}
				assert.Equal(t, names, storeNames(t, list), query)
			}
			r := get(t, s, key, fmt.Sprintf("project/%d/featurestores?include_shared=false", pid))
			require.Equal(t, http.StatusOK, r.status)
			assert.Equal(t, []string{want[0].Name()}, storeNames(t, r.array(t)))
		})
	}
}

func TestFeatureStoreDTO(t *testing.T) {
	s := start(t, Config{})
	key := s.NewAPIKey("fraud_user")
	pid := projectID(t, s, key, "fraud")
	bankID := projectID(t, s, s.NewAPIKey(AdminUser), "bank")
	w, err := local.Open(demoDir)
	require.NoError(t, err)

	list := get(t, s, key, fmt.Sprintf("project/%d/featurestores", pid)).array(t)
	require.Len(t, list, 2)
	for _, v := range list {
		st := v.(map[string]any)
		owner := st["projectName"].(string)
		assert.Equal(t, owner+"_featurestore", st["featurestoreName"])
		assert.Equal(t, st["featurestoreName"], st["offlineFeaturestoreName"])
		assert.Equal(t, false, st["onlineEnabled"])
		assert.NotContains(t, st, "onlineFeaturestoreName", "absent without an online store")
		assert.NotContains(t, st, "mysqlServerEndpoint", "null fields are omitted")
		assert.NotContains(t, st, "type", "FeaturestoreDTO has no type")
		for _, k := range []string{"featurestoreId", "created", "projectId", "numFeatureGroups", "numTrainingDatasets", "numStorageConnectors", "numFeatureViews"} {
			assert.Contains(t, st, k)
		}
		fgs, err := w.FeatureGroups(context.Background(), owner)
		require.NoError(t, err)
		assert.EqualValues(t, len(fgs), st["numFeatureGroups"])
		if owner == "bank" {
			assert.EqualValues(t, bankID, st["projectId"], "a shared store carries its owner's project id")
		} else {
			assert.EqualValues(t, pid, st["projectId"])
		}
	}
	assert.NotEqual(t, list[0].(map[string]any)["featurestoreId"], list[1].(map[string]any)["featurestoreId"])
}

func TestGetFeatureStore(t *testing.T) {
	s := start(t, Config{})
	admin := s.NewAPIKey(AdminUser)
	ids := map[string]int{}
	for _, p := range warehouseProjects(t) {
		pid := projectID(t, s, admin, p)
		ids[p] = storeID(t, s, admin, pid, p+"_featurestore")
	}
	key := s.NewAPIKey("fraud_user")
	pid := projectID(t, s, key, "fraud")
	tests := []struct {
		name, fs  string
		wantStore string // "" for not found
	}{
		{"own by name", "fraud_featurestore", "fraud_featurestore"},
		{"own by id", fmt.Sprint(ids["fraud"]), "fraud_featurestore"},
		{"shared by name", "bank_featurestore", "bank_featurestore"},
		{"shared by id", fmt.Sprint(ids["bank"]), "bank_featurestore"},
		{"not shared, by name", "marketing_featurestore", ""},
		{"not shared, by id", fmt.Sprint(ids["marketing"]), ""},
		{"unknown name", "nosuch_featurestore", ""},
		{"unknown id", "999999", ""},
		{"project name without suffix", "fraud", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := get(t, s, key, fmt.Sprintf("project/%d/featurestores/%s", pid, tt.fs))
			if tt.wantStore == "" {
				body := r.requireError(t, http.StatusNotFound, 270008)
				assert.Equal(t, "Featurestore wasn't found.", body["errorMsg"])
				return
			}
			require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
			assert.Equal(t, tt.wantStore, r.object(t)["featurestoreName"])
		})
	}
	t.Run("unknown project", func(t *testing.T) {
		get(t, s, key, "project/1/featurestores/fraud_featurestore").requireError(t, http.StatusNotFound, 150004)
		get(t, s, key, "project/fraud/featurestores/fraud_featurestore").requireError(t, http.StatusNotFound, 150004)
	})
}

func TestCustomShares(t *testing.T) {
	s := start(t, Config{Shares: map[string][]string{"marketing": {"fraud", "bank"}}})
	tests := []struct {
		project string
		want    []string
	}{
		{"fraud", []string{"fraud_featurestore", "marketing_featurestore"}},
		{"bank", []string{"bank_featurestore", "marketing_featurestore"}},
		{"marketing", []string{"marketing_featurestore"}},
	}
	for _, tt := range tests {
		t.Run(tt.project, func(t *testing.T) {
			key := s.NewAPIKey(tt.project + UserSuffix)
			pid := projectID(t, s, key, tt.project)
			assert.Equal(t, tt.want, storeNames(t, get(t, s, key, fmt.Sprintf("project/%d/featurestores", pid)).array(t)))
		})
	}
	t.Run("bank is no longer shared with fraud", func(t *testing.T) {
		key := s.NewAPIKey("fraud_user")
		pid := projectID(t, s, key, "fraud")
		get(t, s, key, fmt.Sprintf("project/%d/featurestores/bank_featurestore", pid)).requireError(t, http.StatusNotFound, 270008)
	})
	t.Run("no sharing", func(t *testing.T) {
		n := start(t, Config{Shares: map[string][]string{}})
		key := n.NewAPIKey("fraud_user")
		pid := projectID(t, n, key, "fraud")
		assert.Equal(t, []string{"fraud_featurestore"}, storeNames(t, get(t, n, key, fmt.Sprintf("project/%d/featurestores", pid)).array(t)))
	})
	t.Run("unknown project in Shares", func(t *testing.T) {
		_, err := Start(context.Background(), Config{Warehouse: demoDir, Shares: map[string][]string{"nosuch": {"fraud"}}})
		assert.ErrorContains(t, err, "nosuch")
		_, err = Start(context.Background(), Config{Warehouse: demoDir, Shares: map[string][]string{"bank": {"nosuch"}}})
		assert.ErrorContains(t, err, "nosuch")
	})
}

func TestStartErrors(t *testing.T) {
	_, err := Start(context.Background(), Config{})
	assert.ErrorContains(t, err, "Warehouse")
	_, err = Start(context.Background(), Config{Warehouse: t.TempDir() + "/missing"})
	assert.Error(t, err)
}
