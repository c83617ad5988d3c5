-- grouping keys from both sides of a LEFT JOIN, NULL keys from unmatched rows
SELECT c.segment, m.country, COUNT(*) AS n
FROM transactions_1 t
JOIN bank::customers_1 c ON t.customer_id = c.customer_id
LEFT JOIN bank::merchants_1 m ON t.merchant_id = m.merchant_id
WHERE t.amount > 3000
GROUP BY c.segment, m.country
