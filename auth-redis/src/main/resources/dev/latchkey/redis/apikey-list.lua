-- Reads a subject's API keys, oldest first.
-- KEYS: the subject's index, the prefix of the subject's record keys (same slot).
-- Replies {id, {field, value, ...}, ...} for every record still held.
local out = {}
for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local h = redis.call('HGETALL', KEYS[2] .. m)
  if #h > 0 then
    out[#out + 1] = m
    out[#out + 1] = h
  end
end
return out
