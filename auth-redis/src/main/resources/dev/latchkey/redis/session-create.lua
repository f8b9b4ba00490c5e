--! include prelude
--! include session-value
-- Stores a new session within its subject's cap.
-- KEYS: the session, the subject's index, the prefix of the subject's session keys (same slot).
-- ARGV: now, cap, cap policy, the session's hash, its retainUntil, its index score (the latest its
-- retainUntil can become, see RedisSessionStore), its value.
-- Replies {1, ended hashes...} when stored, {0} when refused.
local now = tonumber(ARGV[1])
local max = tonumber(ARGV[2])
local idx = KEYS[2]
redis.call('ZREMRANGEBYSCORE', idx, '-inf', ARGV[1])
local out = {1}
-- The index holds every session kept until after now, so fewer members than the cap means fewer
-- live sessions: the common login then reads no member.
if redis.call('ZCARD', idx) >= max then
  local live = {}
  for _, m in ipairs(redis.call('ZRANGE', idx, 0, -1)) do
    if m ~= ARGV[4] then
      local c, _, e = sessionfields(redis.pcall('GET', KEYS[3] .. m))
      if not e then
        -- Gone, or not a session this version reads (pcall: a key of another type is no error).
        redis.call('ZREM', idx, m)
      elseif tonumber(e) > now then
        live[#live + 1] = {m, tonumber(c)}
      end
    end
  end
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
end
local r = tonumber(ARGV[5])
if r > now then
  redis.call('SET', KEYS[1], ARGV[7], 'PX', ttl(r - now))
  redis.call('ZADD', idx, ARGV[6], ARGV[4])
  -- The index lives as long as its latest score: set if it has no expiry, else only extended.
  local left = ttl(tonumber(ARGV[6]) - now)
  redis.call('PEXPIRE', idx, left, 'NX')
  redis.call('PEXPIRE', idx, left, 'GT')
else
  -- Already past its notice by the caller's clock: nothing to keep.
  redis.call('DEL', KEYS[1])
end
return out
