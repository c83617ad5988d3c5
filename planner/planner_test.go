package planner

import (
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hopsql/hopsql/catalog"
	"github.com/hopsql/hopsql/connector/local"
	"github.com/hopsql/hopsql/connector/local/demo"
	"github.com/hopsql/hopsql/connector/local/localtest"
	"github.com/hopsql/hopsql/engine"
)

// demoWarehouse is a demo store at scale 1, generated once for the package's
// tests by TestMain.
var demoWarehouse string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "hopsql-planner-test-")
	if err != nil {
		panic(err)
	}
	if err := demo.Generate(context.Background(), dir, 1); err != nil {
		panic(err)
	}
	demoWarehouse = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func newPlanner(t *testing.T, project string) *Planner {
	t.Helper()
	wh, err := local.Open(demoWarehouse)
	require.NoError(t, err)
	cat, err := catalog.New(context.Background(), wh, project)
	require.NoError(t, err)
	return New(cat)
}

// query plans and runs sql in project, under a checked allocator, and
// returns the rows as text.
func query(t *testing.T, project, sql string) [][]string {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	plan, err := newPlanner(t, project).Plan(context.Background(), sql)
	require.NoError(t, err, sql)
	rr, err := plan.Run(context.Background(), &engine.Exec{Mem: mem, Parallelism: 2})
	require.NoError(t, err, sql)
	defer rr.Release()
	return localtest.Rows(t, rr)
}

func decimalValue(t *testing.T, v any) float64 {
	f, err := strconv.ParseFloat(v.(string), 64)
	require.NoError(t, err)
	return f
}

func TestSingleTableFilter(t *testing.T) {
	txs := localtest.ReadTable(t, demoWarehouse, "fraud", "transactions_1")
	cut := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	var want [][]string
	for _, r := range txs {
		if decimalValue(t, r["amount"]) > 1000 && r["currency"] == "EUR" && !r["ts"].(time.Time).Before(cut) {
			want = append(want, []string{localtest.Text(r["tx_id"]), localtest.Text(r["amount"]), localtest.Text(r["ts"])})
		}
	}
	require.NotEmpty(t, want)
	got := query(t, "fraud", "SELECT tx_id, amount, ts FROM transactions_1 WHERE amount > 1000 AND currency = 'EUR' AND ts >= '2026-03-10'")
	// A scan keeps the table's order.
	assert.Equal(t, want, got)
}

// The README's query: a join across projects, with filters on both sides.
const readmeQuery = `SELECT t.tx_id, t.ts, t.amount, c.name, c.segment, c.country
FROM transactions_1 t JOIN bank::customers_1 c ON t.customer_id = c.customer_id
WHERE t.is_fraud AND t.amount > 5000 AND c.segment <> 'retail'`

func TestCrossProjectJoin(t *testing.T) {
	txs := localtest.ReadTable(t, demoWarehouse, "fraud", "transactions_1")
	customers := localtest.Index(localtest.ReadTable(t, demoWarehouse, "bank", "customers_1"), "customer_id")
	var want [][]string
	for _, r := range txs {
		if r["is_fraud"] != true || decimalValue(t, r["amount"]) <= 5000 {
			continue
		}
		for _, c := range customers[r["customer_id"]] {
			if c["segment"] != "retail" {
				want = append(want, []string{localtest.Text(r["tx_id"]), localtest.Text(r["ts"]), localtest.Text(r["amount"]), localtest.Text(c["name"]), localtest.Text(c["segment"]), localtest.Text(c["country"])})
			}
		}
	}
	require.NotEmpty(t, want)
	got := query(t, "fraud", readmeQuery)
	assert.Equal(t, localtest.Sorted(want), localtest.Sorted(got))

	// The same join written with the other name forms and a comma join.
	for _, sql := range []string{
		"SELECT t.tx_id, t.ts, t.amount, c.name, c.segment, c.country FROM `fraud_featurestore`.`transactions_1` t, `bank_featurestore`.`customers_1` c WHERE t.customer_id = c.customer_id AND t.is_fraud AND t.amount > 5000 AND c.segment <> 'retail'",
		"SELECT t.tx_id, t.ts, t.amount, c.name, c.segment, c.country FROM `bank::customers_1` c JOIN FRAUD::transactions_1 t ON c.customer_id = t.customer_id AND t.is_fraud WHERE t.amount > 5000.00 AND NOT c.segment = 'retail'",
	} {
		assert.Equal(t, localtest.Sorted(want), localtest.Sorted(query(t, "fraud", sql)), sql)
	}
}

func TestOuterJoins(t *testing.T) {
	txs := localtest.ReadTable(t, demoWarehouse, "fraud", "transactions_1")
	merchants := localtest.Index(localtest.ReadTable(t, demoWarehouse, "bank", "merchants_1"), "merchant_id")
	var want [][]string
	nulls := 0
	for _, r := range txs {
		if r["tx_id"].(int64) >= 3000 {
			continue
		}
		ms := merchants[r["merchant_id"]]
		if len(ms) == 0 {
			nulls++
			want = append(want, []string{localtest.Text(r["tx_id"]), "NULL", "NULL"})
		}
		for _, m := range ms {
			want = append(want, []string{localtest.Text(r["tx_id"]), localtest.Text(m["name"]), localtest.Text(m["risk_score"])})
		}
	}
	require.Positive(t, nulls, "the demo data has transactions without a merchant")
	got := query(t, "fraud", "SELECT t.tx_id, m.name, m.risk_score FROM transactions_1 t LEFT JOIN bank::merchants_1 m ON t.merchant_id = m.merchant_id WHERE t.tx_id < 3000")
	assert.Equal(t, localtest.Sorted(want), localtest.Sorted(got))

	// RIGHT JOIN keeps the right side's unmatched rows.
	got = query(t, "fraud", "SELECT m.name, m.risk_score, t.tx_id FROM bank::merchants_1 m RIGHT JOIN transactions_1 t ON t.merchant_id = m.merchant_id WHERE t.tx_id < 3000")
	var swapped [][]string
	for _, r := range want {
		swapped = append(swapped, []string{r[1], r[2], r[0]})
	}
	assert.Equal(t, localtest.Sorted(swapped), localtest.Sorted(got))

	// WHERE on the nullable side of a LEFT JOIN sees the NULLs.
	got = query(t, "fraud", "SELECT t.tx_id FROM transactions_1 t LEFT JOIN bank::merchants_1 m ON t.merchant_id = m.merchant_id WHERE t.tx_id < 3000 AND m.merchant_id IS NULL")
	assert.Len(t, got, nulls)

	// USING merges the key: * shows it once.
	got = query(t, "fraud", "SELECT * FROM transactions_1 JOIN bank::merchants_1 USING (merchant_id) WHERE tx_id = 7")
	require.Len(t, got, 1)
	assert.Len(t, got[0], 7+4)
}

func TestThreeValuedLogic(t *testing.T) {
	customers := localtest.ReadTable(t, demoWarehouse, "bank", "customers_1")
	count := func(pred func(r localtest.Row) bool) int {
		n := 0
		for _, r := range customers {
			if pred(r) {
				n++
			}
		}
		return n
	}
	tests := []struct {
		where string
		want  int
	}{
		{"country IN ('SE', 'NO')", count(func(r localtest.Row) bool { return r["country"] == "SE" || r["country"] == "NO" })},
		{"country NOT IN ('SE', 'NO')", count(func(r localtest.Row) bool { return r["country"] != nil && r["country"] != "SE" && r["country"] != "NO" })},
		// NOT IN with a NULL in the list is never true.
		{"country NOT IN ('SE', NULL)", 0},
		{"country IN ('SE', NULL)", count(func(r localtest.Row) bool { return r["country"] == "SE" })},
		{"country IS NULL", count(func(r localtest.Row) bool { return r["country"] == nil })},
		{"age IS NULL OR age > 60", count(func(r localtest.Row) bool { return r["age"] == nil || r["age"].(int64) > 60 })},
		{"NOT (age > 60)", count(func(r localtest.Row) bool { return r["age"] != nil && r["age"].(int64) <= 60 })},
		{"age BETWEEN 30 AND 40", count(func(r localtest.Row) bool { return r["age"] != nil && r["age"].(int64) >= 30 && r["age"].(int64) <= 40 })},
		{"age NOT BETWEEN 30 AND 40", count(func(r localtest.Row) bool { return r["age"] != nil && (r["age"].(int64) < 30 || r["age"].(int64) > 40) })},
		{"age = NULL", 0},
		{"age > 30.5", count(func(r localtest.Row) bool { return r["age"] != nil && r["age"].(int64) > 30 })},
		{"signup_date >= '2024-01-01'", count(func(r localtest.Row) bool {
			return !r["signup_date"].(time.Time).Before(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
		})},
		{"credit_limit * 2 - 1000 > 20000", count(func(r localtest.Row) bool { return r["credit_limit"].(float64)*2-1000 > 20000 })},
		{"-age < -80", count(func(r localtest.Row) bool { return r["age"] != nil && r["age"].(int64) > 80 })},
	}
	for _, tc := range tests {
		got := query(t, "bank", "SELECT customer_id FROM customers_1 WHERE "+tc.where)
		assert.Len(t, got, tc.want, tc.where)
	}
}

func TestNamesAndVersions(t *testing.T) {
	// A bare feature group name reads its latest version.
	got := query(t, "bank", "SELECT * FROM customers WHERE customer_id = 1")
	require.Len(t, got, 1)
	assert.Len(t, got[0], 8, "customers_2 has email_domain")
	got = query(t, "fraud", "SELECT * FROM bank::customers_1 WHERE customer_id = 1")
	require.Len(t, got, 1)
	assert.Len(t, got[0], 7)

	plan, err := newPlanner(t, "fraud").Plan(context.Background(), "EXPLAIN SELECT name FROM bank::customers WHERE customer_id = 1")
	require.NoError(t, err)
	assert.Contains(t, plan.Explain(), "bank::customers_2 (latest version of customers)")
}

func TestProjectionExpressionsAndLimit(t *testing.T) {
	got := query(t, "fraud", "SELECT tx_id, amount * 2 AS doubled, amount + 0.005 AS plus, tx_id - 1 FROM transactions_1 WHERE tx_id BETWEEN 10 AND 12")
	txs := localtest.ReadTable(t, demoWarehouse, "fraud", "transactions_1")
	byID := localtest.Index(txs, "tx_id")
	require.Len(t, got, 3)
	for _, r := range got {
		id, _ := strconv.ParseInt(r[0], 10, 64)
		amount := decimalValue(t, byID[id][0]["amount"])
		assert.Equal(t, strconv.FormatFloat(amount*2, 'f', 2, 64), r[1])
		assert.Equal(t, strconv.FormatFloat(amount+0.005, 'f', 3, 64), r[2])
		assert.Equal(t, strconv.FormatInt(id-1, 10), r[3])
	}
	assert.Len(t, query(t, "fraud", "SELECT tx_id FROM transactions_1 LIMIT 5"), 5)
	got = query(t, "fraud", "SELECT tx_id FROM transactions_1 LIMIT 3 OFFSET 10")
	assert.Equal(t, [][]string{{"11"}, {"12"}, {"13"}}, got)
}

func TestExplainShowsPushdownAndPruning(t *testing.T) {
	plan, err := newPlanner(t, "fraud").Plan(context.Background(), "EXPLAIN SELECT t.tx_id, c.segment FROM transactions_1 t JOIN bank::customers_1 c ON t.customer_id = c.customer_id WHERE t.ts >= '2026-03-20' AND c.age > 50")
	require.NoError(t, err)
	explain := plan.Explain()
	for _, want := range []string{
		"HashJoin inner",
		"Scan fraud::transactions_1 AS t",
		"columns: tx_id, customer_id, ts",
		"`ts` >= TIMESTAMP '2026-03-20 00:00:00'",
		"Scan bank::customers_1 AS c",
		"columns: customer_id, age, segment",
		"`age` > 50",
	} {
		assert.Contains(t, explain, want)
	}
	// Transactions are written in time order, so a late cut prunes.
	assert.Regexp(t, `row groups: \d+ of \d+ kept \([1-9]\d* pruned`, explain)
}

func TestErrors(t *testing.T) {
	tests := []struct {
		project, sql string
		want         []string
		is           error
	}{
		{"fraud", "SELECT * FROM marketing::campaigns_1", []string{"line 1, column 15", `"marketing_featurestore" is not shared with project "fraud"`}, catalog.ErrNotShared},
		{"fraud", "SELECT * FROM transaction_1", []string{"did you mean transactions_1"}, catalog.ErrNotFound},
		{"fraud", "SELECT * FROM nowhere::t_1", []string{`"nowhere"`}, catalog.ErrNotFound},
		{"fraud", "SELECT amout FROM transactions_1", []string{"line 1, column 8", `unknown column "amout"`, "transactions_1.amount"}, nil},
		{"fraud", "SELECT customer_id FROM transactions_1 t JOIN bank::customers_1 c ON t.customer_id = c.customer_id", []string{"ambiguous", "t and c"}, nil},
		{"fraud", "SELECT x.tx_id FROM transactions_1 t", []string{`unknown table "x"`}, nil},
		{"fraud", "SELECT * FROM transactions_1 WHERE amount", []string{"WHERE needs a boolean condition"}, nil},
		{"fraud", "SELECT * FROM transactions_1 WHERE currency > 5", []string{"cannot"}, nil},
		{"fraud", "SELECT * FROM transactions_1 WHERE ts > 'yesterday'", []string{"not a timestamp"}, nil},
		{"fraud", "SELECT * FROM transactions_1 t JOIN transactions_1 t ON t.tx_id = t.tx_id", []string{"used twice"}, nil},
		{"fraud", "SELECT * FROM transactions_1 t FULL JOIN bank::customers_1 c ON t.amount > c.credit_limit", []string{"FULL JOIN without an equality", "not supported yet"}, ErrNotSupported},
		{"fraud", "SELECT count(*) FROM transactions_1 WHERE count(*) > 1", []string{"not allowed in WHERE"}, nil},
		{"fraud", "DELETE FROM transactions_1", []string{"read-only"}, nil},
		{"fraud", "SELECT * FROM transactions_1 WHERE", []string{"ends too early"}, nil},
		{"fraud", "SELECT tx_id::bigint FROM transactions_1", []string{"for a cast use CAST"}, nil},
	}
	for _, tc := range tests {
		_, err := newPlanner(t, tc.project).Plan(context.Background(), tc.sql)
		require.Error(t, err, tc.sql)
		for _, w := range tc.want {
			assert.Contains(t, err.Error(), w, tc.sql)
		}
		if tc.is != nil {
			assert.True(t, errors.Is(err, tc.is), "%s: %v is not %v", tc.sql, err, tc.is)
		}
		assert.False(t, strings.Contains(err.Error(), "panic"))
	}
}

func TestCancelStopsTheQuery(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	plan, err := newPlanner(t, "fraud").Plan(context.Background(), "SELECT t.tx_id, c.name FROM transactions_1 t JOIN bank::customers_1 c ON t.customer_id = c.customer_id")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	rr, err := plan.Run(ctx, &engine.Exec{Mem: mem, Parallelism: 2, BatchSize: 1024})
	require.NoError(t, err)
	defer rr.Release()
	require.True(t, rr.Next())
	cancel()
	for rr.Next() {
	}
	assert.ErrorIs(t, rr.Err(), context.Canceled)
}
