-- Replaces every recovery code of an active factor. KEYS: the factor's hash, its recovery codes'
-- set. ARGV: the new codes' hashes. Replies 1, or 0 when there is no active factor.
if redis.call('HGET', KEYS[1], 'a') ~= '1' then return 0 end
redis.call('DEL', KEYS[2])
if #ARGV > 0 then redis.call('SADD', KEYS[2], unpack(ARGV)) end
return 1
