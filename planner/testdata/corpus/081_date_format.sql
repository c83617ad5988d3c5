-- date_format, grouped on
-- duckdb: SELECT strftime(ts, '%Y-%m') AS month, COUNT(*) AS n, SUM(amount) AS total
-- duckdb: FROM fraud.transactions_1
-- duckdb: GROUP BY strftime(ts, '%Y-%m')
SELECT date_format(ts, '%Y-%m') AS month, COUNT(*) AS n, SUM(amount) AS total
FROM transactions_1
GROUP BY date_format(ts, '%Y-%m')
