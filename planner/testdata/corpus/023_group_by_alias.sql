-- GROUP BY a select-list alias
SELECT CASE WHEN credit_limit >= 20000 THEN 'high' ELSE 'normal' END AS band, segment, COUNT(*) AS n
FROM bank::customers_1
GROUP BY band, segment
