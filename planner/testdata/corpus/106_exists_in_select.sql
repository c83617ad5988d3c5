-- correlated EXISTS as a value
SELECT c.segment,
       SUM(CASE WHEN EXISTS (SELECT * FROM customer_spend_1 s WHERE s.customer_id = c.customer_id) THEN 1 ELSE 0 END) AS active
FROM bank::customers_1 c
GROUP BY c.segment
