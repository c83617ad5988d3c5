-- the three spellings of a table in another project's store
SELECT c.segment, COUNT(*) AS n
FROM fraud::transactions_1 t
JOIN `bank::customers_1` c ON t.customer_id = c.customer_id
JOIN `bank_featurestore`.`merchants_1` m ON t.merchant_id = m.merchant_id
WHERE m.category = 'travel'
GROUP BY c.segment
