package planner

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hopsql/hopsql/connector"
	"github.com/hopsql/hopsql/connector/local/localtest"
	"github.com/hopsql/hopsql/engine"
)

// runRows plans and runs sql with p, under a checked allocator, and returns
// the rows as text.
func runRows(t *testing.T, p *Planner, sql string) [][]string {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	plan, err := p.Plan(context.Background(), sql)
	require.NoError(t, err, sql)
	rr, err := plan.Run(context.Background(), &engine.Exec{Mem: mem, Parallelism: 2})
	require.NoError(t, err, sql)
	defer rr.Release()
	return localtest.Rows(t, rr)
}

// explain returns the EXPLAIN text of sql planned by p.
func explain(t *testing.T, p *Planner, sql string) string {
	t.Helper()
	plan, err := p.Plan(context.Background(), "EXPLAIN "+sql)
	require.NoError(t, err, sql)
	return plan.Explain()
}

// pushQueries are joins of the demo store's feature groups (project
// fraud), with how many remote joins a source that takes every offer
// runs for each.
var pushQueries = []struct {
	name, sql string
	remote    int
}{
	{"two-way inner, filters on both sides", readmeQuery, 1},
	{"three-way star", "SELECT t.tx_id, c.name, m.name FROM transactions_1 t JOIN bank::customers_1 c ON t.customer_id = c.customer_id JOIN bank::merchants_1 m ON t.merchant_id = m.merchant_id WHERE m.category = 'travel' AND c.age > 40 AND t.amount > 100", 1},
	{"three-way chain", "SELECT c.name, t.tx_id, m.category FROM bank::customers_1 c JOIN transactions_1 t ON c.customer_id = t.customer_id JOIN bank::merchants_1 m ON t.merchant_id = m.merchant_id WHERE c.country = 'SE'", 1},
	{"comma join", "SELECT t.tx_id, c.name FROM transactions_1 t, bank::customers_1 c WHERE t.customer_id = c.customer_id AND c.age = 33", 1},
	{"left join, ON filter on the padded side", "SELECT t.tx_id, m.name, m.risk_score FROM transactions_1 t LEFT JOIN bank::merchants_1 m ON t.merchant_id = m.merchant_id AND m.risk_score > 0.5 WHERE t.tx_id < 5000", 1},
	{"right join", "SELECT m.name, t.tx_id FROM bank::merchants_1 m RIGHT JOIN transactions_1 t ON t.merchant_id = m.merchant_id WHERE t.tx_id < 3000", 1},
	{"full join", "SELECT c.customer_id, s.customer_id, s.spend_7d FROM bank::customers_1 c FULL JOIN customer_spend_1 s ON c.customer_id = s.customer_id", 1},
	{"full join, WHERE above", "SELECT c.customer_id, s.spend_7d FROM bank::customers_1 c FULL JOIN customer_spend_1 s ON c.customer_id = s.customer_id WHERE c.age > 50 OR s.spend_7d > 1000", 1},
	{"WHERE on the padded side", "SELECT t.tx_id FROM transactions_1 t LEFT JOIN bank::merchants_1 m ON t.merchant_id = m.merchant_id WHERE t.tx_id < 3000 AND m.merchant_id IS NULL", 1},
	{"inner then left", "SELECT t.tx_id, c.segment, m.name FROM transactions_1 t JOIN bank::customers_1 c ON t.customer_id = c.customer_id LEFT JOIN bank::merchants_1 m ON t.merchant_id = m.merchant_id AND m.category = 'grocery' WHERE c.segment = 'premium' AND t.amount > 1000", 1},
	{"inner then left, not a star", "SELECT c.name, t.tx_id, m.name FROM bank::customers_1 c JOIN transactions_1 t ON c.customer_id = t.customer_id LEFT JOIN bank::merchants_1 m ON t.merchant_id = m.merchant_id WHERE c.age > 70", 1},
	{"left chain, not a star", "SELECT t.tx_id, c.name, s.spend_7d FROM transactions_1 t LEFT JOIN bank::customers_1 c ON t.customer_id = c.customer_id LEFT JOIN customer_spend_1 s ON s.customer_id = c.customer_id WHERE t.tx_id < 2000", 1},
	{"four-way", "SELECT t.tx_id, c.name, m.name, s.spend_7d FROM transactions_1 t JOIN bank::customers_1 c ON t.customer_id = c.customer_id JOIN bank::merchants_1 m ON t.merchant_id = m.merchant_id JOIN customer_spend_1 s ON s.customer_id = c.customer_id WHERE s.spend_7d > 2000 AND t.tx_id < 5000", 1},
	{"bushy right input", "SELECT t.tx_id, c.name, s.spend_7d FROM transactions_1 t LEFT JOIN (bank::customers_1 c JOIN customer_spend_1 s ON c.customer_id = s.customer_id) ON t.customer_id = c.customer_id WHERE t.tx_id < 500", 1},
	{"inner residual stays local", "SELECT t.tx_id, c.credit_limit FROM transactions_1 t JOIN bank::customers_1 c ON t.customer_id = c.customer_id AND t.amount > c.credit_limit", 0},
	{"left residual stays local", "SELECT t.tx_id, m.name FROM transactions_1 t LEFT JOIN bank::merchants_1 m ON t.merchant_id = m.merchant_id AND t.amount > m.risk_score * 1000 WHERE t.tx_id < 3000", 0},
	{"aggregate, ORDER BY, LIMIT above", "SELECT c.segment, count(*), sum(t.amount) FROM transactions_1 t JOIN bank::customers_1 c ON t.customer_id = c.customer_id GROUP BY c.segment ORDER BY 2 DESC LIMIT 2", 1},
	{"expressions and filters without translation", "SELECT t.tx_id, t.amount * 2, upper(c.name) FROM transactions_1 t JOIN bank::customers_1 c ON t.customer_id = c.customer_id WHERE lower(c.country) = 'se' AND t.amount * 2 > 5000", 1},
	{"LIKE on the inner side", "SELECT t.tx_id FROM transactions_1 t JOIN bank::customers_1 c ON t.customer_id = c.customer_id WHERE c.name LIKE 'A%' AND t.tx_id < 20000", 1},
	{"LIKE on the padded side", "SELECT t.tx_id, m.name FROM transactions_1 t LEFT JOIN bank::merchants_1 m ON t.merchant_id = m.merchant_id AND m.name LIKE 'S%' WHERE t.tx_id < 4000", 1},
	{"IS NULL, OR and IN", "SELECT t.tx_id, c.age FROM transactions_1 t JOIN bank::customers_1 c ON t.customer_id = c.customer_id WHERE (c.age IS NULL OR c.age > 80) AND t.currency IN ('EUR', 'SEK') AND NOT t.is_fraud", 1},
	{"count of a join", "SELECT count(*) FROM transactions_1 t JOIN bank::customers_1 c ON t.customer_id = c.customer_id WHERE c.age < 30", 1},
	{"self-join", "SELECT a.tx_id, b.tx_id FROM transactions_1 a JOIN transactions_1 b ON a.customer_id = b.customer_id WHERE a.tx_id < 300 AND b.tx_id < 300", 1},
	{"SELECT * keeps the column order", "SELECT * FROM bank::customers_1 c JOIN transactions_1 t ON c.customer_id = t.customer_id JOIN bank::merchants_1 m ON t.merchant_id = m.merchant_id WHERE t.tx_id < 50", 1},
	{"USING", "SELECT * FROM transactions_1 JOIN bank::merchants_1 USING (merchant_id) WHERE tx_id < 20", 1},
	{"UNION ALL of joins", "SELECT t.tx_id, c.name FROM transactions_1 t JOIN bank::customers_1 c ON t.customer_id = c.customer_id WHERE t.tx_id < 10 UNION ALL SELECT t.tx_id, m.name FROM transactions_1 t JOIN bank::merchants_1 m ON t.merchant_id = m.merchant_id WHERE t.tx_id < 10", 2},
	{"join in a subquery", "SELECT c.name FROM bank::customers_1 c WHERE c.customer_id IN (SELECT t.customer_id FROM transactions_1 t JOIN bank::merchants_1 m ON t.merchant_id = m.merchant_id WHERE m.category = 'gambling')", 1},
	{"derived table", "SELECT x.tx_id, x.name FROM (SELECT t.tx_id, c.name FROM transactions_1 t JOIN bank::customers_1 c ON t.customer_id = c.customer_id WHERE c.age > 75) x WHERE x.tx_id < 40000", 1},
}

// pushQuery returns the SQL of the pushQueries entry called name.
func pushQuery(t *testing.T, name string) string {
	t.Helper()
	for _, q := range pushQueries {
		if q.name == name {
			return q.sql
		}
	}
	t.Fatalf("no query %q", name)
	return ""
}

// TestJoinPushdownMatchesLocalJoins runs joins with sources that take
// offers in different ways, and compares each result with that of the
// same query joined in the engine.
func TestJoinPushdownMatchesLocalJoins(t *testing.T) {
	off := newPlanner(t, "fraud")
	policies := []struct {
		name   string
		policy joinPolicy
		// all: the policy takes every offer.
		all bool
	}{{"takes all", acceptAll, true}, {"Hopsworks-like", hopsworksLike, false}, {"LIKE inexact", inexactLike, false}}
	for _, tc := range pushQueries {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			want := localtest.Sorted(runRows(t, off, tc.sql))
			require.NotEmpty(t, want, "the query must have rows to compare")
			for _, pc := range policies {
				on, src := pushPlanner(t, "fraud", pc.policy)
				assert.Equal(t, want, localtest.Sorted(runRows(t, on, tc.sql)), pc.name)
				if pc.all {
					assert.Equal(t, tc.remote, strings.Count(explain(t, on, tc.sql), "RemoteJoin"), "remote joins")
					assert.Equal(t, tc.remote > 0, src.Taken() > 0, "offers taken")
				}
			}
		})
	}
}

// TestJoinPushdownOff: with join pushdown off, no offer is made.
func TestJoinPushdownOff(t *testing.T) {
	on, src := pushPlanner(t, "fraud", acceptAll)
	p := on.WithJoinPushdown(false)
	assert.NotContains(t, explain(t, p, readmeQuery), "RemoteJoin")
	prep, err := on.Prepare(context.Background(), readmeQuery)
	require.NoError(t, err)
	plan, err := prep.WithJoinPushdown(false).Plan(context.Background())
	require.NoError(t, err)
	assert.NotContains(t, plan.Explain(), "RemoteJoin")
	assert.Empty(t, src.Offers())

	assert.Contains(t, explain(t, p.WithJoinPushdown(true), readmeQuery), "RemoteJoin")
	plan, err = prep.Plan(context.Background())
	require.NoError(t, err)
	assert.Contains(t, plan.Explain(), "RemoteJoin")
	assert.Len(t, src.Offers(), 2)
}

// TestJoinPushdownOffers checks what a Hopsworks-like source is offered:
// the largest piece first, then smaller ones.
func TestJoinPushdownOffers(t *testing.T) {
	const (
		tx        = "fraud::transactions_1"
		cust      = "bank::customers_1"
		merch     = "bank::merchants_1"
		spend     = "fraud::customer_spend_1"
		txCust    = "transactions_1.`customer_id` = customers_1.`customer_id`"
		custTx    = "customers_1.`customer_id` = transactions_1.`customer_id`"
		txMerch   = "transactions_1.`merchant_id` = merchants_1.`merchant_id`"
		custSpend = "customers_1.`customer_id` = customer_spend_1.`customer_id`"
	)
	tests := []struct {
		name, sql string
		policy    joinPolicy
		offers    []offerRecord
		// explain holds lines of the plan, in order.
		explain []string
	}{
		{
			name:   "a chain is offered whole, then as a star around its middle",
			sql:    "SELECT c.name, t.tx_id, m.category FROM bank::customers_1 c JOIN transactions_1 t ON c.customer_id = t.customer_id JOIN bank::merchants_1 m ON t.merchant_id = m.merchant_id WHERE c.country = 'SE'",
			policy: hopsworksLike,
			offers: []offerRecord{
				{Request: cust + " [`country` = 'SE'] INNER JOIN " + tx + " ON " + custTx + " INNER JOIN " + merch + " ON " + txMerch, Columns: [][]string{{"name"}, {"tx_id"}, {"category"}}},
				{Request: tx + " INNER JOIN " + cust + " [`country` = 'SE'] ON " + txCust + " INNER JOIN " + merch + " ON " + txMerch, Columns: [][]string{{"tx_id"}, {"name"}, {"category"}}, Taken: true},
			},
			explain: []string{"Project", "RemoteJoin " + tx + " AS t, " + cust + " AS c, " + merch + " AS m"},
		},
		{
			name:   "an inner join then a left join, rooted again",
			sql:    "SELECT c.name, t.tx_id, m.name FROM bank::customers_1 c JOIN transactions_1 t ON c.customer_id = t.customer_id LEFT JOIN bank::merchants_1 m ON t.merchant_id = m.merchant_id WHERE c.age > 70",
			policy: hopsworksLike,
			offers: []offerRecord{
				{Request: cust + " [`age` > 70] INNER JOIN " + tx + " ON " + custTx + " LEFT JOIN " + merch + " ON " + txMerch, Columns: [][]string{{"name"}, {"tx_id"}, {"name"}}},
				{Request: tx + " INNER JOIN " + cust + " [`age` > 70] ON " + txCust + " LEFT JOIN " + merch + " ON " + txMerch, Columns: [][]string{{"tx_id"}, {"name"}, {"name"}}, Taken: true},
			},
			explain: []string{"Project", "RemoteJoin " + tx + " AS t, " + cust + " AS c, " + merch + " AS m"},
		},
		{
			name:   "left joins that are not a star: the prefix is pushed, the rest joins locally",
			sql:    "SELECT t.tx_id, c.name, s.spend_7d FROM transactions_1 t LEFT JOIN bank::customers_1 c ON t.customer_id = c.customer_id LEFT JOIN customer_spend_1 s ON s.customer_id = c.customer_id WHERE t.tx_id < 2000",
			policy: hopsworksLike,
			offers: []offerRecord{
				{Request: tx + " [`tx_id` < 2000] LEFT JOIN " + cust + " ON " + txCust + " LEFT JOIN " + spend + " ON " + custSpend, Columns: [][]string{{"tx_id"}, {"name"}, {"spend_7d"}}},
				{Request: tx + " [`tx_id` < 2000] LEFT JOIN " + cust + " ON " + txCust, Columns: [][]string{{"tx_id"}, {"customer_id", "name"}}, Taken: true},
			},
			explain: []string{"Project", "HashJoin left", "RemoteJoin " + tx + " AS t, " + cust + " AS c", "Scan " + spend + " AS s"},
		},
		{
			name:   "four feature groups: the largest star is pushed",
			sql:    "SELECT t.tx_id, c.name, m.name, s.spend_7d FROM transactions_1 t JOIN bank::customers_1 c ON t.customer_id = c.customer_id JOIN bank::merchants_1 m ON t.merchant_id = m.merchant_id JOIN customer_spend_1 s ON s.customer_id = c.customer_id",
			policy: hopsworksLike,
			offers: []offerRecord{
				{Request: tx + " INNER JOIN " + cust + " ON " + txCust + " INNER JOIN " + merch + " ON " + txMerch + " INNER JOIN " + spend + " ON " + custSpend, Columns: [][]string{{"tx_id"}, {"name"}, {"name"}, {"spend_7d"}}},
				{Request: tx + " INNER JOIN " + cust + " ON " + txCust + " INNER JOIN " + merch + " ON " + txMerch, Columns: [][]string{{"tx_id"}, {"customer_id", "name"}, {"name"}}, Taken: true},
			},
			explain: []string{"Project", "HashJoin inner", "RemoteJoin " + tx + " AS t, " + cust + " AS c, " + merch + " AS m", "Scan " + spend + " AS s"},
		},
		{
			name:   "a filter on the padded side that the source cannot place",
			sql:    "SELECT t.tx_id, m.name, m.risk_score FROM transactions_1 t LEFT JOIN bank::merchants_1 m ON t.merchant_id = m.merchant_id AND m.risk_score > 0.5 WHERE t.tx_id < 5000",
			policy: hopsworksLike,
			offers: []offerRecord{
				{Request: tx + " [`tx_id` < 5000] LEFT JOIN " + merch + " [`risk_score` > 0.5] ON " + txMerch, Columns: [][]string{{"tx_id"}, {"name", "risk_score"}}},
			},
			explain: []string{"Project", "HashJoin left", "Scan " + tx + " AS t", "Scan " + merch + " AS m"},
		},
		{
			name:   "an inexact filter is evaluated again, with the columns it reads",
			sql:    "SELECT t.tx_id FROM transactions_1 t JOIN bank::customers_1 c ON t.customer_id = c.customer_id WHERE c.name LIKE 'A%' AND t.tx_id < 20000",
			policy: inexactLike,
			offers: []offerRecord{
				{Request: tx + " [`tx_id` < 20000] INNER JOIN " + cust + " [`name` LIKE 'A%'] ON " + txCust, Columns: [][]string{{"tx_id"}, {}}, Taken: true},
				{Request: tx + " [`tx_id` < 20000] INNER JOIN " + cust + " [`name` LIKE 'A%'] ON " + txCust, Columns: [][]string{{"tx_id"}, {"name"}}, Taken: true},
			},
			explain: []string{"Project", "Filter c.name LIKE 'A%'", "RemoteJoin " + tx + " AS t, " + cust + " AS c"},
		},
		{
			name:   "an inexact filter on the padded side: the offer counts as refused",
			sql:    "SELECT t.tx_id, m.name FROM transactions_1 t LEFT JOIN bank::merchants_1 m ON t.merchant_id = m.merchant_id AND m.name LIKE 'S%' WHERE t.tx_id < 4000",
			policy: inexactLike,
			offers: []offerRecord{
				{Request: tx + " [`tx_id` < 4000] LEFT JOIN " + merch + " [`name` LIKE 'S%'] ON " + txMerch, Columns: [][]string{{"tx_id"}, {"name"}}, Taken: true},
			},
			explain: []string{"Project", "HashJoin left", "Scan " + tx + " AS t", "Scan " + merch + " AS m"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, src := pushPlanner(t, "fraud", tc.policy)
			text := explain(t, p, tc.sql)
			assert.Equal(t, tc.offers, src.Offers())
			lines := strings.Split(text, "\n")
			at := 0
			for _, want := range tc.explain {
				for at < len(lines) && !strings.Contains(lines[at], want) {
					at++
				}
				assert.Less(t, at, len(lines), "%q in order in\n%s", want, text)
			}
		})
	}
}

// TestJoinPushdownExplain checks the text of a remote join in EXPLAIN and
// EXPLAIN ANALYZE.
func TestJoinPushdownExplain(t *testing.T) {
	p, _ := pushPlanner(t, "fraud", acceptAll)
	// WHERE t.is_fraud goes to the source as a filter: is_fraud is not
	// read.
	req := "fraud::transactions_1 [`is_fraud` = TRUE AND `amount` > 5000] INNER JOIN bank::customers_1 [`segment` <> 'retail'] ON transactions_1.`customer_id` = customers_1.`customer_id`"
	want := strings.Join([]string{
		"Project t.tx_id AS tx_id, t.ts AS ts, t.amount AS amount, c.name AS name, c.segment AS segment, c.country AS country",
		"└─ RemoteJoin fraud::transactions_1 AS t, bank::customers_1 AS c",
		"      request: " + req,
		"      columns: t.tx_id, t.amount, t.ts, c.name, c.country, c.segment",
		"      fake source: runs " + req,
		"",
	}, "\n")
	assert.Equal(t, want, explain(t, p, readmeQuery))

	rows := runRows(t, p, "EXPLAIN ANALYZE "+readmeQuery)
	text := ""
	for _, r := range rows {
		text += r[0] + "\n"
	}
	assert.Regexp(t, `RemoteJoin fraud::transactions_1 AS t, bank::customers_1 AS c  \(rows=[1-9]\d* batches=\d+ time=\S+ first=\S+\)`, text)
	assert.Regexp(t, `received: [1-9]\d* bytes of Arrow buffers`, text)
}

// TestJoinPushdownFixpoint: the rule reports a change only when it made
// one, so that it runs to a fixpoint.
func TestJoinPushdownFixpoint(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name, sql string
		pushes    bool
	}{
		{"join", readmeQuery, true},
		{"left chain split", pushQuery(t, "left chain, not a star"), true},
		{"no join", "SELECT tx_id FROM transactions_1 WHERE amount > 100", false},
		{"residual", pushQuery(t, "inner residual stays local"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, src := pushPlanner(t, "fraud", hopsworksLike)
			prep, err := p.WithJoinPushdown(false).Prepare(ctx, tc.sql)
			require.NoError(t, err)
			n, err := prep.optimize(ctx, nil)
			require.NoError(t, err)
			r := &joinPusher{ctx: ctx, src: prep.src, refused: map[string]bool{}}
			before := explainLogical(t, prep, n)
			n, changed, err := r.rewrite(n)
			require.NoError(t, err)
			assert.Equal(t, tc.pushes, changed)
			assert.Equal(t, tc.pushes, before != explainLogical(t, prep, n))
			offers := len(src.Offers())
			if !tc.pushes {
				assert.Zero(t, offers, "nothing to offer")
			}
			pushed := explainLogical(t, prep, n)
			n, changed, err = r.rewrite(n)
			require.NoError(t, err)
			assert.False(t, changed, "a second pass changes nothing")
			assert.Equal(t, pushed, explainLogical(t, prep, n))
			assert.Len(t, src.Offers(), offers, "a second pass makes no offer")
		})
	}
}

// explainLogical lowers a logical plan and returns its EXPLAIN text.
func explainLogical(t *testing.T, prep *Prepared, n Node) string {
	t.Helper()
	pb := &physicalBuilder{ctx: context.Background(), src: prep.src}
	l, err := pb.lower(n)
	require.NoError(t, err)
	return (&Plan{root: l.op}).Explain()
}

// TestJoinPushdownSourceError: an error other than a refusal fails
// planning, located at the join's first feature group.
func TestJoinPushdownSourceError(t *testing.T) {
	down := errors.New("the query service is down")
	p, _ := pushPlanner(t, "fraud", joinPolicy{fail: down})
	_, err := p.Plan(context.Background(), "SELECT t.tx_id\nFROM transactions_1 t JOIN bank::customers_1 c ON t.customer_id = c.customer_id")
	require.Error(t, err)
	assert.ErrorIs(t, err, down)
	assert.False(t, errors.Is(err, connector.ErrJoinRefused))
	var pe *Error
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, 2, pe.Line)
	assert.Contains(t, err.Error(), "planning the join fraud::transactions_1 INNER JOIN bank::customers_1")
}
