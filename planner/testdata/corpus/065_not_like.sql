-- NOT LIKE
SELECT category, COUNT(*) AS n
FROM bank::merchants_1
WHERE name NOT LIKE '% %' OR category NOT LIKE '%o%'
GROUP BY category
