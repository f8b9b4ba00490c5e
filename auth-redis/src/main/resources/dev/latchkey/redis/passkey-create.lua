-- Stores a new passkey within its subject's cap.
-- KEYS: the passkey's record, the subject's index (same slot).
-- ARGV: cap, createdAt (the index score), the index member, then the record's fields and values.
-- Replies 1 when stored, 0 at the cap, -1 when the record exists.
if redis.call('EXISTS', KEYS[1]) == 1 then return -1 end
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
