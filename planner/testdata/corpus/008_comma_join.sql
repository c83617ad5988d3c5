-- comma join with the join condition in WHERE
SELECT t.tx_id, t.amount, c.name, c.segment
FROM transactions_1 t, bank::customers_1 c
WHERE t.customer_id = c.customer_id AND t.tx_id < 60
