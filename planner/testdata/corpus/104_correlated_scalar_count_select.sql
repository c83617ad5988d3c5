-- correlated scalar COUNT in the select list: 0, not NULL, when nothing matches
SELECT m.merchant_id, m.name,
       (SELECT COUNT(*) FROM transactions_1 t WHERE t.merchant_id = m.merchant_id AND t.amount > 500) AS big_txs
FROM bank::merchants_1 m
WHERE m.category = 'jewelry'
