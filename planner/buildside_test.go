package planner

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/hopsql/hopsql/connector/local/localtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestJoinsBuildOnTheSmallerLeftSide checks that left, semi and anti joins
// whose left side is the smaller build their hash table there (the
// engine's right variants), and that their answers are those of the
// definition, computed here from the files: customers (10,000 rows) against
// transactions (100,000), with a condition across the two sides besides
// the key.
func TestJoinsBuildOnTheSmallerLeftSide(t *testing.T) {
	customers := localtest.ReadTable(t, demoWarehouse, "bank", "customers_1")
	txs := localtest.ReadTable(t, demoWarehouse, "fraud", "transactions_1")
	byCustomer := localtest.Index(txs, "customer_id")
	// matches gives the transactions of customer c above c's age × 20
	// (none when the age is NULL).
	matches := func(c localtest.Row) []localtest.Row {
		if c["age"] == nil {
			return nil
		}
		age, err := strconv.ParseFloat(localtest.Text(c["age"]), 64)
		require.NoError(t, err)
		var out []localtest.Row
		for _, tx := range byCustomer[c["customer_id"]] {
			if tx["amount"] != nil && decimalValue(t, tx["amount"]) > age*20 {
				out = append(out, tx)
			}
		}
		return out
	}
	var left, semi, anti [][]string
	for _, c := range customers {
		id := localtest.Text(c["customer_id"])
		m := matches(c)
		if len(m) == 0 {
			left = append(left, []string{id, "NULL"})
			anti = append(anti, []string{id})
			continue
		}
		semi = append(semi, []string{id})
		for _, tx := range m {
			left = append(left, []string{id, localtest.Text(tx["tx_id"])})
		}
	}
	require.NotEmpty(t, semi)
	require.NotEmpty(t, anti)

	tests := []struct {
		name, sql, join string
		want            [][]string
	}{
		{"left", "SELECT c.customer_id, t.tx_id FROM bank::customers_1 c LEFT JOIN transactions_1 t ON t.customer_id = c.customer_id AND t.amount > c.age * 20",
			"HashJoin right on", left},
		{"exists", "SELECT c.customer_id FROM bank::customers_1 c WHERE EXISTS (SELECT 1 FROM transactions_1 t WHERE t.customer_id = c.customer_id AND t.amount > c.age * 20)",
			"HashJoin right semi on", semi},
		{"not exists", "SELECT c.customer_id FROM bank::customers_1 c WHERE NOT EXISTS (SELECT 1 FROM transactions_1 t WHERE t.customer_id = c.customer_id AND t.amount > c.age * 20)",
			"HashJoin right anti on", anti},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan, err := newPlanner(t, "fraud").Plan(context.Background(), "EXPLAIN "+tt.sql)
			require.NoError(t, err)
			assert.Contains(t, plan.Explain(), tt.join)
			got := localtest.Sorted(query(t, "fraud", tt.sql))
			assert.Equal(t, localtest.Sorted(tt.want), got, fmt.Sprintf("%d rows, want %d", len(got), len(tt.want)))
		})
	}
}

// TestSemiJoinSinksIntoTheInputItFilters checks that an IN subquery that
// keeps few rows filters the inner join input it reads (customers) before
// the join, that one as large as that input stays above the join, and
// that both answer as the definition does.
func TestSemiJoinSinksIntoTheInputItFilters(t *testing.T) {
	txs := localtest.ReadTable(t, demoWarehouse, "fraud", "transactions_1")
	// The transactions of the customers with a transaction above 100, as
	// (customer_id, tx_id) rows.
	big := map[any]bool{}
	for _, tx := range txs {
		if tx["customer_id"] != nil && tx["amount"] != nil && decimalValue(t, tx["amount"]) > 100 {
			big[tx["customer_id"]] = true
		}
	}
	var busy [][]string
	for _, tx := range txs {
		if big[tx["customer_id"]] {
			busy = append(busy, []string{localtest.Text(tx["customer_id"]), localtest.Text(tx["tx_id"])})
		}
	}
	require.NotEmpty(t, busy)
	const sql = `SELECT c.customer_id, t.tx_id FROM transactions_1 t JOIN bank::customers_1 c ON t.customer_id = c.customer_id
		WHERE c.customer_id IN (%s)`
	// The ten customers with the smallest ids, and their transactions.
	var first [][]string
	for _, tx := range txs {
		if tx["customer_id"] != nil && tx["customer_id"].(int64) <= 10 {
			first = append(first, []string{localtest.Text(tx["customer_id"]), localtest.Text(tx["tx_id"])})
		}
	}
	require.NotEmpty(t, first)

	tests := []struct {
		name  string
		sql   string
		want  [][]string
		sinks bool
	}{
		// The subquery over transactions (100,000 rows, estimated to
		// yield 25,000) would filter 10,000 customers: it stays above the
		// join.
		{"large subquery", fmt.Sprintf(sql, "SELECT customer_id FROM transactions_1 WHERE amount > 100"), busy, false},
		// Ten customers filter the customers before the join.
		{"small subquery", fmt.Sprintf(sql, "SELECT customer_id FROM bank::customers_1 ORDER BY customer_id LIMIT 10"), first, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan, err := newPlanner(t, "fraud").Plan(context.Background(), "EXPLAIN "+tt.sql)
			require.NoError(t, err)
			explain := plan.Explain()
			inner := strings.Index(explain, "HashJoin inner")
			semi := strings.Index(explain, "HashJoin semi")
			require.True(t, inner >= 0 && semi >= 0, explain)
			assert.Equal(t, tt.sinks, semi > inner, "whether the semi join sits below the inner join:\n%s", explain)
			assert.Equal(t, localtest.Sorted(tt.want), localtest.Sorted(query(t, "fraud", tt.sql)))
		})
	}
}

// TestAggregateInputFilteredByJoinKeys checks that an aggregate grouped by
// a join key reads only the rows whose key the other side has (a semi join
// under the aggregate) when that side is small, that an aggregate on the
// preserved side of a left join keeps every group, and that both answer as
// the definition does.
func TestAggregateInputFilteredByJoinKeys(t *testing.T) {
	txs := localtest.ReadTable(t, demoWarehouse, "fraud", "transactions_1")
	// The average amount of each customer's transactions.
	sums, counts := map[any]float64{}, map[any]int{}
	groups := map[any]int{}
	for _, tx := range txs {
		groups[tx["customer_id"]]++
		if tx["amount"] != nil {
			sums[tx["customer_id"]] += decimalValue(t, tx["amount"])
			counts[tx["customer_id"]]++
		}
	}
	var above [][]string
	for _, tx := range txs {
		id := tx["customer_id"]
		if id == nil || id.(int64) > 20 || tx["amount"] == nil || counts[id] == 0 {
			continue
		}
		if decimalValue(t, tx["amount"]) > sums[id]/float64(counts[id]) {
			above = append(above, []string{localtest.Text(tx["tx_id"])})
		}
	}
	require.NotEmpty(t, above)

	t.Run("correlated subquery", func(t *testing.T) {
		const sql = `SELECT t.tx_id FROM transactions_1 t JOIN bank::customers_1 c ON t.customer_id = c.customer_id
			WHERE c.customer_id <= 20 AND t.amount > (SELECT avg(t2.amount) FROM transactions_1 t2 WHERE t2.customer_id = c.customer_id)`
		plan, err := newPlanner(t, "fraud").Plan(context.Background(), "EXPLAIN "+sql)
		require.NoError(t, err)
		explain := plan.Explain()
		agg := strings.Index(explain, "HashAggregate keys: customer_id")
		require.GreaterOrEqual(t, agg, 0, explain)
		assert.Contains(t, explain[agg:], "HashJoin semi on customer_id = customer_id", explain)
		assert.Equal(t, localtest.Sorted(above), localtest.Sorted(query(t, "fraud", sql)))
	})
	t.Run("preserved side", func(t *testing.T) {
		const sql = `SELECT a.customer_id, a.n, c.customer_id FROM (SELECT customer_id, count(*) AS n FROM transactions_1 GROUP BY customer_id) a
			LEFT JOIN bank::customers_1 c ON a.customer_id = c.customer_id AND c.customer_id <= 20`
		plan, err := newPlanner(t, "fraud").Plan(context.Background(), "EXPLAIN "+sql)
		require.NoError(t, err)
		assert.NotContains(t, plan.Explain(), "semi", plan.Explain())
		var want [][]string
		for id, n := range groups {
			joined := "NULL"
			if id != nil && id.(int64) <= 20 {
				joined = localtest.Text(id)
			}
			want = append(want, []string{localtest.Text(id), strconv.Itoa(n), joined})
		}
		assert.Equal(t, localtest.Sorted(want), localtest.Sorted(query(t, "fraud", sql)))
	})
}

// TestJoinsOrderedByEstimates checks that a cluster of inner joins streams
// its largest relation and joins the filtered relation joined on its key
// before the others, whatever the written order, that a join on a column
// that is not the other relation's key (which could multiply the stream)
// waits, and that the answer is the definition's.
func TestJoinsOrderedByEstimates(t *testing.T) {
	txs := localtest.ReadTable(t, demoWarehouse, "fraud", "transactions_1")
	merchants := localtest.ReadTable(t, demoWarehouse, "bank", "merchants_1")
	risky := map[any]bool{}
	for _, m := range merchants {
		if m["risk_score"] != nil && m["risk_score"].(float64) > 0.9 {
			risky[m["merchant_id"]] = true
		}
	}
	customers := localtest.Index(localtest.ReadTable(t, demoWarehouse, "bank", "customers_1"), "customer_id")
	n := 0
	for _, tx := range txs {
		if risky[tx["merchant_id"]] && len(customers[tx["customer_id"]]) > 0 && tx["customer_id"] != nil {
			n++
		}
	}
	require.Positive(t, n)

	const sql = `SELECT count(*) FROM bank::customers_1 c, transactions_1 t, bank::merchants_1 m
		WHERE t.customer_id = c.customer_id AND t.merchant_id = m.merchant_id AND m.risk_score > 0.9`
	plan, err := newPlanner(t, "fraud").Plan(context.Background(), "EXPLAIN "+sql)
	require.NoError(t, err)
	explain := plan.Explain()
	// The first join (deepest in EXPLAIN) streams transactions against
	// the filtered merchants; customers come last.
	merchantsJoin := strings.Index(explain, "HashJoin inner on merchant_id = merchant_id")
	customersJoin := strings.Index(explain, "HashJoin inner on customer_id = customer_id")
	require.True(t, merchantsJoin >= 0 && customersJoin >= 0, explain)
	assert.Less(t, customersJoin, merchantsJoin, explain)
	assert.Less(t, strings.Index(explain, "Scan fraud::transactions_1 AS t"), strings.Index(explain, "Scan bank::merchants_1 AS m"), explain)
	assert.Equal(t, [][]string{{strconv.Itoa(n)}}, query(t, "fraud", sql))

	// Customers joined on country, not their key, could multiply the
	// stream: the key join on merchants comes first though customers are
	// smaller and written first.
	plan, err = newPlanner(t, "fraud").Plan(context.Background(), `EXPLAIN SELECT count(*)
		FROM bank::customers_1 c, transactions_1 t, bank::merchants_1 m
		WHERE c.country = m.country AND t.merchant_id = m.merchant_id`)
	require.NoError(t, err)
	explain = plan.Explain()
	assert.Less(t, strings.Index(explain, "country = country"), strings.Index(explain, "merchant_id = merchant_id"), explain)
}

// TestComparisonWithConstantExpression checks that a constant expression
// compared with a column takes the column's type, leaving the column
// uncast (a cast of every row), and that the answer is unchanged.
func TestComparisonWithConstantExpression(t *testing.T) {
	const sql = "SELECT count(*) FROM transactions_1 WHERE amount <= 1 + 10"
	plan, err := newPlanner(t, "fraud").Plan(context.Background(), "EXPLAIN "+sql)
	require.NoError(t, err)
	assert.NotContains(t, plan.Explain(), "CAST(", plan.Explain())
	assert.Contains(t, plan.Explain(), "amount <= 11")
	n := 0
	for _, tx := range localtest.ReadTable(t, demoWarehouse, "fraud", "transactions_1") {
		if tx["amount"] != nil && decimalValue(t, tx["amount"]) <= 11 {
			n++
		}
	}
	require.Positive(t, n)
	assert.Equal(t, [][]string{{strconv.Itoa(n)}}, query(t, "fraud", sql))
}
