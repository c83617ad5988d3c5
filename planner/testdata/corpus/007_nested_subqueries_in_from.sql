-- subqueries in FROM nested two deep
SELECT x.segment, x.customers, x.avg_limit
FROM (
  SELECT y.segment, COUNT(*) AS customers, AVG(y.credit_limit) AS avg_limit
  FROM (SELECT segment, credit_limit FROM bank::customers_1 WHERE age >= 30) y
  GROUP BY y.segment
) x
WHERE x.customers > 100
