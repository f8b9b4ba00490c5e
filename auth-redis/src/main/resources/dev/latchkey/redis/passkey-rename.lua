-- Renames a passkey if it belongs to the subject.
-- KEYS: the passkey's record. ARGV: the subject, the new name.
-- Replies 1 when renamed, 0 otherwise.
if redis.call('HGET', KEYS[1], 's') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'n', ARGV[2])
return 1
