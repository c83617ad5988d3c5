-- DISTINCT on one column
SELECT DISTINCT currency FROM transactions_1
