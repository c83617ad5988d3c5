-- BETWEEN and NOT BETWEEN on integers and dates
SELECT customer_id, age, signup_date
FROM bank::customers_1
WHERE age BETWEEN 30 AND 31
  AND signup_date BETWEEN date '2025-01-01' AND date '2025-03-31'
  AND customer_id NOT BETWEEN 1000 AND 8000
