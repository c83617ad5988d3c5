-- a filter in a LEFT JOIN's ON clause drops matches, not rows
SELECT m.category, COUNT(*) AS txs, COUNT(r.merchant_id) AS risky_txs
FROM transactions_1 t
LEFT JOIN bank::merchants_1 r ON t.merchant_id = r.merchant_id AND r.risk_score > 0.5
JOIN bank::merchants_1 m ON t.merchant_id = m.merchant_id
GROUP BY m.category
