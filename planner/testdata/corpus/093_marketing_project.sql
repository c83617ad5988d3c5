-- a session in another project
-- project: marketing
SELECT channel, month(sent_at) AS m, COUNT(*) AS n, COUNT(DISTINCT customer_id) AS customers
FROM campaigns_1
GROUP BY channel, month(sent_at)
