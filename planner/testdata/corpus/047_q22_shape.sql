-- substring IN a list, an uncorrelated scalar average and a correlated NOT EXISTS (TPC-H Q22 shape)
-- ordered
SELECT cntry, COUNT(*) AS numcust, SUM(credit_limit) AS totlimit
FROM (
  SELECT c.country AS cntry, c.credit_limit
  FROM bank::customers_1 c
  WHERE substring(c.name, 1, 1) IN ('A', 'E', 'O')
    AND c.credit_limit > (
      SELECT AVG(c2.credit_limit) FROM bank::customers_1 c2
      WHERE c2.credit_limit > 10000 AND substring(c2.name, 1, 1) IN ('A', 'E', 'O'))
    AND NOT EXISTS (SELECT * FROM transactions_1 t WHERE t.customer_id = c.customer_id)
) AS custsale
GROUP BY cntry
ORDER BY cntry
