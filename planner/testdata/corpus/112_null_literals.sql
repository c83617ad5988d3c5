-- NULL literals in expressions
SELECT tx_id, NULL AS nothing, amount + NULL AS plus_null, NULL = NULL AS eq_null, COALESCE(NULL, NULL) AS both_null
FROM transactions_1
WHERE tx_id <= 3
