-- a boolean column alone in WHERE
SELECT tx_id, amount FROM transactions_1 WHERE is_fraud AND amount > 8000 AND NOT (currency = 'EUR')
