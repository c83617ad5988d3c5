-- GROUP BY over no rows gives no rows
SELECT segment, COUNT(*) AS n, SUM(credit_limit) AS total
FROM bank::customers_1
WHERE age > 200
GROUP BY segment
