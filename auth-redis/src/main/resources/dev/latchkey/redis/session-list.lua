-- Lists a subject's sessions, pruning its index.
-- KEYS: the subject's index, the prefix of its session keys (same slot). ARGV: now.
-- Replies {hash, fields, hash, fields, ...}.
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
local out = {}
for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local h = redis.call('HGETALL', KEYS[2] .. m)
  if #h == 0 then
    redis.call('ZREM', KEYS[1], m)
  else
    out[#out + 1] = m
    out[#out + 1] = h
  end
end
return out
