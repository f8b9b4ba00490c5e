-- Counts one presentation of a code: under the bound, counts it and replies the fields; at the
-- bound, or past its retention, removes the code and replies nil.
-- KEYS: the code. ARGV: the bound, now.
local v = redis.call('HMGET', KEYS[1], 'a', 'r')
if not v[1] then return false end
if (tonumber(v[2]) or 0) <= tonumber(ARGV[2]) or tonumber(v[1]) >= tonumber(ARGV[1]) then
  redis.call('DEL', KEYS[1])
  return false
end
redis.call('HINCRBY', KEYS[1], 'a', 1)
return redis.call('HGETALL', KEYS[1])
