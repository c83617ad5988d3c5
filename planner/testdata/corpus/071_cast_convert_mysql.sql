-- CAST and CONVERT to the types MySQL's parser reads (SIGNED, CHAR, DECIMAL, DATE); decimals round half away from zero
-- duckdb: SELECT tx_id, CAST(amount AS BIGINT) AS whole, CAST(tx_id AS VARCHAR) AS id_text,
-- duckdb:        CAST(amount AS DECIMAL(14,1)) AS one_digit, CAST(ts AS DATE) AS day, CAST('2026-02-03' AS DATE) AS lit,
-- duckdb:        CAST(amount AS DECIMAL(10,3)) AS wider
-- duckdb: FROM fraud.transactions_1
-- duckdb: WHERE tx_id <= 20
SELECT tx_id, CAST(amount AS SIGNED) AS whole, CAST(tx_id AS CHAR) AS id_text,
       CONVERT(amount, DECIMAL(14,1)) AS one_digit, CAST(ts AS DATE) AS day, CAST('2026-02-03' AS DATE) AS lit,
       CAST(amount AS DECIMAL(10,3)) AS wider
FROM transactions_1
WHERE tx_id <= 20
