-- Deletes every one-time token of a subject and its index.
-- KEYS: the subject's index, the prefix of its token keys (same slot). ARGV: now.
-- Replies how many of them were live.
local n = 0
local now = tonumber(ARGV[1])
for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local e = redis.call('HGET', KEYS[2] .. m, 'e')
  if e and tonumber(e) > now then n = n + 1 end
  redis.call('DEL', KEYS[2] .. m)
end
redis.call('DEL', KEYS[1])
return n
