-- abs, round, floor and ceil of decimals and integers; round halves away from zero
SELECT tx_id, abs(-amount) AS a, round(amount) AS r0, round(amount, 1) AS r1, floor(amount) AS f, ceil(amount) AS c,
       abs(merchant_id - customer_id) AS dist
FROM transactions_1
WHERE tx_id <= 25
