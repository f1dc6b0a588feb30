-- Order phones in the canonical form of aftersales_contract::Phone: a mainland
-- mobile stays its 11 digits; any other number becomes E.164 ('+' and digits),
-- as it was stored without its '+' before.
UPDATE orders SET phone = '+' || phone
WHERE substr(phone, 1, 1) <> '+' AND NOT (length(phone) = 11 AND substr(phone, 1, 1) = '1');
