-- NOT IN over a subquery without NULLs: rows whose own value is NULL are still dropped
SELECT category, COUNT(*) AS n
FROM bank::merchants_1
WHERE risk_score NOT IN (SELECT risk_score FROM bank::merchants_1 WHERE category = 'jewelry')
GROUP BY category
