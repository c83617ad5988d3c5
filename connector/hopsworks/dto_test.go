package hopsworks

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hopsql/hopsql/connector"
)

// fixture returns the payload ("response") of case name in the fixture
// file testdata/file.
func fixture(t *testing.T, file, name string) json.RawMessage {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", file))
	require.NoError(t, err)
	var cases map[string]struct {
		Response json.RawMessage `json:"response"`
	}
	require.NoError(t, json.Unmarshal(data, &cases))
	c, ok := cases[name]
	require.True(t, ok, "%s has no case %s", file, name)
	return c.Response
}

// rawFields decodes a JSON object into its fields.
func rawFields(t *testing.T, data []byte) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(data, &m))
	return m
}

func TestDecodeFeatureGroupFixtures(t *testing.T) {
	tests := []struct {
		name     string
		file     string
		kind     string
		listable bool
	}{
		{"get", "feature_group_fixtures.json", kindCached, true},
		{"get_stream", "feature_group_fixtures.json", kindStream, true},
		{"get_external_snowflake", "feature_group_fixtures.json", kindExternal, true},
		{"get", "external_feature_group_fixtures.json", kindExternal, true},
		{"get", "spine_group_fixtures.json", "", false},
		{"get_basic_info_no_features", "feature_group_fixtures.json", kindCached, false},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+tt.name, func(t *testing.T) {
			raw := fixture(t, tt.file, tt.name)
			var d featureGroupDTO
			require.NoError(t, json.Unmarshal(raw, &d))
			// The oracle is the fixture itself, read generically.
			m := rawFields(t, raw)
			assert.Equal(t, m["type"], d.Type)
			assert.EqualValues(t, m["id"], d.ID)
			assert.Equal(t, m["name"], d.Name)
			assert.EqualValues(t, m["version"], d.Version)
			assert.EqualValues(t, m["featurestoreId"], d.FeaturestoreID)
			features, _ := m["features"].([]any)
			require.Len(t, d.Features, len(features))

			g, err := groupFromDTO("test", d)
			if !tt.listable {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.kind, g.kind)
			fg := g.fg
			assert.Equal(t, "test", fg.Project)
			assert.Equal(t, strings.ToLower(d.Name), fg.Name)
			assert.Equal(t, d.Version, fg.Version)
			assert.Equal(t, d.Description, fg.Description)
			if et, ok := m["eventTime"].(string); ok {
				assert.Equal(t, et, fg.EventTime)
			} else {
				assert.Empty(t, fg.EventTime)
			}
			var pk []string
			for i, f := range features {
				fm := f.(map[string]any)
				got := fg.Features[i]
				assert.Equal(t, fm["name"], got.Name)
				assert.Equal(t, fm["type"], got.Type)
				want, err := connector.ParseType(fm["type"].(string))
				require.NoError(t, err)
				assert.True(t, arrow.TypeEqual(want, got.DataType), "%s: %s vs %s", got.Name, want, got.DataType)
				primary, _ := fm["primary"].(bool)
				assert.Equal(t, primary, got.Primary)
				if primary {
					pk = append(pk, got.Name)
				}
			}
			assert.Equal(t, pk, fg.PrimaryKey)
		})
	}
}

func TestExternalConnectorType(t *testing.T) {
	for _, tt := range []struct{ file, name, want string }{
		{"feature_group_fixtures.json", "get_external_snowflake", "SNOWFLAKE"},
		{"external_feature_group_fixtures.json", "get", "JDBC"},
		{"feature_group_fixtures.json", "get", ""},
	} {
		var d featureGroupDTO
		require.NoError(t, json.Unmarshal(fixture(t, tt.file, tt.name), &d))
		assert.Equal(t, tt.want, d.connectorType(), tt.file+"/"+tt.name)
	}
	// The older layout, with the connector at the top level.
	var d featureGroupDTO
	require.NoError(t, json.Unmarshal([]byte(`{"type":"onDemandFeaturegroupDTO","storageConnector":{"type":"featurestoreJdbcConnectorDTO","id":2,"name":"c","storageConnectorType":"JDBC"},"query":"select 1"}`), &d))
	assert.Equal(t, "JDBC", d.connectorType())
}

func TestDecodeFeatureGroupList(t *testing.T) {
	// get_list is a JSON array, the answer of GET .../featuregroups/{name}.
	var list []featureGroupDTO
	require.NoError(t, json.Unmarshal(fixture(t, "feature_group_fixtures.json", "get_stream_list"), &list))
	require.Len(t, list, 1)
	assert.Equal(t, typeStreamFeatureGroup, list[0].Type)
}

func TestDecodeCollectionWithoutItems(t *testing.T) {
	// An empty collection: the backend omits null items.
	var res collectionDTO[featureGroupDTO]
	require.NoError(t, json.Unmarshal([]byte(`{"type":"featuregroupDTO","href":"https://h/hopsworks-api/api/project/1/featurestores/2/featuregroups","count":0}`), &res))
	assert.Nil(t, res.Items)
	assert.Zero(t, res.Count)
	assert.Empty(t, groupsFromDTOs("p", res.Items, t.Logf))

	require.NoError(t, json.Unmarshal([]byte(`{"items":[{"type":"cachedFeaturegroupDTO","id":1,"name":"a","version":1,"features":[{"name":"x","type":"int","primary":true}]}],"count":1}`), &res))
	require.Len(t, res.Items, 1)
	assert.EqualValues(t, 1, res.Count)
}

// camelize turns the snake_case keys the Python client's fixtures use back
// into the backend's camelCase (the inverse of humps.decamelize, which the
// client applies to every answer).
func camelize(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			parts := strings.Split(k, "_")
			for i := 1; i < len(parts); i++ {
				r := []rune(parts[i])
				if len(r) > 0 {
					r[0] = unicode.ToUpper(r[0])
				}
				parts[i] = string(r)
			}
			out[strings.Join(parts, "")] = camelize(x)
		}
		return out
	case []any:
		for i := range v {
			v[i] = camelize(v[i])
		}
	}
	return v
}

func TestDecodeFeatureStoreFixture(t *testing.T) {
	raw := fixture(t, "feature_store_fixtures.json", "get")
	m := rawFields(t, raw)
	camel, err := json.Marshal(camelize(m))
	require.NoError(t, err)
	var d featureStoreDTO
	require.NoError(t, json.Unmarshal(camel, &d))
	assert.EqualValues(t, m["featurestore_id"], d.FeaturestoreID)
	assert.Equal(t, m["featurestore_name"], d.FeaturestoreName)
	assert.Equal(t, m["project_name"], d.ProjectName)
	assert.EqualValues(t, m["project_id"], d.ProjectID)
	assert.Equal(t, m["online_featurestore_name"], d.OnlineFeaturestoreName)
	assert.EqualValues(t, m["num_feature_groups"], d.NumFeatureGroups)
	assert.Equal(t, m["online_enabled"], d.OnlineEnabled)

	// As the only store listed for its own project, it is the own store.
	p := projectDTO{ProjectID: d.ProjectID, ProjectName: d.ProjectName, Description: "own"}
	stores, err := storesFromDTOs(p, []featureStoreDTO{d})
	require.NoError(t, err)
	require.Len(t, stores, 1)
	assert.Equal(t, connector.Store{Project: strings.ToLower(d.ProjectName), Description: "own"}, stores[0].store)
	assert.Equal(t, d.FeaturestoreID, stores[0].id)
}

func TestStoresFromDTOs(t *testing.T) {
	fraud := projectDTO{ProjectID: 7, ProjectName: "Fraud", Description: "fraud desc"}
	list := []featureStoreDTO{
		{FeaturestoreID: 30, FeaturestoreName: "marketing_featurestore", ProjectName: "Marketing", ProjectID: 9},
		{FeaturestoreID: 20, FeaturestoreName: "bank_featurestore", ProjectName: "bank", ProjectID: 8, Description: "legacy"},
		{FeaturestoreID: 10, FeaturestoreName: "fraud_featurestore", ProjectName: "Fraud", ProjectID: 7},
		{FeaturestoreID: 20, FeaturestoreName: "bank_featurestore", ProjectName: "bank", ProjectID: 8},
	}
	got, err := storesFromDTOs(fraud, list)
	require.NoError(t, err)
	want := []storeInfo{
		{store: connector.Store{Project: "fraud", Description: "fraud desc"}, id: 10, name: "fraud_featurestore"},
		{store: connector.Store{Project: "bank", Shared: true, Description: "legacy"}, id: 20, name: "bank_featurestore"},
		{store: connector.Store{Project: "marketing", Shared: true}, id: 30, name: "marketing_featurestore"},
	}
	assert.Equal(t, want, got, "own first, shared by owner, duplicates dropped")

	_, err = storesFromDTOs(fraud, list[:2])
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not the project's own store fraud_featurestore")

	_, err = storesFromDTOs(fraud, nil)
	require.Error(t, err)
}

func TestGroupsFromDTOs(t *testing.T) {
	feat := func(name, typ string, primary bool) featureDTO {
		return featureDTO{Name: name, Type: typ, Primary: primary}
	}
	dtos := []featureGroupDTO{
		{Type: typeCachedFeaturegroupDTO(), ID: 3, Name: "b", Version: 2, Features: []featureDTO{feat("id", "bigint", true)}},
		{Type: typeStreamFeatureGroup, ID: 2, Name: "B", Version: 1, Features: []featureDTO{feat("ID", "BIGINT", true), feat("ts", "timestamp", false)}, EventTime: "TS"},
		{Type: typeCachedFeatureGroup, ID: 1, Name: "a", Version: 1, Features: []featureDTO{feat("k1", "int", true), feat("v", "decimal(12,2)", false), feat("k2", "string", true)}},
		{Type: typeOnDemandFeatureGroup, ID: 4, Name: "spine", Version: 1, Spine: true, Features: []featureDTO{feat("id", "bigint", true)}},
		{Type: "trainingDatasetDTO", ID: 5, Name: "odd", Version: 1, Features: []featureDTO{feat("id", "bigint", true)}},
		{Type: typeCachedFeatureGroup, ID: 6, Name: "badtype", Version: 1, Features: []featureDTO{feat("m", "map<string,int>", false)}},
		{Type: typeCachedFeatureGroup, ID: 7, Name: "a", Version: 1, Features: []featureDTO{feat("x", "int", false)}},
		{Type: typeCachedFeatureGroup, ID: 8, Name: "noevent", Version: 1, EventTime: "missing", Features: []featureDTO{feat("x", "int", false)}},
		{Type: typeCachedFeatureGroup, ID: 9, Name: "nofeatures", Version: 1},
		{Type: typeCachedFeatureGroup, ID: 10, Name: "v0", Version: 0, Features: []featureDTO{feat("x", "int", false)}},
	}
	var logged []string
	logf := func(format string, args ...any) { logged = append(logged, format) }
	groups := groupsFromDTOs("bank", dtos, logf)
	var names []string
	for _, g := range groups {
		names = append(names, g.fg.QualifiedName())
	}
	assert.Equal(t, []string{"bank::a_1", "bank::b_1", "bank::b_2"}, names)
	assert.Len(t, logged, len(dtos)-3, "each left-out feature group is logged")

	a := groups[0].fg
	assert.Equal(t, []string{"k1", "k2"}, a.PrimaryKey, "primary key in feature order")
	assert.Equal(t, "decimal(12,2)", a.Features[1].Type)
	b1 := groups[1].fg
	assert.Equal(t, "ts", b1.EventTime)
	assert.Equal(t, "bigint", b1.Features[0].Type, "types are lower-cased")
	assert.Equal(t, "id", b1.Features[0].Name, "names are lower-cased")
	assert.Equal(t, kindStream, groups[1].kind)
}

// typeCachedFeaturegroupDTO returns the cached type, spelled as the
// backend spells it (a lower-case g), to catch a typo in the constant.
func typeCachedFeaturegroupDTO() string { return "cachedFeaturegroupDTO" }

func TestLatestVersion(t *testing.T) {
	mk := func(name string, v int) groupInfo {
		return groupInfo{fg: &connector.FeatureGroup{Project: "bank", Name: name, Version: v}}
	}
	groups := []groupInfo{mk("a", 1), mk("a", 3), mk("a", 2), mk("b", 1)}
	v, err := latestVersion(groups, "bank", "A")
	require.NoError(t, err)
	assert.Equal(t, 3, v)
	_, err = latestVersion(groups, "bank", "c")
	assert.ErrorIs(t, err, connector.ErrNotFound)
}
