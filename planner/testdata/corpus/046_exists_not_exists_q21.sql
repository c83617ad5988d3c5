-- EXISTS and NOT EXISTS correlated with an equality and an inequality (TPC-H Q21 shape)
-- ordered
SELECT c.country, COUNT(*) AS n
FROM transactions_1 t1 JOIN bank::customers_1 c ON t1.customer_id = c.customer_id
WHERE t1.is_fraud AND t1.ts >= date '2026-03-01'
  AND EXISTS (
    SELECT * FROM transactions_1 t2
    WHERE t2.customer_id = t1.customer_id AND t2.merchant_id <> t1.merchant_id AND t2.ts >= date '2026-03-01')
  AND NOT EXISTS (
    SELECT * FROM transactions_1 t3
    WHERE t3.customer_id = t1.customer_id AND t3.merchant_id <> t1.merchant_id AND t3.is_fraud)
GROUP BY c.country
ORDER BY n DESC, c.country
