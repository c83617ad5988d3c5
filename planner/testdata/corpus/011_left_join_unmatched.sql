-- LEFT JOIN keeps unmatched rows; WHERE on the nullable side sees the NULLs
SELECT t.tx_id, t.merchant_id, m.name, m.risk_score
FROM transactions_1 t LEFT JOIN bank::merchants_1 m ON t.merchant_id = m.merchant_id
WHERE t.tx_id < 3000 AND (m.merchant_id IS NULL OR m.category = 'crypto')
