package hopsworks

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hopsql/hopsql/connector"
)

// pythonFilters is the filters of the payload the Hopsworks client 4.6
// builds in its test test_construct_query_object for
//
//	fg1.select_all().filter((intt > 500) & (stringt < 0.1)).join(fg2.filter(intt > 500), ...).filter(intt < 700)
//
// quoted in the protocol reference §5.3.
const pythonFilters = `{"type":"logic","logic_type":"AND","left_filter":{"type":"logic","logic_type":"AND","left_filter":{"type":"logic","logic_type":"AND","left_filter":{"type":"filter","condition":"GREATER_THAN","value":500,"feature":"test.fg_test_1.intt"},"right_filter":{"type":"filter","condition":"LESS_THAN","value":0.1,"feature":"test.fg_test_1.stringt"}},"right_filter":{"type":"filter","condition":"LESS_THAN","value":700,"feature":"test.fg_test_1.intt"}},"right_filter":{"type":"logic","logic_type":"SINGLE","left_filter":{"type":"filter","condition":"GREATER_THAN","value":500,"feature":"test.fg_test_1.intt"},"right_filter":null}}`

// testGroup is the Hopsworks client's test feature group fg_test version 1
// (id 15) in project test: intt int, stringt string.
func testGroup(t *testing.T) *groupInfo {
	t.Helper()
	fg := &connector.FeatureGroup{Project: "test", Name: "fg_test", Version: 1}
	for _, f := range []struct{ name, typ string }{{"intt", "int"}, {"stringt", "string"}} {
		dt, err := connector.ParseType(f.typ)
		require.NoError(t, err)
		fg.Features = append(fg.Features, connector.Feature{Name: f.name, Type: f.typ, DataType: dt})
	}
	return &groupInfo{fg: fg, kind: kindCached, dto: featureGroupDTO{
		Type: typeCachedFeatureGroup, ID: 15, Name: "fg_test", Version: 1,
		FeaturestoreID: 67, FeaturestoreName: "test_featurestore", TimeTravelFormat: "HUDI",
	}}
}

func leaf(t *testing.T, g *groupInfo, name, cond, value string) *filterNode {
	t.Helper()
	f, ok := g.fg.Feature(name)
	require.True(t, ok)
	return leafNode(f, cond, numberLiteral(value))
}

// subtree returns the JSON of the part of doc at path (keys).
func subtree(t *testing.T, doc string, path ...string) string {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal([]byte(doc), &v))
	for _, k := range path {
		m, ok := v.(map[string]any)
		require.True(t, ok, "no object at %s", k)
		v = m[k]
	}
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

func TestFlightFiltersMatchThePythonClient(t *testing.T) {
	g := testGroup(t)
	prefix := flightTable("test_featurestore", g.fg) + "."

	// (intt > 500 AND stringt < 0.1) AND intt < 700: the conjuncts of
	// the root query, as hopsql builds them for three conjuncts.
	conj := andOf([]*filterNode{
		leaf(t, g, "intt", condGreater, "500"),
		leaf(t, g, "stringt", condLess, "0.1"),
		leaf(t, g, "intt", condLess, "700"),
	})
	got, err := asciiJSON(conj.flightLogic(prefix))
	require.NoError(t, err)
	assert.JSONEq(t, subtree(t, pythonFilters, "left_filter"), string(got))

	// A single condition is a SINGLE node.
	single := leaf(t, g, "intt", condGreater, "500")
	got, err = asciiJSON(single.flightLogic(prefix))
	require.NoError(t, err)
	assert.JSONEq(t, subtree(t, pythonFilters, "right_filter"), string(got))

	// The Hopsworks client's test_construct_query_object_datetime_filter.
	dt := leafNode(g.fg.Features[0], condGreater, timestampLiteral(mustTime(t, "2011-03-01 12:57:02")))
	got, err = asciiJSON(dt.flightLogic(prefix))
	require.NoError(t, err)
	assert.JSONEq(t, `{"type":"logic","logic_type":"SINGLE","left_filter":{"type":"filter","condition":"GREATER_THAN","value":"2011-03-01 12:57:02","feature":"test.fg_test_1.intt"},"right_filter":null}`, string(got))
}

func TestClientPayload(t *testing.T) {
	g := testGroup(t)
	res := &fsQueryDTO{Query: "SELECT `fg0`.`intt` `intt`, `fg0`.`stringt` `stringt`\nFROM `test_featurestore`.`fg_test_1` `fg0`\nWHERE `fg0`.`intt` > 500"}
	filter := leaf(t, g, "intt", condGreater, "500")
	got, err := clientPayload(g, "test_featurestore", res, filter)
	require.NoError(t, err)
	// The shape of §5.3 Generation C.
	assert.JSONEq(t, `{
		"query_string": "SELECT \"fg0\".\"intt\" \"intt\", \"fg0\".\"stringt\" \"stringt\"\nFROM \"test.fg_test_1\" \"fg0\"\nWHERE \"fg0\".\"intt\" > 500",
		"features": {"test.fg_test_1": [{"name": "intt", "type": "int"}, {"name": "stringt", "type": "string"}]},
		"filters": {"type":"logic","logic_type":"SINGLE","left_filter":{"type":"filter","condition":"GREATER_THAN","value":500,"feature":"test.fg_test_1.intt"},"right_filter":null},
		"connectors": {"test.fg_test_1": {"feature_group_id": 15, "time_travel_type": "hudi"}}
	}`, string(got))

	t.Run("no filter", func(t *testing.T) {
		got, err := clientPayload(g, "test_featurestore", res, nil)
		require.NoError(t, err)
		assert.Equal(t, "null", subtree(t, string(got), "filters"))
	})
	t.Run("point-in-time SQL first", func(t *testing.T) {
		pit := &fsQueryDTO{Query: "SELECT 1", PitQueryAsof: "SELECT `fg0`.`intt` `intt` FROM `test_featurestore`.`fg_test_1` `fg0`"}
		got, err := clientPayload(g, "test_featurestore", pit, nil)
		require.NoError(t, err)
		assert.Equal(t, `"SELECT \"fg0\".\"intt\" \"intt\" FROM \"test.fg_test_1\" \"fg0\""`, subtree(t, string(got), "query_string"))
	})
	t.Run("delta", func(t *testing.T) {
		d := *g
		d.dto.TimeTravelFormat = "DELTA"
		got, err := clientPayload(&d, "test_featurestore", res, filter)
		require.NoError(t, err)
		assert.JSONEq(t, `{"test.fg_test_1": {"feature_group_id": 15, "time_travel_type": "delta", "type": "", "options": {}, "query": "",
			"filters": {"type":"logic","logic_type":"SINGLE","left_filter":{"type":"filter","condition":"GREATER_THAN","value":500,"feature":"intt"},"right_filter":null}}}`,
			subtree(t, string(got), "connectors"))
	})
	t.Run("typed values", func(t *testing.T) {
		f := leafNode(g.fg.Features[1], condIn, listLiteral([]literal{stringLiteral("a"), stringLiteral("é")}))
		f = andOf([]*filterNode{f, leafNode(g.fg.Features[1], condEqual, nullLiteral())})
		got, err := clientPayload(g, "test_featurestore", res, f)
		require.NoError(t, err)
		assert.NotContains(t, string(got), "é", "the payload is ASCII")
		assert.JSONEq(t, `{"type":"logic","logic_type":"AND",
			"left_filter":{"type":"filter","condition":"IN","value":"[\"a\", \"\\u00e9\"]","feature":"test.fg_test_1.stringt"},
			"right_filter":{"type":"filter","condition":"EQUALS","value":null,"feature":"test.fg_test_1.stringt"}}`,
			subtree(t, string(got), "filters"))
	})
}

func TestDuckDBQuery(t *testing.T) {
	tests := []struct {
		name, sql, store, want string
	}{
		{"the reference's example", "SELECT `fg0`.`amount` `amount`\nFROM `demo_featurestore`.`transactions_1` `fg0`", "demo_featurestore",
			"SELECT \"fg0\".\"amount\" \"amount\"\nFROM \"demo.transactions_1\" \"fg0\""},
		{"a shared store", "SELECT `fg0`.`segment` `segment` FROM `bank_featurestore`.`customers_1` `fg0` WHERE `fg0`.`segment` = 'retail'", "bank_featurestore",
			"SELECT \"fg0\".\"segment\" \"segment\" FROM \"bank.customers_1\" \"fg0\" WHERE \"fg0\".\"segment\" = 'retail'"},
		{"every occurrence", "SELECT * FROM `p_featurestore`.`a_1` `fg1` JOIN `p_featurestore`.`b_1` `fg0` ON `fg1`.`k` = `fg0`.`k`", "p_featurestore",
			"SELECT * FROM \"p.a_1\" \"fg1\" JOIN \"p.b_1\" \"fg0\" ON \"fg1\".\"k\" = \"fg0\".\"k\""},
		{"a column named like the store stays", "SELECT `fg0`.`p_featurestore` `p_featurestore` FROM `p_featurestore`.`a_1` `fg0`", "p_featurestore",
			"SELECT \"fg0\".\"p_featurestore\" \"p_featurestore\" FROM \"p.a_1\" \"fg0\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, duckDBQuery(tt.sql, tt.store))
		})
	}
}

func TestASCIIJSON(t *testing.T) {
	got, err := asciiJSON(map[string]string{"k": "é 𝄞 <&> \u2028"})
	require.NoError(t, err)
	assert.Equal(t, `{"k":"\u00e9 \ud834\udd1e <&> \u2028"}`, string(got))
	var back map[string]string
	require.NoError(t, json.Unmarshal(got, &back))
	assert.Equal(t, "é 𝄞 <&> \u2028", back["k"])
}

func TestQueryModel(t *testing.T) {
	g := testGroup(t)
	g.dto.EventTime = "intt"
	st := storeInfo{store: connector.Store{Project: "test"}, id: 67, name: "test_featurestore"}
	filter := andOf([]*filterNode{leaf(t, g, "intt", condGreater, "500"), leaf(t, g, "intt", condLess, "700")})
	q := newQuery(g, st, g.fg.Features[:1], filter, 10)
	got, err := json.Marshal(q)
	require.NoError(t, err)
	intt := `{"name":"intt","type":"int","featureGroupId":15}`
	assert.JSONEq(t, `{
		"featureStoreName": "test_featurestore", "featureStoreId": 67,
		"leftFeatureGroup": {"type": "cachedFeaturegroupDTO", "id": 15, "name": "fg_test", "version": 1,
			"featurestoreId": 67, "featurestoreName": "test_featurestore", "eventTime": "intt", "timeTravelFormat": "HUDI"},
		"leftFeatures": [`+intt+`],
		"leftFeatureGroupStartTime": null, "leftFeatureGroupEndTime": null, "joins": [],
		"filter": {"type": "AND",
			"leftFilter": {"feature": `+intt+`, "condition": "GREATER_THAN", "value": "500"},
			"rightFilter": {"feature": `+intt+`, "condition": "LESS_THAN", "value": "700"},
			"leftLogic": null, "rightLogic": null},
		"limit": 10, "hiveEngine": true}`, string(got))

	g.dto.EventTime = ""
	q = newQuery(g, st, g.fg.Features, nil, 0)
	got, err = json.Marshal(q)
	require.NoError(t, err)
	for _, key := range []string{"filter", "limit"} {
		assert.Equal(t, "null", subtree(t, string(got), key), key)
	}
	assert.Equal(t, "null", subtree(t, string(got), "leftFeatureGroup", "eventTime"))
}

func TestFlightAddr(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"hqs.example.com", "hqs.example.com:5005"},
		{" hqs.example.com:31005 ", "hqs.example.com:31005"},
		{"grpc+tls://hqs.example.com:5005", "hqs.example.com:5005"},
		{"GRPC+TLS://hqs.example.com", "hqs.example.com:5005"},
		{"127.0.0.1", "127.0.0.1:5005"},
		{"127.0.0.1:40000", "127.0.0.1:40000"},
		{"::1", "[::1]:5005"},
		{"[::1]", "[::1]:5005"},
		{"[::1]:6000", "[::1]:6000"},
	}
	for _, tt := range tests {
		got, err := flightAddr(tt.in)
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, got, tt.in)
	}
	for _, bad := range []string{"", "  ", "host:port", "host:0", "host:70000", ":5005", "a/b", "user@host", "a:b:c"} {
		_, err := flightAddr(bad)
		assert.Error(t, err, bad)
	}
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(timestampLayout, s)
	require.NoError(t, err)
	return v
}

func TestCheckReadable(t *testing.T) {
	for format, ok := range map[string]bool{"HUDI": true, "delta": true, "ICEBERG": true, "": true, "NONE": false, "PAIMON": false} {
		g := testGroup(t)
		g.dto.TimeTravelFormat = format
		err := checkReadable(g)
		if ok {
			assert.NoError(t, err, format)
			continue
		}
		assert.ErrorIs(t, err, errors.ErrUnsupported, format)
		assert.Contains(t, err.Error(), "test::fg_test_1")
	}
	g := testGroup(t)
	g.kind = kindExternal
	g.dto.StorageConnector = &storageConnectorDTO{StorageConnectorType: "SNOWFLAKE"}
	err := checkReadable(g)
	assert.ErrorIs(t, err, errors.ErrUnsupported)
	assert.Contains(t, err.Error(), "external feature group (storage connector SNOWFLAKE)")
}
