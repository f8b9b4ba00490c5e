-- Records a use of a passkey when its counter is still the one the caller verified against.
-- KEYS: the passkey's record. ARGV: the expected counter, the new counter, the time of use (ms).
-- Replies 1 when recorded, 0 when the record is gone or its counter moved.
local c = redis.call('HGET', KEYS[1], 'c')
if not c or c ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'c', ARGV[2], 'l', ARGV[3])
return 1
