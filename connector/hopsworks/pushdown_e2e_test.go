package hopsworks

import (
	"context"
	"testing"

	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hopsql/hopsql/catalog"
	"github.com/hopsql/hopsql/connector/hopsworks/hopsworkstest"
	"github.com/hopsql/hopsql/connector/local"
	"github.com/hopsql/hopsql/connector/local/localtest"
	"github.com/hopsql/hopsql/engine"
	"github.com/hopsql/hopsql/planner"
)

// trainingJoin is the bench report's training join
// (bench/cmd/report/workload.go): a range on the root, <> on one
// sub-query and IS NOT NULL on the other.
const trainingJoin = `SELECT t.tx_id, t.amount, t.currency, t.ts, t.is_fraud,
       c.age, c.country AS customer_country, c.segment, c.credit_limit,
       m.category, m.country AS merchant_country, m.risk_score
FROM transactions_1 t
JOIN bank::customers_1 c ON t.customer_id = c.customer_id
JOIN bank::merchants_1 m ON t.merchant_id = m.merchant_id
WHERE t.ts >= date '2026-02-01' AND t.ts < date '2026-03-01'
  AND c.segment <> 'business' AND m.risk_score IS NOT NULL`

// TestTrainingJoinReadsOnlyTheResult plans the training join over the
// test server: every conjunct goes to Hopsworks exactly, IS NOT NULL
// included, so no filter is left above the pushed-down join and the rows
// that cross Flight are the result's, which are the embedded store's.
func TestTrainingJoinReadsOnlyTheResult(t *testing.T) {
	ctx := context.Background()
	w, err := local.Open(warehouse.get(t))
	require.NoError(t, err)
	want, _ := runSQL(t, w, "fraud", trainingJoin)
	require.NotEmpty(t, want)
	for _, hqs := range []bool{false, true} {
		t.Run(map[bool]string{false: "generation C", true: "generation D"}[hqs], func(t *testing.T) {
			srv := startServerWith(t, hopsworkstest.Config{HQSPayload: hqs})
			c := connect(t, srv, "fraud", "fraud_user")
			cat, err := catalog.New(ctx, c, "fraud")
			require.NoError(t, err)
			plan, err := planner.New(cat).Plan(ctx, trainingJoin)
			require.NoError(t, err)
			explain := plan.Explain()
			assert.Contains(t, explain, "RemoteJoin")
			assert.Contains(t, explain, "sent to Hopsworks: (`risk_score` = 0.0) OR (`risk_score` <> 0.0)")
			assert.NotContains(t, explain, "Filter ", "no conjunct is applied again")
			assert.NotContains(t, explain, "applied again by hopsql")

			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			var progress engine.Progress
			rr, err := plan.Run(ctx, &engine.Exec{Mem: mem, Progress: &progress})
			require.NoError(t, err)
			got := localtest.Rows(t, rr)
			rr.Release()
			assertSameRows(t, want, got)
			assert.Equal(t, int64(len(got)), progress.Rows(), "rows read over Flight")
		})
	}
}
