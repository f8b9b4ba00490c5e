--! include prelude
--! include session-value
-- Reads a session and renews it when due, atomically: a session ended, rotated away (its key is
-- then gone), past its notice or renewed by another node meanwhile is never written back.
-- KEYS: the session, the prefix of its subject's index key (same slot).
-- ARGV: now, lastSeenAt at or before which a renewal is due, the session's hash, then the renewal
-- when the idle timeout decides: expiresAt, retainUntil, TTL of retainUntil (0: already past),
-- and expiredNotice for when absoluteExpiresAt caps expiresAt instead.
-- Replies the session's value as stored afterwards, or false when it is gone or unreadable.
-- The subject's index is not touched: its score for the session is the latest retainUntil a
-- renewal can give it (RedisSessionStore), so it already outlives every renewal.
-- pcall: a key of another type (written by an older version) reads as gone, not as an error.
local v = redis.pcall('GET', KEYS[1])
local c, l, e, a, r, u, rest = sessionfields(v)
if not rest then return false end
local now = tonumber(ARGV[1])
-- Ended, or expired past its notice: never renewed back into existence.
if tonumber(r) <= now then return false end
-- Not due (another node renewed it since, or its clock is ahead within the skew): as it is.
if not (tonumber(e) > now and tonumber(l) <= tonumber(ARGV[2])) then return v end
local es, rs, t = ARGV[4], ARGV[5], ARGV[6]
if tonumber(es) > tonumber(a) then
  -- absoluteExpiresAt caps expiresAt: the stored one stays, retainUntil follows it.
  local capped = tonumber(a) + tonumber(ARGV[7])
  es, rs = a, ms(capped)
  t = capped > now and ttl(capped - now) or '0'
end
if t == '0' then
  -- Renewed into the past: the session ends now, and leaves its subject's index.
  redis.call('DEL', KEYS[1])
  if u ~= '' then redis.call('ZREM', KEYS[2] .. u, ARGV[3]) end
  return false
end
v = '2|' .. c .. '|' .. ARGV[1] .. '|' .. es .. '|' .. a .. '|' .. rs .. '|' .. u .. '|'
  .. string.sub(v, rest)
redis.call('SET', KEYS[1], v, 'PX', t)
return v
