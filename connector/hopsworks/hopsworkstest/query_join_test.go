package hopsworkstest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sub is a joined query.
func sub(id int, features ...string) obj {
	return obj{"leftFeatureGroup": obj{"id": id}, "leftFeatures": feats(features...)}
}

func TestQueryTwoWayJoinWithSharedGroup(t *testing.T) {
	d := newDemoSession(t, Config{})
	tests := []struct {
		name string
		join obj
		want string
	}{
		{"on", obj{"query": sub(d.customers, "name", "country"), "on": feats("customer_id"), "type": "LEFT"},
			"SELECT `fg1`.`tx_id` `tx_id`, `fg1`.`amount` `amount`, `fg0`.`name` `name`, `fg0`.`country` `country`\n" +
				"FROM `fraud_featurestore`.`transactions_1` `fg1`\n" +
				"LEFT JOIN `bank_featurestore`.`customers_1` `fg0` ON `fg1`.`customer_id` = `fg0`.`customer_id`"},
		{"leftOn/rightOn, prefix", obj{"query": sub(d.merchants, "name", "risk_score"), "leftOn": feats("merchant_id"), "rightOn": feats("merchant_id"), "type": "INNER", "prefix": "m_"},
			"SELECT `fg1`.`tx_id` `tx_id`, `fg1`.`amount` `amount`, `fg0`.`name` `m_name`, `fg0`.`risk_score` `m_risk_score`\n" +
				"FROM `fraud_featurestore`.`transactions_1` `fg1`\n" +
				"INNER JOIN `bank_featurestore`.`merchants_1` `fg0` ON `fg1`.`merchant_id` = `fg0`.`merchant_id`"},
		{"default type is INNER", obj{"query": sub(d.customers, "name"), "on": feats("customer_id")},
			"SELECT `fg1`.`tx_id` `tx_id`, `fg1`.`amount` `amount`, `fg0`.`name` `name`\n" +
				"FROM `fraud_featurestore`.`transactions_1` `fg1`\n" +
				"INNER JOIN `bank_featurestore`.`customers_1` `fg0` ON `fg1`.`customer_id` = `fg0`.`customer_id`"},
		{"RIGHT", obj{"query": sub(d.customers, "name"), "on": feats("customer_id"), "type": "RIGHT"},
			"SELECT `fg1`.`tx_id` `tx_id`, `fg1`.`amount` `amount`, `fg0`.`name` `name`\n" +
				"FROM `fraud_featurestore`.`transactions_1` `fg1`\n" +
				"RIGHT JOIN `bank_featurestore`.`customers_1` `fg0` ON `fg1`.`customer_id` = `fg0`.`customer_id`"},
		{"FULL", obj{"query": sub(d.customers, "name"), "on": feats("customer_id"), "type": "FULL"},
			"SELECT `fg1`.`tx_id` `tx_id`, `fg1`.`amount` `amount`, `fg0`.`name` `name`\n" +
				"FROM `fraud_featurestore`.`transactions_1` `fg1`\n" +
				"FULL JOIN `bank_featurestore`.`customers_1` `fg0` ON `fg1`.`customer_id` = `fg0`.`customer_id`"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := sql(t, d.s, d.key, d.pid, obj{"leftFeatureGroup": obj{"id": d.tx}, "leftFeatures": feats("tx_id", "amount"), "joins": []any{tt.join}})
			assert.Equal(t, tt.want, got["query"])
			online := strings.NewReplacer("`fraud_featurestore`", "`fraud`", "`bank_featurestore`", "`bank`").Replace(tt.want)
			assert.Equal(t, online, got["queryOnline"])
		})
	}
}

func TestQueryThreeWayJoin(t *testing.T) {
	d := newDemoSession(t, Config{})
	query := obj{
		"leftFeatureGroup": obj{"id": d.tx},
		"leftFeatures":     feats("tx_id", "customer_id", "amount"),
		"joins": []any{
			obj{"query": obj{"leftFeatureGroup": obj{"id": d.customers}, "leftFeatures": feats("customer_id", "segment"),
				"filter": obj{"type": "SINGLE", "leftFilter": obj{"feature": obj{"name": "segment"}, "condition": "EQUALS", "value": "premium"}}},
				"on": feats("customer_id"), "type": "LEFT"},
			obj{"query": obj{"leftFeatureGroup": obj{"id": d.merchants}, "leftFeatures": feats("category"),
				"filter": obj{"type": "SINGLE", "leftFilter": obj{"feature": obj{"name": "risk_score", "featureGroupId": d.merchants}, "condition": "GREATER_THAN", "value": "0.5"}}},
				"leftOn": feats("merchant_id"), "rightOn": feats("merchant_id"), "type": "INNER", "prefix": "m_"},
		},
		"filter": obj{"type": "SINGLE", "leftFilter": obj{"feature": obj{"name": "amount", "featureGroupId": d.tx}, "condition": "GREATER_THAN", "value": "1000"}},
	}
	got := sql(t, d.s, d.key, d.pid, query)
	// Aliases depth first, root last; customer_id of the right side is
	// dropped because the left side selects the join key; the filters
	// combine as root AND (last join AND (first join)).
	assert.Equal(t, "SELECT `fg2`.`tx_id` `tx_id`, `fg2`.`customer_id` `customer_id`, `fg2`.`amount` `amount`, `fg0`.`segment` `segment`, `fg1`.`category` `m_category`\n"+
		"FROM `fraud_featurestore`.`transactions_1` `fg2`\n"+
		"LEFT JOIN `bank_featurestore`.`customers_1` `fg0` ON `fg2`.`customer_id` = `fg0`.`customer_id`\n"+
		"INNER JOIN `bank_featurestore`.`merchants_1` `fg1` ON `fg2`.`merchant_id` = `fg1`.`merchant_id`\n"+
		"WHERE `fg2`.`amount` > 1000 AND (`fg1`.`risk_score` > 0.5 AND `fg0`.`segment` = 'premium')", got["query"])
	assert.Equal(t, "SELECT `fg2`.`tx_id` `tx_id`, `fg2`.`customer_id` `customer_id`, `fg2`.`amount` `amount`, `fg0`.`segment` `segment`, `fg1`.`category` `m_category`\n"+
		"FROM `fraud`.`transactions_1` `fg2`\n"+
		"LEFT JOIN `bank`.`customers_1` `fg0` ON `fg2`.`customer_id` = `fg0`.`customer_id`\n"+
		"INNER JOIN `bank`.`merchants_1` `fg1` ON `fg2`.`merchant_id` = `fg1`.`merchant_id`\n"+
		"WHERE `fg2`.`amount` > 1000 AND (`fg1`.`risk_score` > 0.5 AND `fg0`.`segment` = 'premium')", got["queryOnline"])

	t.Run("only join filters", func(t *testing.T) {
		delete(query, "filter")
		got := sql(t, d.s, d.key, d.pid, query)
		assert.True(t, strings.HasSuffix(got["query"].(string), "\nWHERE `fg1`.`risk_score` > 0.5 AND `fg0`.`segment` = 'premium'"), got["query"])
	})
}

func TestQueryJoinKeys(t *testing.T) {
	d := newDemoSession(t, Config{})
	t.Run("primary keys in common", func(t *testing.T) {
		// customers_1 and customers_2 share the primary key customer_id.
		admin := d.s.NewAPIKey(AdminUser)
		bank := projectID(t, d.s, admin, "bank")
		c2 := groupID(t, d.s, admin, bank, storeID(t, d.s, admin, bank, "bank_featurestore"), "customers", 2)
		got := sql(t, d.s, d.key, d.pid, obj{"leftFeatureGroup": obj{"id": d.customers}, "leftFeatures": feats("customer_id", "name"),
			"joins": []any{obj{"query": sub(c2, "customer_id", "email_domain")}}})
		assert.Equal(t, "SELECT `fg1`.`customer_id` `customer_id`, `fg1`.`name` `name`, `fg0`.`email_domain` `email_domain`\n"+
			"FROM `bank_featurestore`.`customers_1` `fg1`\n"+
			"INNER JOIN `bank_featurestore`.`customers_2` `fg0` ON `fg1`.`customer_id` = `fg0`.`customer_id`", got["query"])
	})
	t.Run("right key kept when the left does not select it", func(t *testing.T) {
		got := sql(t, d.s, d.key, d.pid, obj{"leftFeatureGroup": obj{"id": d.tx}, "leftFeatures": feats("tx_id"),
			"joins": []any{obj{"query": sub(d.customers, "customer_id", "name"), "on": feats("customer_id")}}})
		assert.True(t, strings.HasPrefix(got["query"].(string), "SELECT `fg1`.`tx_id` `tx_id`, `fg0`.`customer_id` `customer_id`, `fg0`.`name` `name`\n"), got["query"])
	})
	t.Run("right key kept when prefixed", func(t *testing.T) {
		got := sql(t, d.s, d.key, d.pid, obj{"leftFeatureGroup": obj{"id": d.tx}, "leftFeatures": feats("customer_id"),
			"joins": []any{obj{"query": sub(d.customers, "customer_id"), "on": feats("customer_id"), "prefix": "c_"}}})
		assert.True(t, strings.HasPrefix(got["query"].(string), "SELECT `fg1`.`customer_id` `customer_id`, `fg0`.`customer_id` `c_customer_id`\n"), got["query"])
	})
	t.Run("several keys", func(t *testing.T) {
		got := sql(t, d.s, d.key, d.pid, obj{"leftFeatureGroup": obj{"id": d.spend}, "leftFeatures": feats("spend_7d"),
			"joins": []any{obj{"query": sub(d.tx, "amount"), "leftOn": feats("customer_id", "ts"), "rightOn": feats("customer_id", "ts")}}})
		assert.Contains(t, got["query"], "ON `fg1`.`customer_id` = `fg0`.`customer_id` AND `fg1`.`ts` = `fg0`.`ts`")
	})
	t.Run("backend join fixture", func(t *testing.T) {
		// A genuine backend serialization of a join (leftOn/rightOn, a
		// stream feature group with every field), pointed at customers_1.
		var fixture map[string]map[string]map[string]any
		readFixture(t, "join_fixtures.json", &fixture)
		join := fixture["left_on_right_on"]["response"]
		q := join["query"].(map[string]any)
		q["leftFeatureGroup"].(map[string]any)["id"] = d.customers
		q["leftFeatures"].([]any)[0].(map[string]any)["name"] = "segment"
		join["leftOn"].([]any)[0].(map[string]any)["name"] = "customer_id"
		join["rightOn"].([]any)[0].(map[string]any)["name"] = "customer_id"
		got := sql(t, d.s, d.key, d.pid, obj{"leftFeatureGroup": obj{"id": d.tx}, "leftFeatures": feats("tx_id"), "joins": []any{join}})
		assert.Equal(t, "SELECT `fg1`.`tx_id` `tx_id`, `fg0`.`segment` `segment`\n"+
			"FROM `fraud_featurestore`.`transactions_1` `fg1`\n"+
			"LEFT JOIN `bank_featurestore`.`customers_1` `fg0` ON `fg1`.`customer_id` = `fg0`.`customer_id`", got["query"])
	})
}

func TestQueryFilterFeatureLookup(t *testing.T) {
	d := newDemoSession(t, Config{})
	query := func(filterFeature obj) obj {
		return obj{"leftFeatureGroup": obj{"id": d.tx}, "leftFeatures": feats("tx_id"),
			"joins":  []any{obj{"query": sub(d.customers, "name"), "on": feats("customer_id")}},
			"filter": obj{"type": "SINGLE", "leftFilter": obj{"feature": filterFeature, "condition": "EQUALS", "value": "7"}}}
	}
	got := sql(t, d.s, d.key, d.pid, query(obj{"name": "customer_id", "featureGroupId": d.tx}))
	assert.Contains(t, got["query"], "WHERE `fg1`.`customer_id` = 7")
	got = sql(t, d.s, d.key, d.pid, query(obj{"name": "customer_id", "featureGroupId": d.customers}))
	assert.Contains(t, got["query"], "WHERE `fg0`.`customer_id` = 7")
	// Without featureGroupId the backend takes the first feature group of
	// its HashMap that has the feature: the order of buckets id & 15.
	want := "`fg1`"
	if d.customers&15 < d.tx&15 {
		want = "`fg0`"
	}
	got = sql(t, d.s, d.key, d.pid, query(obj{"name": "customer_id"}))
	assert.Contains(t, got["query"], "WHERE "+want+".`customer_id` = 7")
	got = sql(t, d.s, d.key, d.pid, query(obj{"name": "country"}))
	assert.Contains(t, got["query"], "WHERE `fg0`.`country` = '7'", "a feature only one group has")
}

func TestQueryPointInTimeDemo(t *testing.T) {
	d := newDemoSession(t, Config{})
	query := obj{
		"leftFeatureGroup": obj{"id": d.tx, "eventTime": "ts"},
		"leftFeatures":     feats("tx_id", "customer_id", "ts"),
		"joins": []any{obj{"query": obj{"leftFeatureGroup": obj{"id": d.spend, "eventTime": "ts"}, "leftFeatures": feats("customer_id", "ts", "spend_7d")},
			"on": feats("customer_id"), "type": "LEFT"}},
	}
	got := sql(t, d.s, d.key, d.pid, query)
	// The joined event time and the duplicate key leave the select list.
	assert.Equal(t, "SELECT `fg1`.`tx_id` `tx_id`, `fg1`.`customer_id` `customer_id`, `fg1`.`ts` `ts`, `fg0`.`spend_7d` `spend_7d`\n"+
		"FROM `fraud_featurestore`.`transactions_1` `fg1`\n"+
		"LEFT JOIN `fraud_featurestore`.`customer_spend_1` `fg0` ON `fg1`.`customer_id` = `fg0`.`customer_id`", got["query"])
	assert.Equal(t, "SELECT `fg1`.`tx_id` `tx_id`, `fg1`.`customer_id` `customer_id`, `fg1`.`ts` `ts`, `fg0`.`spend_7d` `spend_7d`\n"+
		"FROM `fraud_featurestore`.`transactions_1` `fg1`\n"+
		"ASOF LEFT JOIN `fraud_featurestore`.`customer_spend_1` `fg0` ON `fg1`.`customer_id` = `fg0`.`customer_id` AND `fg1`.`ts` >= `fg0`.`ts`", got["pitQueryAsof"])
	require.Contains(t, got, "pitQuery")
	assert.True(t, strings.HasPrefix(got["pitQuery"].(string), "WITH right_fg0 AS (SELECT *\nFROM (SELECT "), got["pitQuery"])

	t.Run("a group without event time disables PIT", func(t *testing.T) {
		q := obj{"leftFeatureGroup": obj{"id": d.tx, "eventTime": "ts"}, "leftFeatures": feats("tx_id"),
			"joins": []any{obj{"query": obj{"leftFeatureGroup": obj{"id": d.customers, "eventTime": "signup_date"}, "leftFeatures": feats("name")},
				"on": feats("customer_id")}}}
		got := sql(t, d.s, d.key, d.pid, q)
		assert.NotContains(t, got, "pitQueryAsof", "customers_1 has no event time in its metadata")
	})
	t.Run("three-way", func(t *testing.T) {
		// campaigns_1 is in marketing; share it with fraud. Ids are the
		// same on every server over the demo store.
		shares := start(t, Config{Shares: map[string][]string{"marketing": {"fraud"}}})
		key := shares.NewAPIKey("fraud_user")
		pid := projectID(t, shares, key, "fraud")
		mfs := storeID(t, shares, key, pid, "marketing_featurestore")
		campaigns := groupID(t, shares, key, pid, mfs, "campaigns", 1)
		q := obj{"leftFeatureGroup": obj{"id": d.tx, "eventTime": "ts"}, "leftFeatures": feats("tx_id"),
			"joins": []any{
				obj{"query": obj{"leftFeatureGroup": obj{"id": d.spend, "eventTime": "ts"}, "leftFeatures": feats("spend_7d")}, "on": feats("customer_id")},
				obj{"query": obj{"leftFeatureGroup": obj{"id": campaigns, "eventTime": "sent_at"}, "leftFeatures": feats("channel")}, "on": feats("customer_id"), "prefix": "c_"},
			}}
		got := sql(t, shares, key, pid, q)
		assert.Equal(t, "SELECT `fg2`.`tx_id` `tx_id`, `fg0`.`spend_7d` `spend_7d`, `fg1`.`channel` `c_channel`\n"+
			"FROM `fraud_featurestore`.`transactions_1` `fg2`\n"+
			"ASOF INNER JOIN `fraud_featurestore`.`customer_spend_1` `fg0` ON `fg2`.`customer_id` = `fg0`.`customer_id` AND `fg2`.`ts` >= `fg0`.`ts`\n"+
			"ASOF INNER JOIN `marketing_featurestore`.`campaigns_1` `fg1` ON `fg2`.`customer_id` = `fg1`.`customer_id` AND `fg2`.`ts` >= `fg1`.`sent_at`", got["pitQueryAsof"])
	})
}

func TestQueryTimeTravel(t *testing.T) {
	d := newDemoSession(t, Config{})
	end := int64(1767225600000)
	q := obj{"leftFeatureGroup": obj{"id": d.tx}, "leftFeatures": feats("tx_id"), "leftFeatureGroupEndTime": end, "hiveEngine": false}
	got := sql(t, d.s, d.key, d.pid, q)
	assert.Equal(t, "SELECT `fg0`.`tx_id` `tx_id`\nFROM `fg0` `fg0`", got["query"], "a Spark client reads the time-travel view fg0")
	assert.Equal(t, "SELECT `fg0`.`tx_id` `tx_id`\nFROM `fraud`.`transactions_1` `fg0`", got["queryOnline"])
	aliases := got["hudiCachedFeatureGroups"].([]any)
	require.Len(t, aliases, 1)
	alias := aliases[0].(map[string]any)
	assert.Equal(t, "fg0", alias["alias"])
	assert.EqualValues(t, end, alias["leftFeatureGroupEndTimestamp"])
	assert.NotContains(t, alias, "leftFeatureGroupStartTimestamp")
	assert.EqualValues(t, d.tx, alias["featureGroup"].(map[string]any)["id"])
	assert.Contains(t, alias["featureGroup"], "location")
}
