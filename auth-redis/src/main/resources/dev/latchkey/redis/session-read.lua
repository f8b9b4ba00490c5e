--! include prelude
-- Reads a session and, when the touch renews it, writes the renewal Java computed: a guarded
-- write, whose guards compare stored fields with thresholds passed in (SessionTouch#inMillis).
-- KEYS: the session, the prefix of its subject's index key (same slot).
-- ARGV: now, lastSeenAt at or before which a renewal is due, the session's hash, then the renewal
-- when the idle timeout decides: expiresAt, retainUntil, TTL of retainUntil (0: already past),
-- and expiredNotice for when absoluteExpiresAt caps expiresAt instead.
-- Replies the session's fields as HGETALL would after the renewal, or false.
-- The fields are found by one scan of the reply, and the reply is that HGETALL with the renewed
-- fields put in place: a second HGETALL or a Lua table of it would cost more than the write.
local h = redis.call('HGETALL', KEYS[1])
if #h == 0 then return false end
local il, ie, ir, ia, u
for i = 1, #h, 2 do
  local k = h[i]
  if k == 'l' then il = i + 1
  elseif k == 'e' then ie = i + 1
  elseif k == 'r' then ir = i + 1
  elseif k == 'a' then ia = i + 1
  elseif k == 'u' then u = h[i + 1]
  end
end
local now = tonumber(ARGV[1])
local l, e, r, a = tonumber(h[il]), tonumber(h[ie]), tonumber(h[ir]), tonumber(h[ia])
-- Unreadable: hand it back as it is, the Java side answers it as absent.
if not (r and e and l and a) then return h end
-- Ended, or expired past its notice: never renewed back into existence.
if r <= now then return false end
if e > now and l <= tonumber(ARGV[2]) then
  local es, rs, t = ARGV[4], ARGV[5], ARGV[6]
  if tonumber(es) > a then
    -- absoluteExpiresAt caps expiresAt: the stored one stays, retainUntil follows it.
    r = a + tonumber(ARGV[7])
    es, rs = h[ia], ms(r)
    t = r > now and ttl(r - now) or '0'
  end
  redis.call('HSET', KEYS[1], 'l', ARGV[1], 'e', es, 'r', rs)
  if t == '0' then redis.call('DEL', KEYS[1]) else redis.call('PEXPIRE', KEYS[1], t) end
  if u then
    local idx = KEYS[2] .. u
    redis.call('ZADD', idx, rs, ARGV[3])
    keepindex(idx, now, rs, t)
  end
  if t == '0' then return false end
  h[il], h[ie], h[ir] = ARGV[1], es, rs
end
return h
