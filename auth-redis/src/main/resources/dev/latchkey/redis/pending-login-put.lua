-- Stores a pending OpenID login within its client's bound.
-- KEYS: the login, the client's index, the prefix of the client's login keys (same slot).
-- ARGV: now, the bound, the login's hash, its expiresAt, then its fields and values.
-- Replies how many earlier logins it ended.
local now = tonumber(ARGV[1])
local max = tonumber(ARGV[2])
local idx = KEYS[2]
redis.call('ZREMRANGEBYSCORE', idx, '-inf', ARGV[1])
local live = {}
for _, m in ipairs(redis.call('ZRANGE', idx, 0, -1)) do
  if m ~= ARGV[3] then
    local v = redis.call('HMGET', KEYS[3] .. m, 'e', 'c')
    if not v[1] then
      -- Consumed (or forgotten): only its index entry was left.
      redis.call('ZREM', idx, m)
    elseif (tonumber(v[1]) or 0) <= now then
      redis.call('DEL', KEYS[3] .. m)
      redis.call('ZREM', idx, m)
    else
      live[#live + 1] = {m, tonumber(v[2]) or 0}
    end
  end
end
local ended = 0
if #live >= max then
  table.sort(live, function(x, y)
    if x[2] ~= y[2] then return x[2] < y[2] end
    return x[1] < y[1]
  end)
  local i = 1
  while #live - i + 1 >= max do
    redis.call('DEL', KEYS[3] .. live[i][1])
    redis.call('ZREM', idx, live[i][1])
    ended = ended + 1
    i = i + 1
  end
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], unpack(ARGV, 5))
-- Redis forgets it at its expiry, an absolute time: no TTL arithmetic on the caller's clock.
redis.call('PEXPIREAT', KEYS[1], ARGV[4])
redis.call('ZADD', idx, ARGV[4], ARGV[3])
local top = redis.call('ZRANGE', idx, -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', idx, top[2])
return ended
