-- searched CASE, with and without ELSE
SELECT tx_id,
       CASE WHEN amount >= 1000 THEN 'large' WHEN amount >= 100 THEN 'medium' ELSE 'small' END AS size,
       CASE WHEN merchant_id IS NULL THEN 'none' END AS no_else
FROM transactions_1
WHERE tx_id <= 40
