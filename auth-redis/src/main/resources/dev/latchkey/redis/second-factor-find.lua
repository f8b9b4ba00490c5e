-- Reads a factor in one round trip. KEYS: the factor's hash, its recovery codes' set. Replies
-- {sealed secret, active flag, last step, codes left}, or false when there is no factor.
local v = redis.call('HMGET', KEYS[1], 's', 'a', 't')
if not v[1] then return false end
return {v[1], v[2], v[3], redis.call('SCARD', KEYS[2])}
