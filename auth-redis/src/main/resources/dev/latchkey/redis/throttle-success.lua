--! include prelude
-- Deletes the name's count; takes one attempt off the address's, ending its lock when it falls
-- under the limit. KEYS: the name's key, then the address's if any (one slot: the {lt} tag).
-- ARGV: now (ms), the address limit. Replies the address's count left.
redis.call('DEL', KEYS[1])
if #KEYS < 2 then return 0 end
local now = tonumber(ARGV[1])
local v = redis.call('HMGET', KEYS[2], 'n', 'w', 'k')
local n, w, k = tonumber(v[1]), tonumber(v[2]), tonumber(v[3]) or 0
if not (n and w and now < math.max(w, k)) then return 0 end
n = n - 1
if n <= 0 then
  redis.call('DEL', KEYS[2])
  return 0
end
if n < tonumber(ARGV[2]) then k = 0 end
redis.call('HSET', KEYS[2], 'n', n, 'k', ms(k))
redis.call('PEXPIREAT', KEYS[2], ms(math.max(w, k)))
return n
