-- Lists a subject's sessions, pruning its index.
-- KEYS: the subject's index, the prefix of its session keys (same slot). ARGV: now.
-- Replies {hash, value, hash, value, ...}.
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
local out = {}
for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  -- pcall: a key of another type (written by an older version) is left out, not an error.
  local v = redis.pcall('GET', KEYS[2] .. m)
  if not v then
    redis.call('ZREM', KEYS[1], m)
  elseif type(v) == 'string' then
    out[#out + 1] = m
    out[#out + 1] = v
  end
end
return out
