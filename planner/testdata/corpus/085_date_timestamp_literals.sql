-- date '...' and timestamp '...' literals
SELECT COUNT(*) AS n, MIN(tx_id) AS first_id
FROM transactions_1
WHERE ts >= timestamp '2026-02-14 18:00:00' AND ts < timestamp '2026-02-14 20:30:00'
  AND ts > date '2026-02-14'
