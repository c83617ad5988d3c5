-- COUNT(DISTINCT) per group
SELECT m.category, COUNT(DISTINCT t.customer_id) AS customers, COUNT(DISTINCT t.currency) AS currencies
FROM transactions_1 t JOIN bank::merchants_1 m ON t.merchant_id = m.merchant_id
GROUP BY m.category
