-- Stores a new API key within its subject's cap, forgetting the subject's expired keys and its
-- oldest revoked ones beyond the cap.
-- KEYS: the key's record, the subject's index, the prefix of the subject's record keys (same slot).
-- ARGV: now, cap, id, createdAt, TTL of the record in ms, then its fields and values.
-- Replies 1 when stored, 0 at the cap, -1 when the id is already held.
if redis.call('EXISTS', KEYS[1]) == 1 then return -1 end
local now = tonumber(ARGV[1])
local max = tonumber(ARGV[2])
local idx = KEYS[2]
local live = 0
local revoked = {}
for _, m in ipairs(redis.call('ZRANGE', idx, 0, -1)) do
  local v = redis.call('HMGET', KEYS[3] .. m, 'e', 'v')
  local e = tonumber(v[1])
  if not e then
    redis.call('ZREM', idx, m)
  elseif e <= now then
    redis.call('DEL', KEYS[3] .. m)
    redis.call('ZREM', idx, m)
  elseif v[2] == '1' then
    revoked[#revoked + 1] = m
  else
    live = live + 1
  end
end
-- The index is ordered by creation: the first revoked members are the oldest.
for i = 1, #revoked - max do
  redis.call('DEL', KEYS[3] .. revoked[i])
  redis.call('ZREM', idx, revoked[i])
end
if live >= max then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 6))
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('ZADD', idx, ARGV[4], ARGV[3])
-- The index lives as long as its longest-lived record.
if redis.call('PTTL', idx) < tonumber(ARGV[5]) then redis.call('PEXPIRE', idx, ARGV[5]) end
return 1
