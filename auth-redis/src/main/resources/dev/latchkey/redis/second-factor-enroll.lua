-- Stores a pending factor unless an active one is there. KEYS: the factor's hash, its recovery
-- codes' set (one slot). ARGV: the sealed secret. Replies 1 when stored, 0 for an active factor.
if redis.call('HGET', KEYS[1], 'a') == '1' then return 0 end
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[1], 's', ARGV[1], 'a', '0', 't', '-1')
return 1
