-- aggregates over no rows without GROUP BY: one row, COUNT 0, the rest NULL
SELECT COUNT(*) AS n, COUNT(age) AS ages, SUM(age) AS age_sum, AVG(credit_limit) AS avg_limit,
       MIN(name) AS first_name, MAX(signup_date) AS last_signup
FROM bank::customers_1
WHERE age > 200
