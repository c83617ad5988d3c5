-- IS [NOT] NULL in WHERE
SELECT customer_id, name, segment FROM bank::customers_1 WHERE country IS NULL AND age IS NOT NULL AND customer_id < 3000
