-- simple CASE; WHEN NULL never matches, not even a NULL
SELECT segment,
       CASE segment WHEN 'retail' THEN 1 WHEN 'premium' THEN 2 ELSE 3 END AS rank_,
       CASE country WHEN 'SE' THEN 'home' WHEN NULL THEN 'never' END AS home,
       COUNT(*) AS n
FROM bank::customers_1
GROUP BY 1, 2, 3
