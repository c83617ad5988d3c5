-- CAST to DOUBLE, BIGINT (rounding), VARCHAR and TIMESTAMP, which hopsql's front end accepts
SELECT customer_id, CAST(age AS DOUBLE) AS age_d, CAST(credit_limit / 7 AS BIGINT) AS limit_i,
       CAST(customer_id AS VARCHAR) AS id_s, CAST(signup_date AS TIMESTAMP) AS signup_ts,
       CAST('2026-01-02 03:04:05' AS TIMESTAMP) AS lit_ts
FROM bank::customers_1
WHERE customer_id <= 20
