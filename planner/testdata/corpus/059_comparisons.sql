-- comparison operators over decimals, strings, timestamps and columns, as values
SELECT tx_id,
       amount = 26.52 AS eq, amount <> 26.52 AS ne, amount != 26.52 AS ne2,
       amount < 100 AS lt, amount <= 128.58 AS le, amount > 96.45 AS gt, amount >= 96.45 AS ge,
       currency < 'F' AS str_lt, ts < timestamp '2026-01-01 00:15:00' AS ts_lt, merchant_id > customer_id AS cols
FROM transactions_1
WHERE tx_id <= 12
