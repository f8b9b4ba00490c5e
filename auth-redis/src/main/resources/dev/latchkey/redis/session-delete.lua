--! include session-value
-- Deletes a session and its index entry.
-- KEYS: the session, the prefix of its subject's index key (same slot). ARGV: the session's hash.
-- Replies how many keys were deleted.
-- pcall: a key of another type (written by an older version) is deleted all the same.
local _, _, _, _, _, u = sessionfields(redis.pcall('GET', KEYS[1]))
local n = redis.call('DEL', KEYS[1])
if u and u ~= '' then redis.call('ZREM', KEYS[2] .. u, ARGV[1]) end
return n
