-- comparisons in WHERE, a date compared with a string
SELECT customer_id, credit_limit, signup_date
FROM bank::customers_1
WHERE credit_limit >= 50000 AND signup_date > '2025-06-30' AND country <> 'SE' AND name >= 'M'
