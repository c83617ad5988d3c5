-- a scalar subquery inside arithmetic
SELECT segment, COUNT(*) * 100.0 / (SELECT COUNT(*) FROM bank::customers_1) AS pct
FROM bank::customers_1
GROUP BY segment
