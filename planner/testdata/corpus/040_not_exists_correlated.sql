-- correlated NOT EXISTS: customers without any payment
SELECT c.segment, COUNT(*) AS inactive
FROM bank::customers_1 c
WHERE NOT EXISTS (SELECT * FROM transactions_1 t WHERE t.customer_id = c.customer_id)
GROUP BY c.segment
