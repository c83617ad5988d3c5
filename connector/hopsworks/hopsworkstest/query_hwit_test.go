package hopsworkstest

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The tests in this file send the requests of the backend's integration
// tests (hopsworks-IT featuregroup_spec.rb, featureview_query_spec.rb,
// quoted in the protocol reference §4.4) to a store holding the same
// feature groups, and compare the SQL with the strings those tests expect,
// verbatim, with the random names substituted.

// hwit is a session of demo_user on the HWIT store.
type hwit struct {
	s   *Server
	key string
	pid int
	ids map[string]int // feature group ids by name
}

func newHWIT(t *testing.T) hwit {
	s := start(t, Config{Warehouse: hwitDir})
	h := hwit{s: s, key: s.NewAPIKey("demo_user"), ids: map[string]int{}}
	h.pid = projectID(t, s, h.key, "demo")
	fsid := storeID(t, s, h.key, h.pid, "demo_featurestore")
	for _, name := range []string{"fg_a", "fg_b", "test_fg_a", "test_fg_b", "test_fg_1", "test_fg_2", "test_fg_3"} {
		h.ids[name] = groupID(t, s, h.key, h.pid, fsid, name, 1)
	}
	return h
}

// construct sends a query to the query constructor; hqs is the value of
// the hqs parameter, "" for none.
func construct(t *testing.T, s *Server, key string, pid int, query any, hqs string) response {
	t.Helper()
	path := fmt.Sprintf("project/%d/featurestores/query", pid)
	if hqs != "" {
		path += "?hqs=" + hqs
	}
	return do(t, s, key, http.MethodPut, path, query)
}

// sql constructs a query that must succeed and returns the answer.
func sql(t *testing.T, s *Server, key string, pid int, query any) map[string]any {
	t.Helper()
	r := construct(t, s, key, pid, query, "")
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
	return r.object(t)
}

type obj = map[string]any

func feats(names ...string) []any {
	out := make([]any, len(names))
	for i, n := range names {
		out[i] = obj{"name": n}
	}
	return out
}

func TestHWITPointInTimeJoin(t *testing.T) {
	h := newHWIT(t)
	a, b := h.ids["fg_a"], h.ids["fg_b"]
	query := obj{
		"leftFeatureGroup": obj{"id": a, "type": "cachedFeaturegroupDTO", "eventTime": "event_time"},
		"leftFeatures":     feats("a_testfeature", "a_testfeature1"),
		"joins": []any{obj{"query": obj{
			"leftFeatureGroup": obj{"id": b, "type": "cachedFeaturegroupDTO", "eventTime": "event_time"},
			"leftFeatures":     feats("a_testfeature", "b_testfeature1"),
			"filter": obj{"type": "SINGLE", "leftFilter": obj{
				"feature": obj{"name": "b_testfeature2", "featureGroupId": b}, "condition": "EQUALS", "value": "10"}},
		}}},
		"filter": obj{"type": "OR",
			"leftFilter":  obj{"feature": obj{"name": "a_testfeature", "featureGroupId": a}, "condition": "EQUALS", "value": "10"},
			"rightFilter": obj{"feature": obj{"name": "b_testfeature1"}, "condition": "EQUALS", "value": "10"}},
	}
	got := sql(t, h.s, h.key, h.pid, query)
	assert.Equal(t, "SELECT `fg1`.`a_testfeature` `a_testfeature`, `fg1`.`a_testfeature1` `a_testfeature1`, `fg0`.`b_testfeature1` `b_testfeature1`\n"+
		"FROM `demo_featurestore`.`fg_a_1` `fg1`\n"+
		"INNER JOIN `demo_featurestore`.`fg_b_1` `fg0` ON `fg1`.`a_testfeature` = `fg0`.`a_testfeature`\n"+
		"WHERE (`fg1`.`a_testfeature` = 10 OR `fg0`.`b_testfeature1` = 10) AND `fg0`.`b_testfeature2` = 10", got["query"])
	assert.Equal(t, "SELECT `fg1`.`a_testfeature` `a_testfeature`, `fg1`.`a_testfeature1` `a_testfeature1`, `fg0`.`b_testfeature1` `b_testfeature1`\n"+
		"FROM `demo`.`fg_a_1` `fg1`\n"+
		"INNER JOIN `demo`.`fg_b_1` `fg0` ON `fg1`.`a_testfeature` = `fg0`.`a_testfeature`\n"+
		"WHERE (`fg1`.`a_testfeature` = 10 OR `fg0`.`b_testfeature1` = 10) AND `fg0`.`b_testfeature2` = 10", got["queryOnline"])
	assert.Equal(t, "WITH right_fg0 AS (SELECT *\n"+
		"FROM (SELECT `fg1`.`a_testfeature` `a_testfeature`, `fg1`.`a_testfeature1` `a_testfeature1`, `fg1`.`a_testfeature` `join_pk_a_testfeature`, `fg1`.`event_time` `join_evt_event_time`, `fg0`.`b_testfeature1` `b_testfeature1`, RANK() OVER (PARTITION BY `fg0`.`a_testfeature`, `fg1`.`event_time` ORDER BY `fg0`.`event_time` DESC) pit_rank_hopsworks\n"+
		"FROM `demo_featurestore`.`fg_a_1` `fg1`\n"+
		"INNER JOIN `demo_featurestore`.`fg_b_1` `fg0` ON `fg1`.`a_testfeature` = `fg0`.`a_testfeature` AND `fg1`.`event_time` >= `fg0`.`event_time`\n"+
		"WHERE `fg0`.`b_testfeature2` = 10) NA\n"+
		"WHERE `pit_rank_hopsworks` = 1) (SELECT `right_fg0`.`a_testfeature` `a_testfeature`, `right_fg0`.`a_testfeature1` `a_testfeature1`, `right_fg0`.`b_testfeature1` `b_testfeature1`\n"+
		"FROM right_fg0\n"+
		"WHERE `right_fg0`.`a_testfeature` = 10 OR `right_fg0`.`b_testfeature1` = 10)", got["pitQuery"])
	// The ASOF form of the same query, in the shape of the backend's
	// TestConstructorControllerPit.
	assert.Equal(t, "SELECT `fg1`.`a_testfeature` `a_testfeature`, `fg1`.`a_testfeature1` `a_testfeature1`, `fg0`.`b_testfeature1` `b_testfeature1`\n"+
		"FROM `demo_featurestore`.`fg_a_1` `fg1`\n"+
		"ASOF INNER JOIN `demo_featurestore`.`fg_b_1` `fg0` ON `fg1`.`a_testfeature` = `fg0`.`a_testfeature` AND `fg1`.`event_time` >= `fg0`.`event_time`\n"+
		"WHERE (`fg1`.`a_testfeature` = 10 OR `fg0`.`b_testfeature1` = 10) AND `fg0`.`b_testfeature2` = 10", got["pitQueryAsof"])
	assert.Equal(t, []any{}, got["hudiCachedFeatureGroups"])
	assert.Equal(t, []any{}, got["onDemandFeatureGroups"])
	assert.Equal(t, h.s.URL()+APIPath+fmt.Sprintf("/project/%d/featurestores/query", h.pid), got["href"])

	t.Run("no event time in the request, no PIT", func(t *testing.T) {
		query["leftFeatureGroup"] = obj{"id": a, "type": "cachedFeaturegroupDTO"}
		got := sql(t, h.s, h.key, h.pid, query)
		assert.NotContains(t, got, "pitQuery")
		assert.NotContains(t, got, "pitQueryAsof")
		assert.Contains(t, got, "query")
	})
}

func TestHWITEventTimeFilter(t *testing.T) {
	h := newHWIT(t)
	a := h.ids["test_fg_a"]
	query := obj{
		"leftFeatureGroup": obj{"id": a, "type": "cachedFeaturegroupDTO"},
		"leftFeatures":     feats("a_testfeature1", "a_testfeature2"),
		"filter": obj{"type": "AND",
			// The integration test sends this value as a JSON number.
			"leftFilter":  obj{"feature": obj{"name": "a_testfeature1", "featureGroupId": a}, "condition": "GREATER_THAN", "value": 0},
			"rightFilter": obj{"feature": obj{"name": "ts", "featureGroupId": a}, "condition": "GREATER_THAN", "value": "2022-02-01 00:00:00"}},
	}
	got := sql(t, h.s, h.key, h.pid, query)
	assert.Equal(t, "SELECT `fg0`.`a_testfeature1` `a_testfeature1`, `fg0`.`a_testfeature2` `a_testfeature2`\n"+
		"FROM `demo_featurestore`.`test_fg_a_1` `fg0`\n"+
		"WHERE `fg0`.`a_testfeature1` > 0 AND `fg0`.`ts` > TIMESTAMP '2022-02-01 00:00:00.000'", got["query"])
	assert.Equal(t, "SELECT `fg0`.`a_testfeature1` `a_testfeature1`, `fg0`.`a_testfeature2` `a_testfeature2`\n"+
		"FROM `demo`.`test_fg_a_1` `fg0`\n"+
		"WHERE `fg0`.`a_testfeature1` > 0 AND `fg0`.`ts` > TIMESTAMP '2022-02-01 00:00:00.000'", got["queryOnline"])
}

func TestHWITJoinWithEventTimeFilter(t *testing.T) {
	h := newHWIT(t)
	a, b := h.ids["test_fg_a"], h.ids["test_fg_b"]
	query := obj{
		"leftFeatureGroup": obj{"id": a, "type": "cachedFeaturegroupDTO"},
		"leftFeatures":     feats("a_testfeature1", "a_testfeature2"),
		"joins": []any{obj{"query": obj{
			"leftFeatureGroup": obj{"id": b, "type": "cachedFeaturegroupDTO"},
			"leftFeatures":     feats("b_testfeature1", "b_testfeature2"),
		}}},
		"filter": obj{"type": "AND",
			"leftFilter":  obj{"feature": obj{"name": "a_testfeature1", "featureGroupId": a}, "condition": "GREATER_THAN", "value": 0},
			"rightFilter": obj{"feature": obj{"name": "ts", "featureGroupId": a}, "condition": "GREATER_THAN", "value": "2022-02-01 00:00:00"}},
	}
	got := sql(t, h.s, h.key, h.pid, query)
	assert.Equal(t, "SELECT `fg1`.`a_testfeature1` `a_testfeature1`, `fg1`.`a_testfeature2` `a_testfeature2`, `fg0`.`b_testfeature1` `b_testfeature1`, `fg0`.`b_testfeature2` `b_testfeature2`\n"+
		"FROM `demo_featurestore`.`test_fg_a_1` `fg1`\n"+
		"INNER JOIN `demo_featurestore`.`test_fg_b_1` `fg0` ON `fg1`.`id` = `fg0`.`id`\n"+
		"WHERE `fg1`.`a_testfeature1` > 0 AND `fg1`.`ts` > TIMESTAMP '2022-02-01 00:00:00.000'", got["query"])
	assert.Equal(t, "SELECT `fg1`.`a_testfeature1` `a_testfeature1`, `fg1`.`a_testfeature2` `a_testfeature2`, `fg0`.`b_testfeature1` `b_testfeature1`, `fg0`.`b_testfeature2` `b_testfeature2`\n"+
		"FROM `demo`.`test_fg_a_1` `fg1`\n"+
		"INNER JOIN `demo`.`test_fg_b_1` `fg0` ON `fg1`.`id` = `fg0`.`id`\n"+
		"WHERE `fg1`.`a_testfeature1` > 0 AND `fg1`.`ts` > TIMESTAMP '2022-02-01 00:00:00.000'", got["queryOnline"])
}

func TestHWITThreeWayJoin(t *testing.T) {
	h := newHWIT(t)
	join := func(name string, features ...string) obj {
		return obj{
			"query":  obj{"leftFeatureGroup": obj{"id": h.ids[name], "type": "cachedFeaturegroupDTO"}, "leftFeatures": feats(features...), "joins": []any{}, "filter": nil},
			"on":     []any{},
			"leftOn": feats("pk"), "rightOn": feats("pk"),
			"type": "INNER", "prefix": nil,
		}
	}
	fg1 := h.ids["test_fg_1"]
	query := obj{
		"leftFeatureGroup": obj{"id": fg1, "type": "cachedFeaturegroupDTO"},
		"leftFeatures":     feats("b", "c"),
		"joins":            []any{join("test_fg_2", "e", "f"), join("test_fg_3", "h", "i")},
		"filter": obj{"type": "AND",
			"leftFilter":  obj{"feature": obj{"name": "ts", "featureGroupId": fg1}, "condition": "GREATER_THAN_OR_EQUAL", "value": "1970-01-01 00:00:01"},
			"rightFilter": obj{"feature": obj{"name": "ts", "featureGroupId": fg1}, "condition": "LESS_THAN", "value": "1970-01-01 00:00:04"}},
	}
	got := sql(t, h.s, h.key, h.pid, query)
	assert.Equal(t, "SELECT `fg2`.`b` `b`, `fg2`.`c` `c`, `fg0`.`e` `e`, `fg0`.`f` `f`, `fg1`.`h` `h`, `fg1`.`i` `i`\n"+
		"FROM `demo_featurestore`.`test_fg_1_1` `fg2`\n"+
		"INNER JOIN `demo_featurestore`.`test_fg_2_1` `fg0` ON `fg2`.`pk` = `fg0`.`pk`\n"+
		"INNER JOIN `demo_featurestore`.`test_fg_3_1` `fg1` ON `fg2`.`pk` = `fg1`.`pk`\n"+
		"WHERE `fg2`.`ts` >= TIMESTAMP '1970-01-01 00:00:01.000' AND `fg2`.`ts` < TIMESTAMP '1970-01-01 00:00:04.000'", got["query"])
	assert.Equal(t, "SELECT `fg2`.`b` `b`, `fg2`.`c` `c`, `fg0`.`e` `e`, `fg0`.`f` `f`, `fg1`.`h` `h`, `fg1`.`i` `i`\n"+
		"FROM `demo`.`test_fg_1_1` `fg2`\n"+
		"INNER JOIN `demo`.`test_fg_2_1` `fg0` ON `fg2`.`pk` = `fg0`.`pk`\n"+
		"INNER JOIN `demo`.`test_fg_3_1` `fg1` ON `fg2`.`pk` = `fg1`.`pk`\n"+
		"WHERE `fg2`.`ts` >= TIMESTAMP '1970-01-01 00:00:01.000' AND `fg2`.`ts` < TIMESTAMP '1970-01-01 00:00:04.000'", got["queryOnline"])
}
