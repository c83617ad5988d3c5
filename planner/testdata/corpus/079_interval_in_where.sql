-- date +/- INTERVAL in a range filter
SELECT COUNT(*) AS n, MIN(ts) AS first_ts, MAX(ts) AS last_ts
FROM transactions_1
WHERE ts >= date '2026-03-01' - INTERVAL 1 DAY AND ts < date '2026-03-01' + INTERVAL 1 DAY
