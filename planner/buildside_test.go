package planner

import (
	"context"
	"fmt"
	"strconv"
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
