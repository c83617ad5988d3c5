-- LEFT JOIN ... IS NULL as an anti join
SELECT c.segment, COUNT(*) AS without_spend
FROM bank::customers_1 c LEFT JOIN customer_spend_1 s ON s.customer_id = c.customer_id
WHERE s.customer_id IS NULL
GROUP BY c.segment
