-- JOIN ... USING: the shared column is written unqualified
SELECT customer_id, c.segment, s.ts, s.spend_7d, s.tx_count_7d
FROM bank::customers_1 c JOIN customer_spend_1 s USING (customer_id)
WHERE s.ts = timestamp '2026-03-01 00:00:00' AND c.segment = 'business'
