-- a session in bank, with the latest-version name of its own feature group
-- project: bank
SELECT c.country, COUNT(*) AS customers, SUM(c.credit_limit) AS total_limit
FROM customers c
WHERE c.segment = 'premium'
GROUP BY c.country
