-- Activates the pending factor sealed as ARGV[1]. KEYS: the factor's hash, its recovery codes' set.
-- ARGV: the sealed secret, the first accepted step, then the codes' hashes. Replies 1 or 0.
local v = redis.call('HMGET', KEYS[1], 's', 'a')
if v[1] ~= ARGV[1] or v[2] ~= '0' then return 0 end
redis.call('HSET', KEYS[1], 'a', '1', 't', ARGV[2])
redis.call('DEL', KEYS[2])
if #ARGV > 2 then redis.call('SADD', KEYS[2], unpack(ARGV, 3)) end
return 1
