-- correlated scalar aggregate in WHERE (TPC-H Q17 shape)
SELECT SUM(t.amount) AS small_total, COUNT(*) AS small_txs
FROM transactions_1 t JOIN bank::merchants_1 m ON t.merchant_id = m.merchant_id
WHERE m.category = 'electronics' AND m.country = 'SE'
  AND t.amount < (SELECT 0.2 * AVG(t2.amount) FROM transactions_1 t2 WHERE t2.merchant_id = t.merchant_id)
