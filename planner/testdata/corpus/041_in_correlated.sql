-- correlated IN subquery: payments to a merchant in the customer's country
SELECT c.country, COUNT(*) AS domestic
FROM transactions_1 t JOIN bank::customers_1 c ON t.customer_id = c.customer_id
WHERE t.tx_id <= 20000
  AND t.merchant_id IN (SELECT m.merchant_id FROM bank::merchants_1 m WHERE m.country = c.country)
GROUP BY c.country
