-- self join on an equality and an interval-shifted timestamp
SELECT a.customer_id, a.ts, a.spend_7d, b.spend_7d AS week_before
FROM customer_spend_1 a JOIN customer_spend_1 b
  ON a.customer_id = b.customer_id AND b.ts = a.ts - INTERVAL 7 DAY
WHERE a.ts = timestamp '2026-03-20 00:00:00' AND a.spend_7d > 4 * b.spend_7d AND b.spend_7d > 0
