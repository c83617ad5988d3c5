-- abs, round, floor and ceil over doubles
SELECT customer_id, round(credit_limit / 7, 2) AS r2, floor(credit_limit / 7) AS f, ceil(credit_limit / 7) AS c,
       abs(age - 50) AS from_50, round(-credit_limit / 9) AS neg
FROM bank::customers_1
WHERE customer_id <= 25
