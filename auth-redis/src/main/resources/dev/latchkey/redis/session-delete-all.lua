-- Deletes every session of a subject and its index.
-- KEYS: the subject's index, the prefix of its session keys (same slot). Replies the count.
local n = 0
for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  n = n + redis.call('DEL', KEYS[2] .. m)
end
redis.call('DEL', KEYS[1])
return n
