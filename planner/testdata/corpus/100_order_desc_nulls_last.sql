-- descending order puts NULLs last (MySQL)
-- ordered
SELECT merchant_id, risk_score
FROM bank::merchants_1
ORDER BY risk_score DESC, merchant_id
LIMIT 10 OFFSET 945
