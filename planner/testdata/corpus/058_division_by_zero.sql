-- division by zero is NULL, as in MySQL
-- duckdb: SELECT tx_id, amount / NULLIF(tx_id - tx_id, 0) AS by_zero, tx_id / NULLIF(0, 0) AS int_by_zero, amount / NULLIF(tx_id % 2, 0) AS odd_only
-- duckdb: FROM transactions_1
-- duckdb: WHERE tx_id <= 6
SELECT tx_id, amount / (tx_id - tx_id) AS by_zero, tx_id / 0 AS int_by_zero, amount / NULLIF(tx_id % 2, 0) AS odd_only
FROM transactions_1
WHERE tx_id <= 6
