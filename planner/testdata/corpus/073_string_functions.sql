-- lower, upper, length, substring (two and three arguments), replace
SELECT merchant_id, lower(name) AS lo, upper(category) AS up, length(category) AS len,
       substring(category, 2, 3) AS mid, substring(country, 2) AS tail,
       replace(category, '_', ' ') AS spaced
FROM bank::merchants_1
WHERE merchant_id <= 30
