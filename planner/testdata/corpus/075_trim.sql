-- trim of leading and trailing spaces
SELECT category, trim(concat('  ', category, '  ')) AS t, length(trim(concat(' ', country, ' '))) AS n
FROM bank::merchants_1
WHERE merchant_id <= 10
