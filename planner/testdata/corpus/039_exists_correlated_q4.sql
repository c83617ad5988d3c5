-- correlated EXISTS with extra conditions (TPC-H Q4 shape)
-- ordered
SELECT c.segment, COUNT(*) AS customers
FROM bank::customers_1 c
WHERE c.signup_date >= date '2024-01-01'
  AND EXISTS (
    SELECT * FROM transactions_1 t
    WHERE t.customer_id = c.customer_id
      AND t.amount > 1000
      AND t.ts >= date '2026-02-01' AND t.ts < date '2026-02-01' + interval 1 month)
GROUP BY c.segment
ORDER BY c.segment
