-- literals of every kind as columns
SELECT tx_id, date '2026-01-15' AS d, timestamp '2026-01-15 10:30:00' AS t, 'text' AS s, 42 AS i, 1.50 AS dec_, 2.5e0 AS f
FROM transactions_1
WHERE tx_id <= 3
