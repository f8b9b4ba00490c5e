--! include prelude
-- Renews a session that a plain HGETALL found due for renewal: the guarded write of
-- session-read without its read of the whole hash. Between that HGETALL and this script the
-- session may have been ended, rotated (its key is then gone), or renewed by another node: every
-- guard is checked again here, atomically, so an ended or expired session is never written back.
-- KEYS: the session, the prefix of its subject's index key (same slot).
-- ARGV: now, lastSeenAt at or before which a renewal is due, the session's hash, then the renewal
-- when the idle timeout decides: expiresAt, retainUntil, TTL of retainUntil (0: already past),
-- and expiredNotice for when absoluteExpiresAt caps expiresAt instead.
-- Replies {lastSeenAt, expiresAt, retainUntil} as stored afterwards, or false when the session
-- is gone or unreadable.
local h = redis.call('HMGET', KEYS[1], 'l', 'e', 'r', 'a', 'u')
local now = tonumber(ARGV[1])
local l, e, r, a = tonumber(h[1]), tonumber(h[2]), tonumber(h[3]), tonumber(h[4])
if not (r and e and l and a) then return false end
-- Ended, or expired past its notice: never renewed back into existence.
if r <= now then return false end
-- Another node renewed it since (or its clock is ahead within the skew): keep the later renewal.
if not (e > now and l <= tonumber(ARGV[2])) then return {h[1], h[2], h[3]} end
local es, rs, t = ARGV[4], ARGV[5], ARGV[6]
if tonumber(es) > a then
  -- absoluteExpiresAt caps expiresAt: the stored one stays, retainUntil follows it.
  r = a + tonumber(ARGV[7])
  es, rs = h[4], ms(r)
  t = r > now and ttl(r - now) or '0'
end
redis.call('HSET', KEYS[1], 'l', ARGV[1], 'e', es, 'r', rs)
if t == '0' then redis.call('DEL', KEYS[1]) else redis.call('PEXPIRE', KEYS[1], t) end
local u = h[5]
if u then
  local idx = KEYS[2] .. u
  redis.call('ZADD', idx, rs, ARGV[3])
  keepindex(idx, now, rs, t)
end
if t == '0' then return false end
return {ARGV[1], es, rs}
