-- IN over a subquery with a NULL, as a value: TRUE, or NULL, never FALSE
SELECT CASE WHEN risk_score IN (SELECT risk_score FROM bank::merchants_1 WHERE category = 'crypto') THEN 'in'
            WHEN NOT (risk_score IN (SELECT risk_score FROM bank::merchants_1 WHERE category = 'crypto')) THEN 'out'
            ELSE 'unknown' END AS v,
       COUNT(*) AS n
FROM bank::merchants_1
GROUP BY 1
