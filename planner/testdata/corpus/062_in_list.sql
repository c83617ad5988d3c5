-- IN and NOT IN lists
SELECT country, segment, COUNT(*) AS n
FROM bank::customers_1
WHERE country IN ('SE', 'NO', 'DK', 'IS') AND segment NOT IN ('retail')
GROUP BY country, segment
