--! include prelude
--! include later-cutoff
-- Merges a subject's not-before and publishes it.
-- KEYS: the subject's not-before. ARGV: now, not-before, retain-until, channel.
-- Replies 1 when written, 0 when already over.
local now, nbf, keep = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
nbf, keep = later(redis.call('GET', KEYS[1]), nbf, keep)
if keep <= now then return 0 end
local v = ms(nbf) .. ':' .. ms(keep)
redis.call('SET', KEYS[1], v, 'PX', ttl(keep - now))
redis.call('PUBLISH', ARGV[4], 's ' .. v .. ' ' .. KEYS[1])
return 1
