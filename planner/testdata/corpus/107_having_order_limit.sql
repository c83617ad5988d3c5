-- WHERE, GROUP BY, HAVING, ORDER BY and LIMIT together
-- ordered
SELECT c.country, COUNT(*) AS txs, AVG(t.amount) AS mean
FROM transactions_1 t JOIN bank::customers_1 c ON t.customer_id = c.customer_id
WHERE c.country IS NOT NULL
GROUP BY c.country
HAVING COUNT(*) > 2000
ORDER BY txs DESC, c.country
LIMIT 5
