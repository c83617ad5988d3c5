-- concat is NULL when any argument is NULL (MySQL; DuckDB's concat skips NULLs, its || does not)
-- duckdb: SELECT customer_id, name || ' (' || country || ')' AS label, segment || '/' || CAST(age AS VARCHAR) AS seg_age
-- duckdb: FROM bank.customers_1
-- duckdb: WHERE customer_id < 500 AND (country IS NULL OR age IS NULL)
SELECT customer_id, concat(name, ' (', country, ')') AS label, concat(segment, '/', age) AS seg_age
FROM bank::customers_1
WHERE customer_id < 500 AND (country IS NULL OR age IS NULL)
