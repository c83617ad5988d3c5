-- IN over a subquery with a nested scalar aggregate correlated on two keys (TPC-H Q20 shape)
-- ordered
SELECT m.merchant_id, m.name
FROM bank::merchants_1 m
WHERE m.merchant_id IN (
    SELECT t.merchant_id FROM transactions_1 t
    WHERE t.customer_id IN (SELECT customer_id FROM bank::customers_1 WHERE segment = 'business')
      AND t.amount > (
        SELECT 5 * AVG(t2.amount) FROM transactions_1 t2
        WHERE t2.merchant_id = t.merchant_id AND t2.currency = t.currency
          AND t2.ts >= date '2026-01-01' AND t2.ts < date '2026-02-01'))
  AND m.country = 'SE'
ORDER BY m.merchant_id
