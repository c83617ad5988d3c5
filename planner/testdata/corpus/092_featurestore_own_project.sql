-- the session's own store by its Hopsworks name
SELECT COUNT(*) AS n, SUM(tx_count_7d) AS txs
FROM `fraud_featurestore`.`customer_spend_1`
WHERE ts = timestamp '2026-02-01 00:00:00'
