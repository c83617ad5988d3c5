-- ORDER BY a select-list alias of an expression
-- ordered
SELECT tx_id, amount * 10 AS scaled
FROM transactions_1
WHERE tx_id <= 500
ORDER BY scaled DESC, tx_id
LIMIT 15
