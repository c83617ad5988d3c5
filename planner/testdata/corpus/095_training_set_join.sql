-- the feature-store workload's join of three feature groups, aggregated
SELECT c.segment, m.category, COUNT(*) AS n, SUM(t.amount) AS total, AVG(m.risk_score) AS risk,
       SUM(CASE WHEN t.is_fraud THEN 1 ELSE 0 END) AS frauds
FROM transactions_1 t
JOIN bank::customers_1 c ON t.customer_id = c.customer_id
JOIN bank::merchants_1 m ON t.merchant_id = m.merchant_id
WHERE t.ts >= date '2026-03-01' AND c.age BETWEEN 25 AND 60 AND m.risk_score > 0.2
GROUP BY c.segment, m.category
