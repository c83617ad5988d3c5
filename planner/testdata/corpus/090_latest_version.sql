-- bank::customers with no version is the latest version, customers_2
SELECT email_domain, COUNT(*) AS n
FROM bank::customers
WHERE email_domain IN ('gmail.com', 'proton.me', 'icloud.com')
GROUP BY email_domain
