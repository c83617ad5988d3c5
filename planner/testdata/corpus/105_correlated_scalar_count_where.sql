-- correlated COUNT compared with 0 in WHERE (the COUNT bug)
SELECT c.segment, COUNT(*) AS n
FROM bank::customers_1 c
WHERE (SELECT COUNT(*) FROM transactions_1 t WHERE t.customer_id = c.customer_id) = 0
GROUP BY c.segment
