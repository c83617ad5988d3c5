-- MySQL's datediff(a, b): days from b to a, times ignored
-- duckdb: SELECT t.tx_id, date_diff('day', c.signup_date, CAST(t.ts AS DATE)) AS days_since_signup,
-- duckdb:        date_diff('day', CAST(t.ts AS DATE), DATE '2026-12-31') AS days_left
-- duckdb: FROM fraud.transactions_1 t JOIN bank.customers_1 c ON t.customer_id = c.customer_id
-- duckdb: WHERE t.tx_id <= 20
SELECT t.tx_id, datediff(t.ts, c.signup_date) AS days_since_signup, datediff('2026-12-31', t.ts) AS days_left
FROM transactions_1 t JOIN bank::customers_1 c ON t.customer_id = c.customer_id
WHERE t.tx_id <= 20
