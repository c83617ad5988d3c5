-- EXTRACT(YEAR|MONTH FROM d)
SELECT EXTRACT(YEAR FROM signup_date) AS y, EXTRACT(MONTH FROM signup_date) AS m, COUNT(*) AS n
FROM bank::customers_1
WHERE signup_date >= date '2025-01-01'
GROUP BY EXTRACT(YEAR FROM signup_date), EXTRACT(MONTH FROM signup_date)
