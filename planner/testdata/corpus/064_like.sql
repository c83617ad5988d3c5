-- LIKE with % and _
SELECT merchant_id, name
FROM bank::merchants_1
WHERE name LIKE 'Nordic%' OR name LIKE '%Casino' OR name LIKE '_ilver C%'
