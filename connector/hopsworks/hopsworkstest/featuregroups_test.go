package hopsworkstest

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hopsql/hopsql/connector"
	"github.com/hopsql/hopsql/connector/local"
)

// groupsOf reads the feature groups of a demo project with connector/local,
// the oracle of the feature group endpoints.
func groupsOf(t *testing.T, project string) []*connector.FeatureGroup {
	t.Helper()
	w, err := local.Open(demoDir)
	require.NoError(t, err)
	fgs, err := w.FeatureGroups(context.Background(), project)
	require.NoError(t, err)
	return fgs
}

// tables returns "<name>_<version>" of each item of a feature group list.
func tables(t *testing.T, items []any) []string {
	t.Helper()
	var out []string
	for _, v := range items {
		m := v.(map[string]any)
		out = append(out, fmt.Sprintf("%s_%d", m["name"], int(m["version"].(float64))))
	}
	return out
}

// fgFixture is a session of fraud_user with the ids it needs.
type fgFixture struct {
	s               *Server
	key             string
	pid             int
	fraudFS, bankFS int
	marketingFS     int
}

func newFGFixture(t *testing.T) fgFixture {
	s := start(t, Config{})
	admin := s.NewAPIKey(AdminUser)
	f := fgFixture{s: s, key: s.NewAPIKey("fraud_user")}
	f.pid = projectID(t, s, f.key, "fraud")
	f.fraudFS = storeID(t, s, f.key, f.pid, "fraud_featurestore")
	f.bankFS = storeID(t, s, f.key, f.pid, "bank_featurestore")
	mpid := projectID(t, s, admin, "marketing")
	f.marketingFS = storeID(t, s, admin, mpid, "marketing_featurestore")
	return f
}

func (f fgFixture) path(fsid int, rest string) string {
	return fmt.Sprintf("project/%d/featurestores/%d/featuregroups%s", f.pid, fsid, rest)
}

func TestListFeatureGroups(t *testing.T) {
	f := newFGFixture(t)
	for _, tt := range []struct {
		owner string
		fsid  int
	}{{"fraud", f.fraudFS}, {"bank", f.bankFS}} {
		t.Run(tt.owner, func(t *testing.T) {
			want := groupsOf(t, tt.owner)
			r := get(t, f.s, f.key, f.path(tt.fsid, ""))
			require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
			body := r.object(t)
			assert.EqualValues(t, len(want), body["count"])
			assert.Equal(t, "featuregroupDTO", body["type"])
			assert.Contains(t, body["href"], f.path(tt.fsid, ""))
			items := body["items"].([]any)
			var names []string
			for _, fg := range want {
				names = append(names, fg.TableName())
			}
			assert.Equal(t, names, tables(t, items))
			for _, it := range items {
				assert.NotContains(t, it, "features", "features only with expand=features")
				assert.Equal(t, "cachedFeaturegroupDTO", it.(map[string]any)["type"])
				assert.EqualValues(t, tt.fsid, it.(map[string]any)["featurestoreId"])
				assert.Equal(t, tt.owner+"_featurestore", it.(map[string]any)["featurestoreName"])
			}
		})
	}
	t.Run("store not shared", func(t *testing.T) {
		get(t, f.s, f.key, f.path(f.marketingFS, "")).requireError(t, http.StatusNotFound, 270008)
	})
}

func TestFeatureGroupFeatures(t *testing.T) {
	f := newFGFixture(t)
	want := map[string]*connector.FeatureGroup{}
	for _, fg := range groupsOf(t, "bank") {
		want[fg.TableName()] = fg
	}
	for _, expand := range []string{"?expand=features", "?expand=features&expand=expectationsuite", "?expand=features,expectationsuite"} {
		items := get(t, f.s, f.key, f.path(f.bankFS, expand)).object(t)["items"].([]any)
		require.Len(t, items, len(want), expand)
		for _, it := range items {
			checkFeatureGroup(t, it.(map[string]any), want)
		}
	}
}

// checkFeatureGroup compares a feature group DTO with its featuregroup.json.
func checkFeatureGroup(t *testing.T, dto map[string]any, want map[string]*connector.FeatureGroup) {
	t.Helper()
	table := fmt.Sprintf("%s_%d", dto["name"], int(dto["version"].(float64)))
	fg := want[table]
	require.NotNil(t, fg, "unexpected feature group %s", table)
	assert.Equal(t, fg.Description, dto["description"])
	if fg.EventTime == "" {
		assert.NotContains(t, dto, "eventTime", table)
	} else {
		assert.Equal(t, fg.EventTime, dto["eventTime"], table)
	}
	assert.Equal(t, "HUDI", dto["timeTravelFormat"])
	assert.Contains(t, dto["location"], "/"+table)
	features := dto["features"].([]any)
	require.Len(t, features, len(fg.Features), table)
	for i, v := range features {
		got := v.(map[string]any)
		ff := fg.Features[i]
		assert.Equal(t, ff.Name, got["name"], table)
		assert.Equal(t, ff.Type, got["type"], "%s.%s: the Hive type of featuregroup.json", table, ff.Name)
		assert.Equal(t, ff.Primary, got["primary"], "%s.%s", table, ff.Name)
		assert.Equal(t, false, got["partition"])
		assert.Equal(t, dto["id"], got["featureGroupId"])
		if ff.Description != "" {
			assert.Equal(t, ff.Description, got["description"])
		}
		assert.NotContains(t, got, "defaultValue", "null defaultValue is omitted")
	}
}

func TestFeatureGroupPaging(t *testing.T) {
	f := newFGFixture(t)
	all := tables(t, get(t, f.s, f.key, f.path(f.bankFS, "")).object(t)["items"].([]any))
	require.Len(t, all, 3)
	for limit := 1; limit <= 4; limit++ {
		var got []string
		for offset := 0; offset < len(all)+1; offset += limit {
			body := get(t, f.s, f.key, f.path(f.bankFS, fmt.Sprintf("?offset=%d&limit=%d", offset, limit))).object(t)
			assert.EqualValues(t, len(all), body["count"], "count is the total, not the page")
			if items, ok := body["items"].([]any); ok {
				assert.LessOrEqual(t, len(items), limit)
				got = append(got, tables(t, items)...)
			}
		}
		assert.Equal(t, all, got, "limit %d", limit)
	}
	t.Run("past the end", func(t *testing.T) {
		body := get(t, f.s, f.key, f.path(f.bankFS, "?offset=10")).object(t)
		assert.NotContains(t, body, "items", "items is absent when empty")
		assert.EqualValues(t, 3, body["count"])
	})
	t.Run("empty collection", func(t *testing.T) {
		body := get(t, f.s, f.key, f.path(f.bankFS, "?filter_by=name:nosuch")).object(t)
		assert.NotContains(t, body, "items")
		assert.EqualValues(t, 0, body["count"])
	})
	for _, bad := range []string{"?offset=-1", "?limit=x", "?sort_by=size", "?sort_by=name:up", "?filter_by=owner:me", "?filter_by=version:x"} {
		t.Run(bad, func(t *testing.T) {
			get(t, f.s, f.key, f.path(f.bankFS, bad)).requireError(t, http.StatusNotFound, 120004)
		})
	}
}

func TestFeatureGroupFilterAndSort(t *testing.T) {
	f := newFGFixture(t)
	want := groupsOf(t, "bank")
	latest := map[string]int{}
	for _, fg := range want {
		latest[fg.Name] = max(latest[fg.Name], fg.Version)
	}
	pick := func(keep func(fg *connector.FeatureGroup) bool) []string {
		var out []string
		for _, fg := range want {
			if keep(fg) {
				out = append(out, fg.TableName())
			}
		}
		return out
	}
	tests := []struct {
		query string
		want  []string
	}{
		{"?filter_by=latest_version", pick(func(fg *connector.FeatureGroup) bool { return fg.Version == latest[fg.Name] })},
		{"?filter_by=name:customers", pick(func(fg *connector.FeatureGroup) bool { return fg.Name == "customers" })},
		{"?filter_by=name:customers&filter_by=latest_version", pick(func(fg *connector.FeatureGroup) bool {
			return fg.Name == "customers" && fg.Version == latest[fg.Name]
		})},
		{"?filter_by=version:1", pick(func(fg *connector.FeatureGroup) bool { return fg.Version == 1 })},
		{"?filter_by=name_like:CUST", pick(func(fg *connector.FeatureGroup) bool { return fg.Name == "customers" })},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			require.NotEmpty(t, tt.want)
			items := get(t, f.s, f.key, f.path(f.bankFS, tt.query)).object(t)["items"].([]any)
			assert.Equal(t, tt.want, tables(t, items))
		})
	}
	t.Run("sort", func(t *testing.T) {
		byNameDesc := pick(func(*connector.FeatureGroup) bool { return true })
		sort.SliceStable(byNameDesc, func(i, j int) bool { return byNameDesc[i] > byNameDesc[j] })
		items := get(t, f.s, f.key, f.path(f.bankFS, "?sort_by=name:desc,version:desc")).object(t)["items"].([]any)
		assert.Equal(t, byNameDesc, tables(t, items))
		byVersion := append([]*connector.FeatureGroup(nil), want...)
		sort.SliceStable(byVersion, func(i, j int) bool {
			if byVersion[i].Version != byVersion[j].Version {
				return byVersion[i].Version > byVersion[j].Version
			}
			return byVersion[i].Name < byVersion[j].Name
		})
		var wantOrder []string
		for _, fg := range byVersion {
			wantOrder = append(wantOrder, fg.TableName())
		}
		items = get(t, f.s, f.key, f.path(f.bankFS, "?sort_by=version:desc&sort_by=name:asc")).object(t)["items"].([]any)
		assert.Equal(t, wantOrder, tables(t, items))
	})
}

func TestGetFeatureGroupByName(t *testing.T) {
	f := newFGFixture(t)
	want := map[string]*connector.FeatureGroup{}
	for _, fg := range groupsOf(t, "bank") {
		want[fg.TableName()] = fg
	}
	t.Run("all versions", func(t *testing.T) {
		r := get(t, f.s, f.key, f.path(f.bankFS, "/customers"))
		require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
		arr := r.array(t)
		assert.Equal(t, []string{"customers_1", "customers_2"}, tables(t, arr))
		for _, v := range arr {
			checkFeatureGroup(t, v.(map[string]any), want)
		}
	})
	t.Run("one version", func(t *testing.T) {
		r := get(t, f.s, f.key, f.path(f.bankFS, "/customers?version=2"))
		require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
		arr := r.array(t)
		assert.Equal(t, []string{"customers_2"}, tables(t, arr), "a JSON array even for one version")
		checkFeatureGroup(t, arr[0].(map[string]any), want)
	})
	t.Run("unknown version", func(t *testing.T) {
		body := get(t, f.s, f.key, f.path(f.bankFS, "/customers?version=9")).requireError(t, http.StatusNotFound, 270009)
		assert.Equal(t, "Featuregroup wasn't found.", body["errorMsg"])
	})
	t.Run("unknown name without version", func(t *testing.T) {
		get(t, f.s, f.key, f.path(f.bankFS, "/nosuch")).requireError(t, http.StatusUnprocessableEntity, 120001)
	})
	t.Run("unknown name with version", func(t *testing.T) {
		get(t, f.s, f.key, f.path(f.bankFS, "/nosuch?version=1")).requireError(t, http.StatusNotFound, 270009)
	})
	t.Run("in another store", func(t *testing.T) {
		get(t, f.s, f.key, f.path(f.fraudFS, "/customers?version=1")).requireError(t, http.StatusNotFound, 270009)
	})
	t.Run("store not shared", func(t *testing.T) {
		get(t, f.s, f.key, f.path(f.marketingFS, "/campaigns?version=1")).requireError(t, http.StatusNotFound, 270008)
	})
}

func TestGetFeatureGroupByID(t *testing.T) {
	f := newFGFixture(t)
	id := groupID(t, f.s, f.key, f.pid, f.bankFS, "merchants", 1)
	r := get(t, f.s, f.key, f.path(f.bankFS, fmt.Sprintf("/%d", id)))
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
	want := map[string]*connector.FeatureGroup{}
	for _, fg := range groupsOf(t, "bank") {
		want[fg.TableName()] = fg
	}
	checkFeatureGroup(t, r.object(t), want)
	get(t, f.s, f.key, f.path(f.fraudFS, fmt.Sprintf("/%d", id))).requireError(t, http.StatusNotFound, 270009)
	get(t, f.s, f.key, f.path(f.bankFS, "/99999999")).requireError(t, http.StatusNotFound, 270009)
}

func TestFeatureGroupIDsAreDeterministic(t *testing.T) {
	a, b := newFGFixture(t), newFGFixture(t)
	ia := get(t, a.s, a.key, a.path(a.bankFS, "")).object(t)["items"].([]any)
	ib := get(t, b.s, b.key, b.path(b.bankFS, "")).object(t)["items"].([]any)
	require.Len(t, ib, len(ia))
	seen := map[any]bool{}
	for i := range ia {
		assert.Equal(t, ia[i].(map[string]any)["id"], ib[i].(map[string]any)["id"])
		seen[ia[i].(map[string]any)["id"]] = true
	}
	assert.Len(t, seen, len(ia), "ids are unique")
}
