-- SUM, AVG, MIN, MAX over decimals, timestamps, strings and integers without GROUP BY
SELECT SUM(amount) AS total, AVG(amount) AS mean, MIN(amount) AS smallest, MAX(amount) AS largest,
       MIN(ts) AS first_ts, MAX(ts) AS last_ts, MIN(currency) AS min_cur, MAX(currency) AS max_cur,
       SUM(tx_id) AS id_sum, AVG(tx_id) AS id_avg
FROM transactions_1
