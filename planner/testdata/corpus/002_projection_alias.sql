-- expressions and aliases in the select list, with and without AS
SELECT tx_id AS id, amount * 2 AS doubled, currency c, is_fraud
FROM transactions_1
WHERE tx_id BETWEEN 100 AND 130
