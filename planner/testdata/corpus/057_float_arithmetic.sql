-- double arithmetic mixed with integers and decimals; NULL in, NULL out
SELECT customer_id, credit_limit * 1.5 AS more, credit_limit / 3 AS third, age * credit_limit AS weighted,
       credit_limit - age AS diff, credit_limit + 0.25 AS plus
FROM bank::customers_1
WHERE customer_id <= 25
