-- top-N by an aggregate
-- ordered
SELECT merchant_id, COUNT(*) AS txs, SUM(amount) AS total
FROM transactions_1
WHERE currency = 'EUR'
GROUP BY merchant_id
ORDER BY total DESC, merchant_id
LIMIT 10
