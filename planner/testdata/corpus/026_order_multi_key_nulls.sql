-- ORDER BY several keys, DESC and ASC; NULLs first ascending, last descending (MySQL's order)
-- ordered
SELECT customer_id, country, age
FROM bank::customers_1
WHERE customer_id <= 400
ORDER BY country DESC, age, customer_id
LIMIT 40
