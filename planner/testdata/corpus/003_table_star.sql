-- t.* next to a column of another table
SELECT t.*, m.category
FROM transactions_1 t JOIN bank::merchants_1 m ON t.merchant_id = m.merchant_id
WHERE t.tx_id < 40
