-- Advances an active factor's last accepted step to ARGV[1] when it is later: the check and the set
-- are one step, so one code is accepted once. KEYS: the factor's hash. Replies 1 or 0.
local v = redis.call('HMGET', KEYS[1], 'a', 't')
if v[1] ~= '1' or tonumber(ARGV[1]) <= tonumber(v[2]) then return 0 end
redis.call('HSET', KEYS[1], 't', ARGV[1])
return 1
