-- year, month and day of timestamps and dates
SELECT tx_id, year(ts) AS y, month(ts) AS m, day(ts) AS d, year(signup_date) AS sy, month(signup_date) AS sm, day(signup_date) AS sd
FROM transactions_1 t JOIN bank::customers_1 c ON t.customer_id = c.customer_id
WHERE tx_id <= 20
