package hopsworks

import (
	"context"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hopsql/hopsql/catalog"
	"github.com/hopsql/hopsql/connector"
	"github.com/hopsql/hopsql/connector/hopsworks/hopsworkstest"
	"github.com/hopsql/hopsql/connector/local"
	"github.com/hopsql/hopsql/connector/local/localtest"
	"github.com/hopsql/hopsql/engine"
	"github.com/hopsql/hopsql/planner"
)

// runSQL plans and runs sql for project over src with hopsql's catalog,
// planner and engine, and returns the rows as text and the plan's
// explanation.
func runSQL(t *testing.T, src connector.Source, project, sql string) ([][]string, string) {
	t.Helper()
	ctx := context.Background()
	cat, err := catalog.New(ctx, src, project)
	require.NoError(t, err)
	plan, err := planner.New(cat).Plan(ctx, sql)
	require.NoError(t, err)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rr, err := plan.Run(ctx, &engine.Exec{Mem: mem})
	require.NoError(t, err)
	defer rr.Release()
	return localtest.Rows(t, rr), plan.Explain()
}

// assertSameRows compares rows of text in any order, floating-point
// cells up to rounding: sums over batches cut differently may differ in
// their last bits.
func assertSameRows(t *testing.T, want, got [][]string) {
	t.Helper()
	want, got = localtest.Sorted(want), localtest.Sorted(got)
	require.Len(t, got, len(want))
	for i := range want {
		require.Len(t, got[i], len(want[i]))
		for j := range want[i] {
			w, werr := strconv.ParseFloat(want[i][j], 64)
			g, gerr := strconv.ParseFloat(got[i][j], 64)
			if werr == nil && gerr == nil && strings.Contains(want[i][j]+got[i][j], ".") {
				assert.InDelta(t, w, g, 1e-12*max(1, math.Abs(w)), "row %d column %d", i, j)
				continue
			}
			assert.Equal(t, want[i][j], got[i][j], "row %d column %d", i, j)
		}
	}
}

// TestEngineOverHopsworks runs queries through the whole engine over the
// test server and over the embedded store holding the same warehouse:
// the same rows come back.
func TestEngineOverHopsworks(t *testing.T) {
	queries := []string{
		// The README's query.
		`SELECT c.segment, count(*) AS n, avg(t.amount) AS avg_amount
		 FROM transactions_1 t JOIN bank::customers_1 c ON t.customer_id = c.customer_id
		 GROUP BY c.segment`,
		`SELECT count(*) FROM transactions_1`,
		`SELECT count(*) FROM transactions_1 WHERE merchant_id IS NOT NULL AND amount > 250`,
		`SELECT tx_id, amount, ts FROM transactions_1
		 WHERE ts >= TIMESTAMP '2026-03-01 00:00:00' AND currency IN ('EUR', 'USD') AND NOT is_fraud`,
		`SELECT customer_id, name FROM bank::customers_1 WHERE name LIKE 'A%' OR age IS NULL`,
		`SELECT tx_id FROM transactions_1 WHERE tx_id < 100 ORDER BY tx_id LIMIT 10`,
	}
	w, err := local.Open(warehouse.get(t))
	require.NoError(t, err)
	for _, hqs := range []bool{false, true} {
		srv := startServerWith(t, hopsworkstest.Config{HQSPayload: hqs})
		c := connect(t, srv, "fraud", "fraud_user")
		for _, sql := range queries {
			name := strings.Join(strings.Fields(sql), " ")
			t.Run(map[bool]string{false: "C/", true: "D/"}[hqs]+name[:min(len(name), 60)], func(t *testing.T) {
				want, _ := runSQL(t, w, "fraud", sql)
				got, explain := runSQL(t, c, "fraud", sql)
				require.NotEmpty(t, want)
				assertSameRows(t, want, got)
				assert.Contains(t, explain, "Hopsworks Query Service")
			})
		}
	}
}
