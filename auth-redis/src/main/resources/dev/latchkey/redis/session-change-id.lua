--! include prelude
--! include session-value
-- Moves a live session to a new id in the same slot.
-- KEYS: the session, its new key, the prefix of its subject's index key (same slot).
-- ARGV: now, the old hash, the new hash. Replies 1 when moved (or the same id), else 0.
-- pcall: a key of another type (written by an older version) is not moved, and no error.
local v = redis.pcall('GET', KEYS[1])
local _, _, e, _, r, u = sessionfields(v)
local now = tonumber(ARGV[1])
if not e or tonumber(e) <= now then return 0 end
if KEYS[1] == KEYS[2] then return 1 end
-- Live, so retainUntil (never before expiresAt) is after now.
redis.call('SET', KEYS[2], v, 'PX', ttl(tonumber(r) - now))
redis.call('DEL', KEYS[1])
if u ~= '' then
  local idx = KEYS[3] .. u
  redis.call('ZREM', idx, ARGV[2])
  -- The same score as the old id's: the index's TTL already covers it.
  redis.call('ZADD', idx, r, ARGV[3])
end
return 1
