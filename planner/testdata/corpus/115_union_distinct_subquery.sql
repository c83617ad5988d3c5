-- UNION inside a subquery in FROM
SELECT COUNT(*) AS n FROM (
  SELECT customer_id FROM transactions_1 WHERE amount > 10000
  UNION
  SELECT customer_id FROM customer_spend_1 WHERE spend_7d > 20000
) u
