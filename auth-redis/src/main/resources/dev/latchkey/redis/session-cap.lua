--! include session-value
-- Brings a subject's live sessions back to its cap after a create found its index over the cap:
-- ends the oldest (by createdAt, then hash) until no more than the cap are live. The session just
-- created is never one of them.
-- KEYS: the subject's index, the prefix of its session keys (same slot).
-- ARGV: now, cap, the new session's hash. Replies the ended hashes.
local now = tonumber(ARGV[1])
local idx = KEYS[1]
redis.call('ZREMRANGEBYSCORE', idx, '-inf', ARGV[1])
local live, others = 0, {}
for _, m in ipairs(redis.call('ZRANGE', idx, 0, -1)) do
  local c, _, e = sessionfields(redis.pcall('GET', KEYS[2] .. m))
  if not e then
    -- Gone, or not a session this version reads (pcall: a key of another type is no error).
    redis.call('ZREM', idx, m)
  elseif tonumber(e) > now then
    live = live + 1
    if m ~= ARGV[3] then others[#others + 1] = {m, tonumber(c)} end
  end
end
local out = {}
local over = live - tonumber(ARGV[2])
if over <= 0 then return out end
table.sort(others, function(x, y)
  if x[2] ~= y[2] then return x[2] < y[2] end
  return x[1] < y[1]
end)
for i = 1, math.min(over, #others) do
  redis.call('DEL', KEYS[2] .. others[i][1])
  redis.call('ZREM', idx, others[i][1])
  out[#out + 1] = others[i][1]
end
return out
