-- concat of strings and integers (integers become text)
SELECT customer_id, concat(name, ' (', country, ')') AS label, concat(segment, '/', age, '/', customer_id * 10) AS seg_age
FROM bank::customers_1
WHERE customer_id < 40 AND country IS NOT NULL AND age IS NOT NULL
