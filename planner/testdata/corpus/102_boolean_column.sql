-- a boolean feature as a grouping key and a predicate
SELECT is_fraud, COUNT(*) AS n, SUM(amount) AS total,
       SUM(CASE WHEN NOT is_fraud AND amount > 1000 THEN 1 ELSE 0 END) AS big_honest
FROM transactions_1
GROUP BY is_fraud
