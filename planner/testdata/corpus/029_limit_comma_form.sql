-- MySQL's LIMIT offset, count
-- ordered
-- duckdb: SELECT tx_id, amount FROM transactions_1 WHERE currency = 'SEK' ORDER BY amount DESC, tx_id LIMIT 10 OFFSET 5
SELECT tx_id, amount FROM transactions_1 WHERE currency = 'SEK' ORDER BY amount DESC, tx_id LIMIT 5, 10
