-- Deletes a session and its index entry.
-- KEYS: the session, the prefix of its subject's index key (same slot). ARGV: the session's hash.
-- Replies how many keys were deleted.
local u = redis.call('HGET', KEYS[1], 'u')
local n = redis.call('DEL', KEYS[1])
if u then redis.call('ZREM', KEYS[2] .. u, ARGV[1]) end
return n
