-- CROSS JOIN of two small derived tables
SELECT s.segment, k.currency
FROM (SELECT DISTINCT segment FROM bank::customers_1) s
CROSS JOIN (SELECT DISTINCT currency FROM transactions_1) k
