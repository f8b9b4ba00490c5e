-- Removes a passkey if it belongs to the subject.
-- KEYS: the passkey's record, the subject's index (same slot). ARGV: the subject, the index member.
-- Replies 1 when removed, 0 otherwise.
if redis.call('HGET', KEYS[1], 's') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[2])
return 1
