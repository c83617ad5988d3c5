-- UNION ALL keeps duplicates
SELECT 'customer' AS kind, customer_id AS id FROM bank::customers_1 WHERE customer_id <= 5
UNION ALL
SELECT 'merchant', merchant_id FROM bank::merchants_1 WHERE merchant_id <= 5
UNION ALL
SELECT 'merchant', merchant_id FROM bank::merchants_1 WHERE merchant_id <= 2
