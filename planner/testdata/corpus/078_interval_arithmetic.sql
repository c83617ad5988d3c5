-- timestamp + and - INTERVAL
SELECT tx_id, ts + INTERVAL 1 DAY AS next_day, ts - INTERVAL 3 HOUR AS earlier, ts + INTERVAL 30 MINUTE AS later,
       date_add(ts, INTERVAL 2 MONTH) AS months_on
FROM transactions_1
WHERE tx_id <= 15
