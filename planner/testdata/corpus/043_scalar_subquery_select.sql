-- uncorrelated scalar subquery in the select list
SELECT currency, COUNT(*) AS n, (SELECT COUNT(*) FROM transactions_1) AS total
FROM transactions_1
GROUP BY currency
