-- DISTINCT on two columns, one with NULLs (NULLs are one value for DISTINCT)
SELECT DISTINCT segment, country FROM bank::customers_1
