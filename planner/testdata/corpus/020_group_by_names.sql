-- GROUP BY column names; NULL countries form one group
SELECT segment, country, COUNT(*) AS n, SUM(credit_limit) AS total_limit
FROM bank::customers_1
GROUP BY segment, country
