-- UNION removes duplicates, NULL included once
SELECT country FROM bank::customers_1
UNION
SELECT country FROM bank::merchants_1
