-- Revokes an API key if it belongs to the subject and is not revoked yet.
-- KEYS: the key's record. ARGV: the subject.
-- Replies 1 when this call revoked it, 0 otherwise.
local v = redis.call('HMGET', KEYS[1], 's', 'v')
if v[1] ~= ARGV[1] or v[2] == '1' then return 0 end
redis.call('HSET', KEYS[1], 'v', '1')
return 1
