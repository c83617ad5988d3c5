-- date_add and date_sub with INTERVAL; month arithmetic clamps to the month's last day
-- duckdb: SELECT customer_id, signup_date,
-- duckdb:        signup_date + INTERVAL 10 DAY AS plus_days,
-- duckdb:        signup_date - INTERVAL 1 MONTH AS minus_month,
-- duckdb:        signup_date + INTERVAL 1 YEAR AS plus_year
-- duckdb: FROM bank.customers_1
-- duckdb: WHERE customer_id <= 20 OR day(signup_date) = 31 AND customer_id < 600
SELECT customer_id, signup_date,
       date_add(signup_date, INTERVAL 10 DAY) AS plus_days,
       date_sub(signup_date, INTERVAL 1 MONTH) AS minus_month,
       date_add(signup_date, INTERVAL 1 YEAR) AS plus_year
FROM bank::customers_1
WHERE customer_id <= 20 OR day(signup_date) = 31 AND customer_id < 600
