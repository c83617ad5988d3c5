-- an OFFSET near the end returns what is left
-- ordered
SELECT tx_id FROM transactions_1 ORDER BY tx_id LIMIT 5 OFFSET 99998
