-- LIMIT with OFFSET
-- ordered
SELECT tx_id, customer_id, amount FROM transactions_1 ORDER BY tx_id LIMIT 10 OFFSET 50
