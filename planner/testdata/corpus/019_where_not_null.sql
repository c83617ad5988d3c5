-- NOT of a NULL comparison is NULL: rows without an age are not counted
SELECT COUNT(*) AS n FROM bank::customers_1 WHERE NOT age > 40
