-- uncorrelated IN subquery
SELECT COUNT(*) AS n, SUM(amount) AS total
FROM transactions_1
WHERE merchant_id IN (SELECT merchant_id FROM bank::merchants_1 WHERE category = 'gambling')
