--! include prelude
--! include session-value
-- Moves a live session to a new id in the same slot.
-- KEYS: the session, its new key, the prefix of its subject's index key (same slot).
-- ARGV: now, the old hash, the new hash. Replies 1 when moved (or the same id), else 0.
-- pcall: a key of another type (written by an older version) is not moved, and no error.
local v = redis.pcall('GET', KEYS[1])
local _, _, e, a, r, u = sessionfields(v)
local now = tonumber(ARGV[1])
if not e or tonumber(e) <= now then return 0 end
if KEYS[1] == KEYS[2] then return 1 end
-- Live, so retainUntil (never before expiresAt) is after now.
redis.call('SET', KEYS[2], v, 'PX', ttl(tonumber(r) - now))
redis.call('DEL', KEYS[1])
if u ~= '' then
  local idx = KEYS[3] .. u
  -- The old id's score, which the index's expiry already covers; should the old id be missing from
  -- the index, the latest retainUntil its stored times allow.
  local score = redis.call('ZSCORE', idx, ARGV[2])
  redis.call('ZREM', idx, ARGV[2])
  if score then
    redis.call('ZADD', idx, score, ARGV[3])
  else
    score = tonumber(a) + tonumber(r) - tonumber(e)
    redis.call('ZADD', idx, ms(score), ARGV[3])
    redis.call('PEXPIRE', idx, ttl(score - now), 'NX')
    redis.call('PEXPIRE', idx, ttl(score - now), 'GT')
  end
end
return 1
