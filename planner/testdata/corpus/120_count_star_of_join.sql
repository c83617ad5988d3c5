-- COUNT(*) over a whole LEFT JOIN
SELECT COUNT(*) AS n, COUNT(m.merchant_id) AS matched
FROM transactions_1 t LEFT JOIN bank::merchants_1 m ON t.merchant_id = m.merchant_id
