-- timestamps compared with strings
SELECT COUNT(*) AS n FROM transactions_1 WHERE ts >= '2026-03-10' AND ts < '2026-03-10 12:00:00'
