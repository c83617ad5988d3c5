-- decimal arithmetic: exact sums and products; division
SELECT tx_id, amount + 0.005 AS plus, amount - 100 AS minus, amount * 1.1 AS times, amount * amount AS squared,
       amount / 3 AS third, -amount AS neg, amount * tx_id AS by_id
FROM transactions_1
WHERE tx_id <= 25
