-- GROUP BY ordinals
SELECT category, country, COUNT(*) AS n
FROM bank::merchants_1
WHERE category IN ('travel', 'gambling')
GROUP BY 1, 2
