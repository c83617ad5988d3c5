-- RIGHT JOIN keeps every row of the right side
SELECT m.merchant_id, m.category, t.tx_id
FROM transactions_1 t RIGHT JOIN bank::merchants_1 m ON t.merchant_id = m.merchant_id AND t.amount > 20000
WHERE m.category IN ('jewelry', 'crypto')
