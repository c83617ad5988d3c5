-- self join with an equi key and a residual inequality in ON
SELECT a.merchant_id AS lower_risk, b.merchant_id AS higher_risk, b.risk_score - a.risk_score AS gap
FROM bank::merchants_1 a JOIN bank::merchants_1 b
  ON a.category = b.category AND a.risk_score < b.risk_score
WHERE a.category = 'jewelry'
