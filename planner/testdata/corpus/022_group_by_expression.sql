-- GROUP BY an expression repeated in the select list
SELECT year(signup_date), COUNT(*) AS n, MIN(signup_date) AS first_signup
FROM bank::customers_1
GROUP BY year(signup_date)
