-- ORDER BY a string with a NULL group first
-- ordered
SELECT country, COUNT(*) AS n FROM bank::merchants_1 GROUP BY country ORDER BY country
