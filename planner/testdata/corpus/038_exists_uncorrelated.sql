-- uncorrelated EXISTS and NOT EXISTS
SELECT COUNT(*) AS n
FROM bank::merchants_1
WHERE EXISTS (SELECT * FROM bank::merchants_1 WHERE category = 'crypto')
  AND NOT EXISTS (SELECT merchant_id FROM bank::merchants_1 WHERE risk_score > 2)
