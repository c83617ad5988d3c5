-- EXTRACT of day, hour and minute from a timestamp
SELECT tx_id, EXTRACT(DAY FROM ts) AS d, EXTRACT(HOUR FROM ts) AS h, EXTRACT(MINUTE FROM ts) AS mi
FROM transactions_1
WHERE tx_id <= 10
