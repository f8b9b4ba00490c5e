-- Consumes one recovery code of an active factor. KEYS: the factor's hash, its recovery codes'
-- set. ARGV: the code's hash. Replies 1 when it was unused, else 0.
if redis.call('HGET', KEYS[1], 'a') ~= '1' then return 0 end
return redis.call('SREM', KEYS[2], ARGV[1])
