-- an OR whose branches touch both sides of a join
SELECT COUNT(*) AS n, SUM(t.amount) AS total
FROM transactions_1 t JOIN bank::customers_1 c ON t.customer_id = c.customer_id
WHERE (c.segment = 'business' AND t.amount > 1000) OR (c.segment = 'premium' AND t.amount > 5000)
