--! include prelude
-- Stores a new session within its subject's cap.
-- KEYS: the session, the subject's index, the prefix of the subject's session keys (same slot).
-- ARGV: now, cap, cap policy, the session's hash, its retainUntil, then its fields and values.
-- Replies {1, ended hashes...} when stored, {0} when refused.
local now = tonumber(ARGV[1])
local max = tonumber(ARGV[2])
local idx = KEYS[2]
redis.call('ZREMRANGEBYSCORE', idx, '-inf', ARGV[1])
local live = {}
-- The index holds every session kept until after now, so fewer members than the cap means fewer
-- live sessions: the common login then reads no member.
local members = redis.call('ZCARD', idx) < max and {} or redis.call('ZRANGE', idx, 0, -1)
for _, m in ipairs(members) do
  if m ~= ARGV[4] then
    local v = redis.call('HMGET', KEYS[3] .. m, 'e', 'c')
    if not v[1] then
      redis.call('ZREM', idx, m)
    elseif (tonumber(v[1]) or 0) > now then
      live[#live + 1] = {m, tonumber(v[2]) or 0}
    end
  end
end
local out = {1}
if #live >= max then
  if ARGV[3] == 'REFUSE_NEW' then return {0} end
  table.sort(live, function(x, y)
    if x[2] ~= y[2] then return x[2] < y[2] end
    return x[1] < y[1]
  end)
  local i = 1
  while #live - i + 1 >= max do
    redis.call('DEL', KEYS[3] .. live[i][1])
    redis.call('ZREM', idx, live[i][1])
    out[#out + 1] = live[i][1]
    i = i + 1
  end
end
local r = tonumber(ARGV[5])
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], unpack(ARGV, 6))
keepuntil(KEYS[1], r, now)
redis.call('ZADD', idx, ARGV[5], ARGV[4])
keepindex(idx, now, ARGV[5], r > now and ttl(r - now) or '0')
return out
