--! include prelude
--! include session-value
-- Stores a new session unless its subject already has the cap of live sessions (REFUSE_NEW: the
-- decision and the write in one atomic step; END_OLDEST logins are plain commands and session-cap).
-- KEYS: the session, the subject's index, the prefix of the subject's session keys (same slot).
-- ARGV: now, cap, the session's hash, its retainUntil, its index score (the latest its retainUntil
-- can become, see RedisSessionStore), its value.
-- Replies 1 when stored (or already past its notice, so nothing to store), 0 when refused.
local now = tonumber(ARGV[1])
local max = tonumber(ARGV[2])
local idx = KEYS[2]
redis.call('ZREMRANGEBYSCORE', idx, '-inf', ARGV[1])
-- The index holds every session kept until after now, so fewer members than the cap means fewer
-- live sessions: the common login then reads no member.
if redis.call('ZCARD', idx) >= max then
  local live = 0
  for _, m in ipairs(redis.call('ZRANGE', idx, 0, -1)) do
    if m ~= ARGV[3] then
      local _, _, e = sessionfields(redis.pcall('GET', KEYS[3] .. m))
      if not e then
        -- Gone, or not a session this version reads (pcall: a key of another type is no error).
        redis.call('ZREM', idx, m)
      elseif tonumber(e) > now then
        live = live + 1
      end
    end
  end
  if live >= max then return 0 end
end
local r = tonumber(ARGV[4])
if r > now then
  redis.call('SET', KEYS[1], ARGV[6], 'PX', ttl(r - now))
  redis.call('ZADD', idx, ARGV[5], ARGV[3])
  -- The index lives as long as its latest score: set if it has no expiry, else only extended.
  local left = ttl(tonumber(ARGV[5]) - now)
  redis.call('PEXPIRE', idx, left, 'NX')
  redis.call('PEXPIRE', idx, left, 'GT')
else
  -- Already past its notice by the caller's clock: nothing to keep.
  redis.call('DEL', KEYS[1])
end
return 1
