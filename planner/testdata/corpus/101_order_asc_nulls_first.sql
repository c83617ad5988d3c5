-- ascending order puts NULLs first (MySQL)
-- ordered
SELECT customer_id, age FROM bank::customers_1 ORDER BY age, customer_id DESC LIMIT 8
