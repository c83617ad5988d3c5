-- SELECT * over one feature group, with a filter on the primary key
SELECT * FROM transactions_1 WHERE tx_id <= 20
