-- Sets (ARGV[3] '1') or removes one attribute field of a live session.
-- KEYS: the session. ARGV: now, the field, '1' or '0', the value. Replies 1 when live, else 0.
local e = tonumber(redis.call('HGET', KEYS[1], 'e'))
if not e or e <= tonumber(ARGV[1]) then return 0 end
if ARGV[3] == '1' then
  redis.call('HSET', KEYS[1], ARGV[2], ARGV[4])
else
  redis.call('HDEL', KEYS[1], ARGV[2])
end
return 1
