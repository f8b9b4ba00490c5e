--! include prelude
--! include later-cutoff
-- A new token or family entry, within the subject's bound.
-- KEYS: the entry, the subject's not-before, the subject's index (one slot).
-- ARGV: now, until, channel, the fold's not-before, the bound, the message type.
-- Replies 1 (stored), 0 (already over) or the subject's new 'nbf:keep' when folded.
local now, exp, nbf = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', ARGV[1])
local old = tonumber(redis.call('GET', KEYS[1]))
if old and old > exp then exp = old end
if exp <= now then return 0 end
if old or redis.call('ZCARD', KEYS[3]) < tonumber(ARGV[5]) then
  redis.call('SET', KEYS[1], ms(exp), 'PX', ttl(exp - now))
  redis.call('ZADD', KEYS[3], ms(exp), KEYS[1])
  keepindex(KEYS[3], now, ms(exp), ttl(exp - now))
  redis.call('PUBLISH', ARGV[3], ARGV[6] .. ' ' .. ms(exp) .. ' ' .. KEYS[1])
  return 1
end
local keep = exp
nbf, keep = later(redis.call('GET', KEYS[2]), nbf, keep)
local v = ms(nbf) .. ':' .. ms(keep)
redis.call('SET', KEYS[2], v, 'PX', ttl(keep - now))
redis.call('PUBLISH', ARGV[3], 's ' .. v .. ' ' .. KEYS[2])
return v
