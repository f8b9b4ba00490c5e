-- Reads a subject's passkeys, oldest first, forgetting index members whose record is gone.
-- KEYS: the subject's index, the prefix of the subject's record keys (same slot).
-- Replies {{field, value, ...}, ...}.
local out = {}
for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local h = redis.call('HGETALL', KEYS[2] .. m)
  if #h > 0 then
    out[#out + 1] = h
  else
    redis.call('ZREM', KEYS[1], m)
  end
end
return out
