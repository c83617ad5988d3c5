-- COUNT(*), COUNT(x) and COUNT(DISTINCT x); COUNT(x) and COUNT(DISTINCT x) ignore NULLs
SELECT COUNT(*) AS rows_, COUNT(age) AS ages, COUNT(DISTINCT country) AS countries,
       COUNT(DISTINCT age) AS distinct_ages, COUNT(DISTINCT segment) AS segments
FROM bank::customers_1
