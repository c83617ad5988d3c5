-- INNER JOIN of three tables with ON, and a cross-table filter
SELECT t.tx_id, c.country, m.country AS merchant_country, t.amount
FROM transactions_1 t
INNER JOIN bank::customers_1 c ON t.customer_id = c.customer_id
INNER JOIN bank::merchants_1 m ON m.merchant_id = t.merchant_id
WHERE t.tx_id < 80 AND c.country <> m.country
