-- HAVING on aggregates that are not in the select list
SELECT category
FROM bank::merchants_1
GROUP BY category
HAVING AVG(risk_score) > 0.3 AND MAX(risk_score) < 1
