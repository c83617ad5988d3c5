-- an IN list holding NULL: IN is TRUE or NULL, NOT IN never TRUE
SELECT
  SUM(CASE WHEN age IN (30, NULL) THEN 1 ELSE 0 END) AS in_true,
  SUM(CASE WHEN age NOT IN (30, NULL) THEN 1 ELSE 0 END) AS not_in_true,
  SUM(CASE WHEN age NOT IN (30, 40) THEN 1 ELSE 0 END) AS not_in_plain
FROM bank::customers_1
