-- ORDER BY ordinals over an aggregate
-- ordered
SELECT currency, COUNT(*) AS n, MAX(amount) AS biggest
FROM transactions_1
GROUP BY currency
ORDER BY 2 DESC, 1
