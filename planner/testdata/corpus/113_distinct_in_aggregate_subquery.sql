-- DISTINCT inside a subquery in FROM, counted outside
SELECT COUNT(*) AS n FROM (SELECT DISTINCT customer_id, currency FROM transactions_1 WHERE amount > 5000) d
