-- NOT IN over a subquery that yields a NULL is never true
SELECT COUNT(*) AS n
FROM bank::merchants_1
WHERE risk_score NOT IN (SELECT risk_score FROM bank::merchants_1 WHERE category = 'crypto')
