--! include prelude
-- Writes a token ('t') or family ('g') entry as it is, outside the subject's bound, the later
-- end winning, and publishes it. KEYS: the entry. ARGV: now, until, channel, type.
-- Replies 1 when written, 0 when already over.
local now, exp = tonumber(ARGV[1]), tonumber(ARGV[2])
local old = tonumber(redis.call('GET', KEYS[1]))
if old and old > exp then exp = old end
if exp <= now then return 0 end
redis.call('SET', KEYS[1], ms(exp), 'PX', ttl(exp - now))
redis.call('PUBLISH', ARGV[3], (ARGV[4] or 't') .. ' ' .. ms(exp) .. ' ' .. KEYS[1])
return 1
