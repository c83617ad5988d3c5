package hopsworkstest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// duckDBTranslation is how the 4.6 Python client turns the backend's SQL
// into the Flight server's dialect (_translate_to_duckdb): for each
// feature group it replaces "`<featurestoreName>`.`" with "`<project>.",
// then every backtick with a double quote. It is the oracle of the
// server-built query_string.
func duckDBTranslation(query string, storeNames []string) string {
	for _, fs := range storeNames {
		query = strings.ReplaceAll(query, "`"+fs+"`.`", "`"+strings.TrimSuffix(fs, "_featurestore")+".")
	}
	return strings.ReplaceAll(query, "`", `"`)
}

// hqsQuery is transactions with a filter, joined with customers (shared
// by bank) with its own filter: the shape of the Python client's
// test_construct_query_object.
func hqsQuery(d demoSession) obj {
	f := func(id int, name, cond, value string) obj {
		return obj{"feature": obj{"name": name, "featureGroupId": id}, "condition": cond, "value": value}
	}
	return obj{
		"leftFeatureGroup": obj{"id": d.tx},
		"leftFeatures":     feats("*"),
		"joins": []any{obj{
			"query":  obj{"leftFeatureGroup": obj{"id": d.customers}, "leftFeatures": feats("name", "age"), "filter": obj{"type": "SINGLE", "leftFilter": f(d.customers, "age", "GREATER_THAN", "30")}},
			"leftOn": feats("customer_id"), "rightOn": feats("customer_id"), "prefix": "c_"}},
		"filter": obj{"type": "AND",
			"leftLogic": obj{"type": "AND",
				"leftFilter":  f(d.tx, "amount", "GREATER_THAN", "500"),
				"rightFilter": f(d.tx, "currency", "LESS_THAN", "EUR")},
			"rightFilter": f(d.tx, "amount", "LESS_THAN", "700")},
	}
}

func TestHQSPayload(t *testing.T) {
	d := newDemoSession(t, Config{HQSPayload: true})
	r := construct(t, d.s, d.key, d.pid, hqsQuery(d), "True")
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
	got := r.object(t)
	payload, ok := got["hqsPayload"].(string)
	require.True(t, ok, "no hqsPayload in %s", r.body)
	sig, ok := got["hqsPayloadSignature"].(string)
	require.True(t, ok, "no hqsPayloadSignature in %s", r.body)

	for i := 0; i < len(payload); i++ {
		require.Less(t, payload[i], byte(0x80), "the payload is sent as ASCII")
	}
	var p struct {
		QueryString string                      `json:"query_string"`
		Features    map[string][]map[string]any `json:"features"`
		Filters     json.RawMessage             `json:"filters"`
		Connectors  map[string]map[string]any   `json:"connectors"`
	}
	require.NoError(t, json.Unmarshal([]byte(payload), &p))
	assert.Equal(t, duckDBTranslation(got["query"].(string), []string{"fraud_featurestore", "bank_featurestore"}), p.QueryString)

	for _, g := range []struct {
		project, table string
		id             int
	}{{"fraud", "transactions_1", d.tx}, {"bank", "customers_1", d.customers}} {
		key := g.project + "." + g.table
		var want []map[string]any
		for _, f := range findGroup(t, g.project, g.table).Features {
			want = append(want, map[string]any{"name": f.Name, "type": f.Type})
		}
		assert.Equal(t, want, p.Features[key], "every feature of %s with its offline type", key)
		assert.Equal(t, map[string]any{"feature_group_id": float64(g.id), "time_travel_type": "hudi"}, p.Connectors[key])
	}
	assert.Len(t, p.Features, 2)
	assert.Len(t, p.Connectors, 2)
	assert.JSONEq(t, `{"type":"logic","logic_type":"AND",
		"left_filter":{"type":"logic","logic_type":"AND",
			"left_filter":{"type":"logic","logic_type":"AND",
				"left_filter":{"type":"filter","condition":"GREATER_THAN","value":500,"feature":"fraud.transactions_1.amount"},
				"right_filter":{"type":"filter","condition":"LESS_THAN","value":"EUR","feature":"fraud.transactions_1.currency"}},
			"right_filter":{"type":"filter","condition":"LESS_THAN","value":700,"feature":"fraud.transactions_1.amount"}},
		"right_filter":{"type":"logic","logic_type":"SINGLE",
			"left_filter":{"type":"filter","condition":"GREATER_THAN","value":30,"feature":"bank.customers_1.age"},
			"right_filter":null}}`, string(p.Filters))

	assert.True(t, d.s.validSignature(payload, sig))
	assert.False(t, d.s.validSignature(payload+" ", sig), "a changed payload fails")
	other := start(t, Config{HQSPayload: true})
	assert.False(t, other.validSignature(payload, sig), "another server's secret fails")
}

func TestHQSPayloadWhen(t *testing.T) {
	tests := []struct {
		hqsConfig bool
		param     string
		want      bool
	}{
		{true, "True", true},
		{true, "true", true},
		{true, "False", false},
		{true, "", false},
		{false, "True", false}, // a backend before 4.7 ignores the parameter
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%v/%q", tt.hqsConfig, tt.param), func(t *testing.T) {
			d := newDemoSession(t, Config{HQSPayload: tt.hqsConfig})
			r := construct(t, d.s, d.key, d.pid, obj{"leftFeatureGroup": obj{"id": d.tx}, "leftFeatures": feats("tx_id")}, tt.param)
			require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
			got := r.object(t)
			if tt.want {
				assert.Contains(t, got, "hqsPayload")
				assert.Contains(t, got, "hqsPayloadSignature")
			} else {
				assert.NotContains(t, got, "hqsPayload")
				assert.NotContains(t, got, "hqsPayloadSignature")
			}
		})
	}
}

func TestHQSPayloadValues(t *testing.T) {
	d := newDemoSession(t, Config{HQSPayload: true})
	single := func(name, cond string, value any) obj {
		return obj{"leftFeatureGroup": obj{"id": d.tx}, "leftFeatures": feats("tx_id"),
			"filter": obj{"type": "SINGLE", "leftFilter": obj{"feature": obj{"name": name}, "condition": cond, "value": value}}}
	}
	tests := []struct {
		name  string
		query obj
		value any
	}{
		{"bigint", single("tx_id", "EQUALS", "42"), float64(42)},
		{"decimal", single("amount", "GREATER_THAN", "10.25"), 10.25},
		{"boolean", single("is_fraud", "EQUALS", "True"), true},
		{"string", single("currency", "EQUALS", "SEK"), "SEK"},
		{"timestamp", single("ts", "GREATER_THAN", "2026-03-01 08:00:00.250"), "2026-03-01 08:00:00"},
		{"in", single("tx_id", "IN", "[1, 2, null]"), []any{float64(1), float64(2), nil}},
		{"null", single("merchant_id", "EQUALS", nil), nil},
		{"non-numeric text on a number", single("tx_id", "EQUALS", "abc"), "abc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := construct(t, d.s, d.key, d.pid, tt.query, "true")
			require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
			var p struct {
				Filters struct {
					LeftFilter map[string]any `json:"left_filter"`
				} `json:"filters"`
			}
			require.NoError(t, json.Unmarshal([]byte(r.object(t)["hqsPayload"].(string)), &p))
			assert.Equal(t, tt.value, p.Filters.LeftFilter["value"])
		})
	}
	t.Run("non-ASCII", func(t *testing.T) {
		q := obj{"leftFeatureGroup": obj{"id": d.customers}, "leftFeatures": feats("name"),
			"filter": obj{"type": "SINGLE", "leftFilter": obj{"feature": obj{"name": "name"}, "condition": "EQUALS", "value": "Björn 🦊"}}}
		r := construct(t, d.s, d.key, d.pid, q, "true")
		require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
		payload := r.object(t)["hqsPayload"].(string)
		assert.Contains(t, payload, `Bj\u00f6rn \ud83e\udd8a`)
		var p map[string]any
		require.NoError(t, json.Unmarshal([]byte(payload), &p))
		assert.Contains(t, p["query_string"], `"fg0"."name" = 'Björn 🦊'`)
	})
	t.Run("point in time", func(t *testing.T) {
		q := obj{"leftFeatureGroup": obj{"id": d.tx, "eventTime": "ts"}, "leftFeatures": feats("tx_id"),
			"joins": []any{obj{"query": obj{"leftFeatureGroup": obj{"id": d.spend, "eventTime": "ts"}, "leftFeatures": feats("spend_7d")}, "on": feats("customer_id")}}}
		got := construct(t, d.s, d.key, d.pid, q, "true").object(t)
		var p map[string]any
		require.NoError(t, json.Unmarshal([]byte(got["hqsPayload"].(string)), &p))
		assert.Equal(t, duckDBTranslation(got["pitQueryAsof"].(string), []string{"fraud_featurestore"}), p["query_string"],
			"the payload reads the ASOF query, as the client would")
		assert.Nil(t, p["filters"])
	})
}

func TestFsQueryKeysMatchClientFixture(t *testing.T) {
	// The Python client's FsQuery fixtures, after its decamelize: every key
	// they use that the server can produce must come back.
	var fixture map[string]map[string]map[string]any
	readFixture(t, "fs_query_fixtures.json", &fixture)
	d := newDemoSession(t, Config{})
	got := sql(t, d.s, d.key, d.pid, obj{"leftFeatureGroup": obj{"id": d.tx, "eventTime": "ts"}, "leftFeatures": feats("tx_id"),
		"joins": []any{obj{"query": obj{"leftFeatureGroup": obj{"id": d.spend, "eventTime": "ts"}, "leftFeatures": feats("spend_7d")}, "on": feats("customer_id")}}})
	have := map[string]bool{}
	for k := range got {
		have[snakeCase(k)] = true
	}
	for _, name := range []string{"get", "get_basic_info"} {
		for k := range fixture[name]["response"] {
			switch k {
			case "expand", "items", "type": // RestDTO placeholders of the fixture
				continue
			}
			assert.True(t, have[k], "fixture %s key %s missing from %v", name, k, got)
		}
	}
}

// snakeCase is humps.decamelize for the keys of an FsQueryDTO.
func snakeCase(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 'A' && r <= 'Z' {
			b.WriteByte('_')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}
