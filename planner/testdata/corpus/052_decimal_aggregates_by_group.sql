-- exact decimal SUM, MIN, MAX per group; AVG per group
SELECT currency, SUM(amount) AS total, AVG(amount) AS mean, MIN(amount) AS smallest, MAX(amount) AS largest
FROM transactions_1
GROUP BY currency
