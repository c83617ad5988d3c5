-- integer +, -, *, unary minus, and / (exact division, not integer division)
SELECT tx_id, tx_id * 3 + customer_id - merchant_id AS mix, tx_id / 4 AS quarter, -tx_id AS neg, (tx_id + 1) * (tx_id - 1) AS sq
FROM transactions_1
WHERE tx_id <= 25
