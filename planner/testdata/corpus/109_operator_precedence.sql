-- precedence of unary minus, *, -, NOT, AND and OR
SELECT tx_id, -amount * 2 AS a, (1 + 2) * tx_id AS b, 10 - 2 - tx_id AS c, tx_id - 2 * 3 AS d,
       NOT tx_id > 2 AND tx_id < 5 AS e, tx_id < 3 OR tx_id > 4 AND tx_id < 6 AS f
FROM transactions_1
WHERE tx_id <= 7
