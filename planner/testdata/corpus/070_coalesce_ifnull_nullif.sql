-- COALESCE, IFNULL and NULLIF
SELECT customer_id, COALESCE(age, -1) AS age_or, IFNULL(country, '??') AS country_or,
       NULLIF(segment, 'retail') AS not_retail, COALESCE(NULL, country, segment) AS first_known
FROM bank::customers_1
WHERE customer_id < 400 AND (age IS NULL OR country IS NULL OR segment <> 'retail')
