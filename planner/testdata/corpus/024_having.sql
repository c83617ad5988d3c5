-- HAVING on an aggregate in the select list
SELECT customer_id, COUNT(*) AS txs, SUM(amount) AS total
FROM transactions_1
GROUP BY customer_id
HAVING COUNT(*) >= 150
