-- join to an aggregating subquery, compare across
SELECT c.customer_id, c.credit_limit, s.total
FROM bank::customers_1 c
JOIN (SELECT customer_id, SUM(amount) AS total FROM transactions_1 WHERE currency = 'EUR' GROUP BY customer_id) s
  ON s.customer_id = c.customer_id
WHERE s.total > c.credit_limit
