-- date_format's field codes (%i is minutes, %s seconds in MySQL)
-- duckdb: SELECT tx_id, strftime(ts, '%Y-%m-%d %H:%M:%S') AS full_, strftime(ts, '%d/%m/%y') AS short_
-- duckdb: FROM fraud.transactions_1
-- duckdb: WHERE tx_id <= 10
SELECT tx_id, date_format(ts, '%Y-%m-%d %H:%i:%s') AS full_, date_format(ts, '%d/%m/%y') AS short_
FROM transactions_1
WHERE tx_id <= 10
