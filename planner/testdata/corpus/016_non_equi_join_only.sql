-- a join whose ON condition has no equality at all
SELECT COUNT(*) AS pairs, MIN(a.risk_score - b.risk_score) AS min_gap, MAX(a.merchant_id + b.merchant_id) AS max_ids
FROM bank::merchants_1 a JOIN bank::merchants_1 b ON a.risk_score > b.risk_score + 0.6
WHERE a.category = 'crypto' AND b.category = 'grocery'
