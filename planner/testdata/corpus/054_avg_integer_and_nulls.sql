-- AVG and SUM of an integer column with NULLs
SELECT segment, AVG(age) AS avg_age, SUM(age) AS sum_age, COUNT(age) AS n_age, MIN(age) AS youngest, MAX(age) AS oldest
FROM bank::customers_1
GROUP BY segment
