package main

import "fmt"

// streamQuery is the query the streaming, driver and Flight figures read.
const streamQuery = "SELECT * FROM transactions_1"

// workloadQueries returns the feature-store workload over the demo store at
// the given scale, as query files (plantest's format: header comments, then
// hopsql's SQL) by name. The session project is fraud, with bank's store
// shared to it.
func workloadQueries(scale int) []namedQuery {
	// A transaction id in the middle of the table, present at every scale.
	pointID := int64(scale) * 50_000
	return []namedQuery{
		{"training_join", `-- a training set: transactions with customer and merchant features
SELECT t.tx_id, t.amount, t.currency, t.ts, t.is_fraud,
       c.age, c.country AS customer_country, c.segment, c.credit_limit,
       m.category, m.country AS merchant_country, m.risk_score
FROM transactions_1 t
JOIN bank::customers_1 c ON t.customer_id = c.customer_id
JOIN bank::merchants_1 m ON t.merchant_id = m.merchant_id
WHERE t.ts >= date '2026-02-01' AND t.ts < date '2026-03-01'
  AND c.segment <> 'business' AND m.risk_score IS NOT NULL`},
		{"segment_country_agg", `-- spend and fraud per customer segment and country
SELECT c.segment, c.country, COUNT(*) AS n, SUM(t.amount) AS total,
       AVG(t.amount) AS avg_amount, SUM(CASE WHEN t.is_fraud THEN 1 ELSE 0 END) AS frauds
FROM transactions_1 t
JOIN bank::customers_1 c ON t.customer_id = c.customer_id
GROUP BY c.segment, c.country`},
		{"top_n", `-- ordered
SELECT tx_id, customer_id, merchant_id, amount, ts
FROM transactions_1
WHERE currency = 'EUR'
ORDER BY amount DESC, tx_id
LIMIT 100`},
		{"point_lookup", fmt.Sprintf(`-- one transaction by primary key
SELECT * FROM transactions_1 WHERE tx_id = %d`, pointID)},
	}
}

// namedQuery is a query file's text with its name.
type namedQuery struct {
	name, text string
}
