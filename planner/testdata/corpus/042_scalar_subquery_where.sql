-- uncorrelated scalar subquery in WHERE
SELECT tx_id, amount, currency
FROM transactions_1
WHERE amount > (SELECT AVG(amount) * 300 FROM transactions_1)
