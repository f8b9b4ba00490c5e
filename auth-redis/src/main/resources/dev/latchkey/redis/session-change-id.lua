--! include prelude
-- Moves a live session to a new id in the same slot.
-- KEYS: the session, its new key, the prefix of its subject's index key (same slot).
-- ARGV: now, the old hash, the new hash. Replies 1 when moved (or the same id), else 0.
local h = redis.call('HGETALL', KEYS[1])
if #h == 0 then return 0 end
local m = tomap(h)
local now = tonumber(ARGV[1])
local e, r = tonumber(m['e']), tonumber(m['r'])
if not e or not r or e <= now then return 0 end
if KEYS[1] == KEYS[2] then return 1 end
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[2], unpack(h))
keepuntil(KEYS[2], r, now)
redis.call('DEL', KEYS[1])
if m['u'] then
  local idx = KEYS[3] .. m['u']
  redis.call('ZREM', idx, ARGV[2])
  redis.call('ZADD', idx, m['r'], ARGV[3])
  keepindex(idx, now)
end
return 1
