-- OR under three-valued logic: NULL OR TRUE is TRUE, NULL OR FALSE is NULL
SELECT CASE WHEN age < 25 OR country = 'NO' THEN 'true'
            WHEN NOT (age < 25 OR country = 'NO') THEN 'false'
            ELSE 'unknown' END AS v,
       COUNT(*) AS n
FROM bank::customers_1
GROUP BY 1
