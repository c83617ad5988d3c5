package hopsworkstest

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestQueryErrors(t *testing.T) {
	d := newDemoSession(t, Config{})
	filter := func(l obj) obj {
		return obj{"leftFeatureGroup": obj{"id": d.customers}, "leftFeatures": feats("name"), "filter": l}
	}
	age := obj{"feature": obj{"name": "age"}, "condition": "GREATER_THAN", "value": "1"}
	tests := []struct {
		name   string
		query  any
		status int
		code   int
	}{
		{"not JSON", []byte("{"), 422, 120001},
		{"no feature group", obj{"leftFeatures": feats("*")}, 422, 120001},
		{"feature group without id", obj{"leftFeatureGroup": obj{"type": "cachedFeaturegroupDTO"}, "leftFeatures": feats("*")}, 422, 120001},
		{"unknown feature group", obj{"leftFeatureGroup": obj{"id": 424242}, "leftFeatures": feats("*")}, 404, 270009},
		{"feature group of a store not shared", obj{"leftFeatureGroup": obj{"id": d.campaigns}, "leftFeatures": feats("*")}, 404, 270008},
		{"joined group of a store not shared", obj{"leftFeatureGroup": obj{"id": d.tx}, "leftFeatures": feats("tx_id"),
			"joins": []any{obj{"query": sub(d.campaigns, "channel"), "on": feats("customer_id")}}}, 404, 270008},
		{"no features", obj{"leftFeatureGroup": obj{"id": d.tx}}, 422, 120001},
		{"empty features", obj{"leftFeatureGroup": obj{"id": d.tx}, "leftFeatures": []any{}}, 422, 120001},
		{"unknown feature", obj{"leftFeatureGroup": obj{"id": d.tx}, "leftFeatures": feats("nosuch")}, 400, 270082},
		{"no common primary key", obj{"leftFeatureGroup": obj{"id": d.tx}, "leftFeatures": feats("tx_id"),
			"joins": []any{obj{"query": sub(d.customers, "name")}}}, 400, 270096},
		{"leftOn and rightOn of different sizes", obj{"leftFeatureGroup": obj{"id": d.tx}, "leftFeatures": feats("tx_id"),
			"joins": []any{obj{"query": sub(d.customers, "name"), "leftOn": feats("customer_id", "ts"), "rightOn": feats("customer_id")}}}, 400, 270097},
		{"unknown join key", obj{"leftFeatureGroup": obj{"id": d.tx}, "leftFeatures": feats("tx_id"),
			"joins": []any{obj{"query": sub(d.customers, "name"), "on": feats("nosuch")}}}, 400, 270082},
		{"join key only on the left", obj{"leftFeatureGroup": obj{"id": d.tx}, "leftFeatures": feats("tx_id"),
			"joins": []any{obj{"query": sub(d.customers, "name"), "on": feats("tx_id")}}}, 400, 270082},
		{"OUTER join", obj{"leftFeatureGroup": obj{"id": d.tx}, "leftFeatures": feats("tx_id"),
			"joins": []any{obj{"query": sub(d.customers, "name"), "on": feats("customer_id"), "type": "OUTER"}}}, 422, 120001},
		{"join without query", obj{"leftFeatureGroup": obj{"id": d.tx}, "leftFeatures": feats("tx_id"),
			"joins": []any{obj{"on": feats("customer_id")}}}, 422, 120001},
		{"nested join", obj{"leftFeatureGroup": obj{"id": d.tx}, "leftFeatures": feats("tx_id"),
			"joins": []any{obj{"query": obj{"leftFeatureGroup": obj{"id": d.customers}, "leftFeatures": feats("name"),
				"joins": []any{obj{"query": sub(d.merchants, "name"), "on": feats("country")}}}, "on": feats("customer_id")}}}, 422, 120001},
		{"unknown filter feature", filter(obj{"type": "SINGLE", "leftFilter": obj{"feature": obj{"name": "nosuch"}, "condition": "EQUALS", "value": "1"}}), 400, 270082},
		{"filter feature of another group", filter(obj{"type": "SINGLE", "leftFilter": obj{"feature": obj{"name": "age", "featureGroupId": d.tx}, "condition": "EQUALS", "value": "1"}}), 400, 270082},
		{"SINGLE with a right filter", filter(obj{"type": "SINGLE", "leftFilter": age, "rightFilter": age}), 400, 270139},
		{"SINGLE without a left filter", filter(obj{"type": "SINGLE", "leftLogic": obj{"type": "SINGLE", "leftFilter": age}}), 400, 270139},
		{"filter and logic on one side", filter(obj{"type": "AND", "leftFilter": age, "leftLogic": obj{"type": "SINGLE", "leftFilter": age}, "rightFilter": age}), 400, 270139},
		{"AND without a right side", filter(obj{"type": "AND", "leftFilter": age}), 400, 270139},
		{"unknown logic type", filter(obj{"type": "XOR", "leftFilter": age, "rightFilter": age}), 422, 120001},
		{"unknown condition", filter(obj{"type": "SINGLE", "leftFilter": obj{"feature": obj{"name": "age"}, "condition": "BETWEEN", "value": "1"}}), 422, 120001},
		{"comparison with null", filter(obj{"type": "SINGLE", "leftFilter": obj{"feature": obj{"name": "age"}, "condition": "GREATER_THAN", "value": nil}}), 400, 270139},
		{"IS with a value", filter(obj{"type": "SINGLE", "leftFilter": obj{"feature": obj{"name": "age"}, "condition": "IS", "value": "1"}}), 400, 270139},
		{"empty IN list", filter(obj{"type": "SINGLE", "leftFilter": obj{"feature": obj{"name": "age"}, "condition": "IN", "value": "[]"}}), 400, 270139},
		{"bad date", filter(obj{"type": "SINGLE", "leftFilter": obj{"feature": obj{"name": "signup_date"}, "condition": "EQUALS", "value": "yesterday"}}), 422, 120001},
		{"bad timestamp", obj{"leftFeatureGroup": obj{"id": d.tx}, "leftFeatures": feats("tx_id"),
			"filter": obj{"type": "SINGLE", "leftFilter": obj{"feature": obj{"name": "ts"}, "condition": "EQUALS", "value": "2026-13-01 00:00:00"}}}, 422, 120001},
		{"Hive engine with time travel", obj{"leftFeatureGroup": obj{"id": d.tx}, "leftFeatures": feats("tx_id"), "hiveEngine": true, "leftFeatureGroupEndTime": 1}, 422, 120001},
		{"incremental join", obj{"leftFeatureGroup": obj{"id": d.tx}, "leftFeatures": feats("tx_id"), "leftFeatureGroupStartTime": 1,
			"joins": []any{obj{"query": sub(d.customers, "name"), "on": feats("customer_id")}}}, 422, 120001},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := construct(t, d.s, d.key, d.pid, tt.query, "").requireError(t, tt.status, tt.code)
			if tt.code != errLeftRightOnSizes.code { // the backend gives that one no detail
				assert.NotEmpty(t, body["usrMsg"])
			}
		})
	}
	t.Run("non-member project", func(t *testing.T) {
		construct(t, d.s, d.s.NewAPIKey("bank_user"), d.pid, obj{"leftFeatureGroup": obj{"id": d.tx}, "leftFeatures": feats("tx_id")}, "").
			requireError(t, http.StatusForbidden, 160000)
	})
}
