-- an aggregating subquery in FROM, filtered outside
SELECT s.currency, s.n
FROM (SELECT currency, COUNT(*) AS n FROM transactions_1 GROUP BY currency) AS s
WHERE s.n > 5000
