-- LIMIT 0 returns no rows
SELECT tx_id FROM transactions_1 LIMIT 0
