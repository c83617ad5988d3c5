-- ORDER BY and LIMIT apply to the whole UNION
-- ordered
SELECT merchant_id AS id, risk_score AS score FROM bank::merchants_1 WHERE category = 'crypto'
UNION ALL
SELECT merchant_id, risk_score FROM bank::merchants_1 WHERE category = 'gambling'
ORDER BY score DESC, id
LIMIT 12
