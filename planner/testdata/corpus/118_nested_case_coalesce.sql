-- CASE nested in CASE, over COALESCE
SELECT CASE WHEN COALESCE(age, 0) < 30 THEN 'young' WHEN age < 60 THEN CASE segment WHEN 'retail' THEN 'mid-retail' ELSE 'mid-other' END ELSE 'senior' END AS bucket,
       COUNT(*) AS n
FROM bank::customers_1
GROUP BY 1
