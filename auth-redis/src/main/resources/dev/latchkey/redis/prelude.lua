-- Shared by the stores' scripts. Times are epoch milliseconds.
local function tomap(h)
  local m = {}
  for i = 1, #h, 2 do m[h[i]] = h[i + 1] end
  return m
end
local function ms(x) return string.format('%.0f', x) end
-- A TTL in ms, at most 100 years (Script.MAX_TTL_MILLIS): "never" must not overflow Redis's expiry.
local function ttl(d) return ms(math.min(d, 3153600000000)) end
-- Keep a key until 'at' (caller's clock); one that is already past is deleted.
local function keepuntil(key, at, now)
  if at > now then redis.call('PEXPIRE', key, ttl(at - now)) else redis.call('DEL', key) end
end
-- A sorted set lives as long as its highest score. A caller that has just written 'score' (a
-- string) may pass it with its TTL 'left' (a string, '0' when already past): when no member
-- scores higher, that TTL is the set's, without reading the top or formatting a number
-- (ZCOUNT costs about half of ZRANGE ... WITHSCORES inside a script).
local function keepindex(idx, now, score, left)
  if score and redis.call('ZCOUNT', idx, '(' .. score, '+inf') == 0 then
    if left == '0' then redis.call('DEL', idx) else redis.call('PEXPIRE', idx, left) end
    return
  end
  local top = redis.call('ZRANGE', idx, -1, -1, 'WITHSCORES')
  if #top > 0 then keepuntil(idx, tonumber(top[2]), now) end
end
