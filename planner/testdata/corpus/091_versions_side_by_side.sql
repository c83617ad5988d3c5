-- two versions of a feature group in one query
SELECT COUNT(*) AS n
FROM bank::customers_1 a JOIN bank::customers_2 b ON a.customer_id = b.customer_id
WHERE a.name = b.name AND a.segment = b.segment
