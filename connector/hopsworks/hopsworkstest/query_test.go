package hopsworkstest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hopsql/hopsql/connector"
)

// demoSession is fraud_user on the demo store, with the ids of the feature
// groups the query tests use.
type demoSession struct {
	s   *Server
	key string
	pid int
	// transactions_1, customer_spend_1 (fraud), customers_1, merchants_1
	// (bank, shared with fraud), campaigns_1 (marketing, not shared).
	tx, spend, customers, merchants, campaigns int
}

func newDemoSession(t *testing.T, cfg Config) demoSession {
	s := start(t, cfg)
	d := demoSession{s: s, key: s.NewAPIKey("fraud_user")}
	d.pid = projectID(t, s, d.key, "fraud")
	fraudFS := storeID(t, s, d.key, d.pid, "fraud_featurestore")
	bankFS := storeID(t, s, d.key, d.pid, "bank_featurestore")
	d.tx = groupID(t, s, d.key, d.pid, fraudFS, "transactions", 1)
	d.spend = groupID(t, s, d.key, d.pid, fraudFS, "customer_spend", 1)
	d.customers = groupID(t, s, d.key, d.pid, bankFS, "customers", 1)
	d.merchants = groupID(t, s, d.key, d.pid, bankFS, "merchants", 1)
	admin := s.NewAPIKey(AdminUser)
	mpid := projectID(t, s, admin, "marketing")
	d.campaigns = groupID(t, s, admin, mpid, storeID(t, s, admin, mpid, "marketing_featurestore"), "campaigns", 1)
	return d
}

// selectAll is the expected select list and FROM clause of a single
// feature group read with all its features, built from its metadata.
func selectAll(fg *connector.FeatureGroup, db string) string {
	var cols []string
	for _, f := range fg.Features {
		cols = append(cols, fmt.Sprintf("`fg0`.`%s` `%s`", f.Name, f.Name))
	}
	return "SELECT " + strings.Join(cols, ", ") + "\nFROM `" + db + "`.`" + fg.TableName() + "` `fg0`"
}

func findGroup(t *testing.T, project, table string) *connector.FeatureGroup {
	t.Helper()
	for _, fg := range groupsOf(t, project) {
		if fg.TableName() == table {
			return fg
		}
	}
	t.Fatalf("no feature group %s::%s in the demo store", project, table)
	return nil
}

func TestQuerySingleFeatureGroup(t *testing.T) {
	d := newDemoSession(t, Config{})
	customers := findGroup(t, "bank", "customers_1")
	tests := []struct {
		name  string
		group any
	}{
		{"minimal form", obj{"id": d.customers}},
		{"with type", obj{"id": d.customers, "type": "cachedFeaturegroupDTO"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := sql(t, d.s, d.key, d.pid, obj{"leftFeatureGroup": tt.group, "leftFeatures": feats("*")})
			assert.Equal(t, selectAll(customers, "bank_featurestore"), got["query"], "a shared feature group is read from its owner's database")
			assert.Equal(t, selectAll(customers, "bank"), got["queryOnline"])
			assert.NotContains(t, got, "pitQuery")
			assert.NotContains(t, got, "hqsPayload")
		})
	}
	t.Run("verbose Python form", func(t *testing.T) {
		// The left feature group of the Python client's query fixture, a
		// full FeaturegroupDTO, pointed at customers_1.
		var fixture map[string]map[string]map[string]any
		readFixture(t, "query_fixtures.json", &fixture)
		group := fixture["get"]["response"]["left_feature_group"].(map[string]any)
		group["id"] = d.customers
		group["eventTime"] = nil
		var features []any
		for _, f := range customers.Features {
			features = append(features, obj{"name": f.Name, "type": f.Type, "primary": f.Primary, "partition": false,
				"hudiPrecombineKey": false, "defaultValue": nil, "featureGroupId": d.customers, "onlineType": nil})
		}
		query := obj{"featureStoreName": "bank_featurestore", "featureStoreId": 67, "leftFeatureGroup": group,
			"leftFeatures": features, "leftFeatureGroupStartTime": nil, "leftFeatureGroupEndTime": nil,
			"joins": []any{}, "filter": nil, "hiveEngine": true, "limit": nil}
		got := sql(t, d.s, d.key, d.pid, query)
		assert.Equal(t, selectAll(customers, "bank_featurestore"), got["query"])
	})
	t.Run("some features, in request order", func(t *testing.T) {
		got := sql(t, d.s, d.key, d.pid, obj{"leftFeatureGroup": obj{"id": d.tx}, "leftFeatures": feats("amount", "tx_id", "amount")})
		assert.Equal(t, "SELECT `fg0`.`amount` `amount`, `fg0`.`tx_id` `tx_id`, `fg0`.`amount` `amount`\n"+
			"FROM `fraud_featurestore`.`transactions_1` `fg0`", got["query"])
	})
}

// readFixture decodes one of the Hopsworks client's fixture files, copied
// into testdata.
func readFixture(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, v))
}

func TestQueryFilters(t *testing.T) {
	d := newDemoSession(t, Config{})
	f := func(feature, cond string, value any) obj {
		return obj{"feature": obj{"name": feature, "featureGroupId": d.customers}, "condition": cond, "value": value}
	}
	single := func(filter obj) obj { return obj{"type": "SINGLE", "leftFilter": filter} }
	logic := func(typ string, left, right obj) obj {
		out := obj{"type": typ}
		for side, v := range map[string]obj{"left": left, "right": right} {
			if _, isLogic := v["type"]; isLogic {
				out[side+"Logic"] = v
			} else {
				out[side+"Filter"] = v
			}
		}
		return out
	}
	country := f("country", "EQUALS", "SE")
	age := f("age", "GREATER_THAN", "30")
	limit := f("credit_limit", "LESS_THAN_OR_EQUAL", "1000.5")
	seg := f("segment", "NOT_EQUALS", "business")
	nameFeature, err := json.Marshal(obj{"name": "segment", "featureGroupId": d.customers, "type": "string"})
	require.NoError(t, err)

	tests := []struct {
		name   string
		filter obj
		where  string
	}{
		{"string", single(country), "`fg0`.`country` = 'SE'"},
		{"quote in a string", single(f("name", "EQUALS", "O'Brien")), "`fg0`.`name` = 'O''Brien'"},
		{"int", single(age), "`fg0`.`age` > 30"},
		{"int sent as a JSON number", single(f("age", "GREATER_THAN", 30)), "`fg0`.`age` > 30"},
		{"double", single(limit), "`fg0`.`credit_limit` <= 1000.5"},
		{"not equals", single(seg), "`fg0`.`segment` <> 'business'"},
		{"greater or equal", single(f("age", "GREATER_THAN_OR_EQUAL", "18")), "`fg0`.`age` >= 18"},
		{"less than", single(f("age", "LESS_THAN", "18")), "`fg0`.`age` < 18"},
		{"date", single(f("signup_date", "GREATER_THAN", "2020-01-31")), "`fg0`.`signup_date` > DATE '2020-01-31'"},
		{"like", single(f("name", "LIKE", "Ann%")), "`fg0`.`name` LIKE 'Ann%'"},
		{"in strings", single(f("country", "IN", `["SE", "NO"]`)), "`fg0`.`country` IN ('SE', 'NO')"},
		{"in numbers", single(f("age", "IN", "[20, 30, 40]")), "`fg0`.`age` IN (20, 30, 40)"},
		{"in with null", single(f("country", "IN", `["SE", null]`)), "`fg0`.`country` IN ('SE') OR `fg0`.`country` IS NULL"},
		{"in only null", single(f("country", "IN", `[null]`)), "`fg0`.`country` IS NULL"},
		{"in a single value", single(f("country", "IN", "SE")), "`fg0`.`country` IN ('SE')"},
		{"is null", single(f("age", "EQUALS", nil)), "`fg0`.`age` IS NULL"},
		{"IS null", single(f("age", "IS", nil)), "`fg0`.`age` IS NULL"},
		// The backend has no IS NOT NULL: a null value makes IS NULL
		// with EQUALS and IS only, and a NULL literal otherwise.
		{"not equals null", single(f("age", "NOT_EQUALS", nil)), "`fg0`.`age` <> NULL"},
		{"feature to feature", single(f("country", "NOT_EQUALS", string(nameFeature))), "`fg0`.`country` <> `fg0`.`segment`"},
		{"and", logic("AND", country, age), "`fg0`.`country` = 'SE' AND `fg0`.`age` > 30"},
		{"or", logic("OR", country, age), "`fg0`.`country` = 'SE' OR `fg0`.`age` > 30"},
		{"(or) and", logic("AND", logic("OR", country, age), limit), "(`fg0`.`country` = 'SE' OR `fg0`.`age` > 30) AND `fg0`.`credit_limit` <= 1000.5"},
		{"and (or)", logic("AND", limit, logic("OR", country, age)), "`fg0`.`credit_limit` <= 1000.5 AND (`fg0`.`country` = 'SE' OR `fg0`.`age` > 30)"},
		{"(and) or", logic("OR", logic("AND", country, age), limit), "`fg0`.`country` = 'SE' AND `fg0`.`age` > 30 OR `fg0`.`credit_limit` <= 1000.5"},
		{"(and) or (or)", logic("OR", logic("AND", country, age), logic("OR", seg, limit)),
			"`fg0`.`country` = 'SE' AND `fg0`.`age` > 30 OR (`fg0`.`segment` <> 'business' OR `fg0`.`credit_limit` <= 1000.5)"},
		{"left-deep and, as the Python client builds it", logic("AND", logic("AND", country, age), limit),
			"`fg0`.`country` = 'SE' AND `fg0`.`age` > 30 AND `fg0`.`credit_limit` <= 1000.5"},
		{"right-nested and", logic("AND", country, logic("AND", age, limit)),
			"`fg0`.`country` = 'SE' AND (`fg0`.`age` > 30 AND `fg0`.`credit_limit` <= 1000.5)"},
		{"in with null under and", logic("AND", age, single(f("country", "IN", `["SE", null]`))),
			"`fg0`.`age` > 30 AND (`fg0`.`country` IN ('SE') OR `fg0`.`country` IS NULL)"},
		{"is null under or", logic("OR", f("age", "EQUALS", nil), country), "`fg0`.`age` IS NULL OR `fg0`.`country` = 'SE'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := sql(t, d.s, d.key, d.pid, obj{"leftFeatureGroup": obj{"id": d.customers}, "leftFeatures": feats("customer_id"), "filter": tt.filter})
			want := "SELECT `fg0`.`customer_id` `customer_id`\nFROM `bank_featurestore`.`customers_1` `fg0`\nWHERE " + tt.where
			assert.Equal(t, want, got["query"])
			assert.Equal(t, strings.Replace(want, "`bank_featurestore`", "`bank`", 1), got["queryOnline"])
		})
	}

	t.Run("timestamps, decimals and booleans", func(t *testing.T) {
		tf := func(feature, cond, value string) obj {
			return obj{"feature": obj{"name": feature, "featureGroupId": d.tx}, "condition": cond, "value": value}
		}
		filter := logic("AND", logic("AND", tf("ts", "GREATER_THAN_OR_EQUAL", "2026-02-01 00:00:00"), tf("amount", "GREATER_THAN", "100.50")),
			tf("is_fraud", "EQUALS", "True"))
		got := sql(t, d.s, d.key, d.pid, obj{"leftFeatureGroup": obj{"id": d.tx}, "leftFeatures": feats("tx_id"), "filter": filter})
		assert.Equal(t, "SELECT `fg0`.`tx_id` `tx_id`\nFROM `fraud_featurestore`.`transactions_1` `fg0`\n"+
			"WHERE `fg0`.`ts` >= TIMESTAMP '2026-02-01 00:00:00.000' AND `fg0`.`amount` > 100.50 AND `fg0`.`is_fraud` = True", got["query"])
		got = sql(t, d.s, d.key, d.pid, obj{"leftFeatureGroup": obj{"id": d.tx}, "leftFeatures": feats("tx_id"),
			"filter": single(tf("ts", "LESS_THAN", "2026-02-01 12:30:45.123456"))})
		assert.Contains(t, got["query"], "`fg0`.`ts` < TIMESTAMP '2026-02-01 12:30:45.123'", "timestamps have millisecond precision")
	})
	t.Run("verbose filter feature of the Python fixture", func(t *testing.T) {
		var fixture map[string]map[string]map[string]any
		readFixture(t, "filter_fixtures.json", &fixture)
		feature := fixture["get"]["response"]["feature"].(map[string]any)
		feature["name"] = "age"
		feature["featureGroupId"] = d.customers
		feature["type"] = "int"
		got := sql(t, d.s, d.key, d.pid, obj{"leftFeatureGroup": obj{"id": d.customers}, "leftFeatures": feats("customer_id"),
			"filter": single(obj{"feature": feature, "condition": "GREATER_THAN", "value": "30"})})
		assert.True(t, strings.HasSuffix(got["query"].(string), "WHERE `fg0`.`age` > 30"), got["query"])
	})
}
