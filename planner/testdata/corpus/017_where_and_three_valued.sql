-- AND under three-valued logic: NULL AND FALSE is FALSE, NULL AND TRUE is NULL
SELECT CASE WHEN age > 40 AND country = 'SE' THEN 'true'
            WHEN NOT (age > 40 AND country = 'SE') THEN 'false'
            ELSE 'unknown' END AS v,
       COUNT(*) AS n
FROM bank::customers_1
GROUP BY 1
