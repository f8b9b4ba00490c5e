-- Removes a factor and its recovery codes. KEYS: the factor's hash, its recovery codes' set.
-- Replies 1 when there was a factor.
local had = redis.call('EXISTS', KEYS[1])
redis.call('DEL', KEYS[1], KEYS[2])
return had
