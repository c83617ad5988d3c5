package planner

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hopsql/hopsql/connector/local/localtest"
)

// These tests check the planner's handling of aggregation, ordering,
// subqueries and set operations against answers computed in plain Go from
// the Parquet files. The DuckDB corpus (corpus_test.go) checks the same
// constructs, and many more, against DuckDB.

func TestGroupByAndAggregates(t *testing.T) {
	customers := localtest.ReadTable(t, demoWarehouse, "bank", "customers_1")
	type acc struct {
		n, ages, ageSum int64
		minLimit        float64
	}
	bySegment := map[string]*acc{}
	for _, c := range customers {
		s := c["segment"].(string)
		a := bySegment[s]
		if a == nil {
			a = &acc{minLimit: c["credit_limit"].(float64)}
			bySegment[s] = a
		}
		a.n++
		if c["age"] != nil {
			a.ages++
			a.ageSum += c["age"].(int64)
		}
		a.minLimit = min(a.minLimit, c["credit_limit"].(float64))
	}
	var want [][]string
	for s, a := range bySegment {
		want = append(want, []string{s, fmt.Sprint(a.n), fmt.Sprint(a.ages), fmt.Sprint(a.ageSum), strconv.FormatFloat(a.minLimit, 'g', -1, 64)})
	}
	for _, sql := range []string{
		"SELECT segment, count(*), count(age), sum(age), min(credit_limit) FROM customers_1 GROUP BY segment",
		"SELECT segment, count(*) n, count(age), sum(age), min(credit_limit) FROM customers_1 GROUP BY 1",
		"SELECT c.segment AS s, count(*), count(age), sum(age), min(credit_limit) FROM customers_1 c GROUP BY s",
	} {
		got := query(t, "bank", sql)
		assert.Equal(t, localtest.Sorted(want), localtest.Sorted(got), sql)
	}

	// A global aggregate over no rows is one row; a HAVING over it must
	// filter that row, not the input.
	got := query(t, "bank", "SELECT count(*), sum(age), max(name) FROM customers_1 WHERE customer_id < 0")
	assert.Equal(t, [][]string{{"0", "NULL", "NULL"}}, got)
	assert.Empty(t, query(t, "bank", "SELECT count(*) FROM customers_1 HAVING 1 = 0"))
	assert.Empty(t, query(t, "bank", "SELECT count(*) FROM customers_1 WHERE customer_id < 0 HAVING count(*) > 0"))
	assert.Equal(t, [][]string{{"0"}}, query(t, "bank", "SELECT count(*) FROM customers_1 WHERE 1 = 0"))

	// HAVING filters groups; ORDER BY an aggregate with LIMIT is a top-N.
	got = query(t, "bank", "SELECT segment, count(*) AS n FROM customers_1 GROUP BY segment HAVING count(*) > 0 ORDER BY n DESC LIMIT 2")
	counts := make([]int64, 0, len(bySegment))
	for _, a := range bySegment {
		counts = append(counts, a.n)
	}
	sort.Slice(counts, func(i, j int) bool { return counts[i] > counts[j] })
	require.Len(t, got, 2)
	assert.Equal(t, fmt.Sprint(counts[0]), got[0][1])
	assert.Equal(t, fmt.Sprint(counts[1]), got[1][1])
}

func TestOrderByLimitAndDistinct(t *testing.T) {
	merchants := localtest.ReadTable(t, demoWarehouse, "bank", "merchants_1")
	// ORDER BY risk_score DESC (NULLs last, as in DuckDB), merchant_id.
	sorted := append([]localtest.Row(nil), merchants...)
	sort.SliceStable(sorted, func(i, j int) bool {
		a, b := sorted[i]["risk_score"], sorted[j]["risk_score"]
		switch {
		case a == nil && b == nil:
		case a == nil:
			return false
		case b == nil:
			return true
		case a.(float64) != b.(float64):
			return a.(float64) > b.(float64)
		}
		return sorted[i]["merchant_id"].(int64) < sorted[j]["merchant_id"].(int64)
	})
	var want [][]string
	for _, m := range sorted[5:15] {
		want = append(want, []string{localtest.Text(m["merchant_id"]), localtest.Text(m["risk_score"])})
	}
	got := query(t, "bank", "SELECT merchant_id, risk_score FROM merchants_1 ORDER BY risk_score DESC, merchant_id LIMIT 10 OFFSET 5")
	assert.Equal(t, want, got)

	// The whole sort, NULLs first on request.
	got = query(t, "bank", "SELECT merchant_id FROM merchants_1 ORDER BY risk_score NULLS FIRST, 1")
	require.Len(t, got, len(merchants))
	nulls := 0
	for _, m := range merchants {
		if m["risk_score"] == nil {
			nulls++
		}
	}
	require.Positive(t, nulls)
	byID := localtest.Index(merchants, "merchant_id")
	for i, r := range got {
		id, _ := strconv.ParseInt(r[0], 10, 64)
		assert.Equal(t, i < nulls, byID[id][0]["risk_score"] == nil, "row %d", i)
	}

	// DISTINCT
	cats := map[string]bool{}
	for _, m := range merchants {
		cats[m["category"].(string)] = true
	}
	got = query(t, "bank", "SELECT DISTINCT category FROM merchants_1 ORDER BY category")
	var wantCats []string
	for c := range cats {
		wantCats = append(wantCats, c)
	}
	sort.Strings(wantCats)
	var gotCats []string
	for _, r := range got {
		gotCats = append(gotCats, r[0])
	}
	assert.Equal(t, wantCats, gotCats)
}

func TestSubqueries(t *testing.T) {
	txs := localtest.ReadTable(t, demoWarehouse, "fraud", "transactions_1")
	customers := localtest.ReadTable(t, demoWarehouse, "bank", "customers_1")
	fraudsters := map[any]bool{}
	for _, r := range txs {
		if r["is_fraud"] == true {
			fraudsters[r["customer_id"]] = true
		}
	}
	premium := 0
	for _, c := range customers {
		if fraudsters[c["customer_id"]] && c["segment"] == "premium" {
			premium++
		}
	}
	for _, sql := range []string{
		"SELECT customer_id FROM bank::customers_1 WHERE segment = 'premium' AND customer_id IN (SELECT customer_id FROM transactions_1 WHERE is_fraud)",
		"SELECT c.customer_id FROM bank::customers_1 c WHERE c.segment = 'premium' AND EXISTS (SELECT 1 FROM transactions_1 t WHERE t.customer_id = c.customer_id AND t.is_fraud)",
	} {
		assert.Len(t, query(t, "fraud", sql), premium, sql)
	}
	notPremium := 0
	for _, c := range customers {
		if !fraudsters[c["customer_id"]] && c["segment"] == "premium" {
			notPremium++
		}
	}
	for _, sql := range []string{
		"SELECT customer_id FROM bank::customers_1 WHERE segment = 'premium' AND customer_id NOT IN (SELECT customer_id FROM transactions_1 WHERE is_fraud)",
		"SELECT c.customer_id FROM bank::customers_1 c WHERE c.segment = 'premium' AND NOT EXISTS (SELECT 1 FROM transactions_1 t WHERE t.customer_id = c.customer_id AND t.is_fraud)",
	} {
		assert.Len(t, query(t, "fraud", sql), notPremium, sql)
	}
	// NOT IN over a list holding NULL is never true.
	assert.Empty(t, query(t, "fraud", "SELECT tx_id FROM transactions_1 WHERE merchant_id NOT IN (SELECT merchant_id FROM transactions_1)"))

	// Scalar subqueries, uncorrelated and correlated.
	var sum float64
	for _, c := range customers {
		sum += c["credit_limit"].(float64)
	}
	avg := sum / float64(len(customers))
	above := 0
	for _, c := range customers {
		if c["credit_limit"].(float64) > avg {
			above++
		}
	}
	assert.Len(t, query(t, "bank", "SELECT customer_id FROM customers_1 WHERE credit_limit > (SELECT avg(credit_limit) FROM customers_1)"), above)

	bySeg := map[any][]float64{}
	for _, c := range customers {
		bySeg[c["segment"]] = append(bySeg[c["segment"]], c["credit_limit"].(float64))
	}
	aboveSeg := 0
	for _, c := range customers {
		var s float64
		for _, v := range bySeg[c["segment"]] {
			s += v
		}
		if c["credit_limit"].(float64) > s/float64(len(bySeg[c["segment"]])) {
			aboveSeg++
		}
	}
	assert.Len(t, query(t, "bank", "SELECT c.customer_id FROM customers_1 c WHERE c.credit_limit > (SELECT avg(d.credit_limit) FROM customers_1 d WHERE d.segment = c.segment)"), aboveSeg)
}

func TestUnion(t *testing.T) {
	got := query(t, "bank", "SELECT segment FROM customers_1 UNION SELECT category FROM merchants_1 ORDER BY 1 LIMIT 3")
	require.Len(t, got, 3)
	all := query(t, "bank", "SELECT segment FROM customers_1 WHERE customer_id <= 3 UNION ALL SELECT category FROM merchants_1 WHERE merchant_id <= 2")
	assert.Len(t, all, 5)
}

func TestParameters(t *testing.T) {
	p := newPlanner(t, "fraud")
	plan, err := p.Plan(context.Background(), "SELECT tx_id FROM transactions_1 WHERE tx_id BETWEEN ? AND ? AND currency <> ?", 10, int64(20), "XXX")
	require.NoError(t, err)
	assert.Contains(t, plan.Explain(), "`tx_id` >= 10")

	_, err = p.Plan(context.Background(), "SELECT tx_id FROM transactions_1 WHERE tx_id = ?")
	assert.ErrorContains(t, err, "argument")
	_, err = p.Plan(context.Background(), "SELECT tx_id FROM transactions_1 WHERE tx_id = ?", 1, 2)
	assert.ErrorContains(t, err, "1 ? placeholder(s) but 2 argument(s)")
	_, err = p.Plan(context.Background(), "SELECT tx_id FROM transactions_1 WHERE ts > ?", "not a time")
	assert.ErrorContains(t, err, "not a timestamp")
	_, err = p.Plan(context.Background(), "SELECT tx_id FROM transactions_1 WHERE tx_id = ?", struct{}{})
	assert.ErrorContains(t, err, "cannot bind")
}

func TestExplainAnalyzeAndTopN(t *testing.T) {
	got := query(t, "fraud", "EXPLAIN ANALYZE SELECT currency, count(*) FROM transactions_1 GROUP BY currency ORDER BY 2 DESC LIMIT 3")
	text := ""
	for _, r := range got {
		text += r[0] + "\n"
	}
	assert.Contains(t, text, "TopN")
	assert.Contains(t, text, "HashAggregate")
	assert.Regexp(t, `Scan fraud::transactions_1.*rows=100000`, text)
	assert.Contains(t, text, "total: 3 rows")
}

func TestAggregationErrors(t *testing.T) {
	for _, tc := range []struct{ sql, want string }{
		{"SELECT segment, name FROM customers_1 GROUP BY segment", "name must appear in GROUP BY"},
		{"SELECT * FROM customers_1 GROUP BY segment", "SELECT * cannot be used with GROUP BY"},
		{"SELECT count(*) FROM customers_1 WHERE count(*) > 1", "not allowed in WHERE"},
		{"SELECT sum(count(*)) FROM customers_1", "cannot be nested"},
		{"SELECT DISTINCT segment FROM customers_1 ORDER BY age", "must be in the SELECT list"},
		{"SELECT segment FROM customers_1 GROUP BY 7", "there are 1 columns"},
		{"SELECT name FROM customers_1 UNION SELECT name, age FROM customers_1", "1 and 2 columns"},
	} {
		_, err := newPlanner(t, "bank").Plan(context.Background(), tc.sql)
		require.Error(t, err, tc.sql)
		assert.Contains(t, err.Error(), tc.want, tc.sql)
	}
}
