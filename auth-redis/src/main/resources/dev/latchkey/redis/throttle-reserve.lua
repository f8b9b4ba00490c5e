--! include prelude
-- Counts one login attempt against a name and, if any, an address, unless either is locked.
-- KEYS: the name's key, then the address's if any (one slot: the {lt} tag).
-- ARGV: now, window, lockout, max lockout (ms), then each key's limit.
-- Replies {granted (1 or 0), unlock time in ms (0: none)}.
local now = tonumber(ARGV[1])
local window, lockout, maxlock = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local n, w = {}, {}
local refused = 0
for i = 1, #KEYS do
  local v = redis.call('HMGET', KEYS[i], 'n', 'w', 'k')
  local cn, cw, ck = tonumber(v[1]), tonumber(v[2]), tonumber(v[3]) or 0
  if cn and cw and now < math.max(cw, ck) then
    if now < ck then refused = math.max(refused, ck) end
    n[i], w[i] = cn + 1, cw
  else
    n[i], w[i] = 1, now + window
  end
end
if refused > 0 then return {0, ms(refused)} end
local locked = 0
for i = 1, #KEYS do
  local limit, k = tonumber(ARGV[4 + i]), 0
  if n[i] >= limit then
    local lock, d, j = lockout, math.min(n[i] - limit, 62), 0
    while j < d and lock < maxlock do
      lock = lock * 2
      j = j + 1
    end
    if lock > maxlock then lock = maxlock end
    k = now + lock
    locked = math.max(locked, k)
  end
  redis.call('HSET', KEYS[i], 'n', n[i], 'w', ms(w[i]), 'k', ms(k))
  redis.call('PEXPIREAT', KEYS[i], ms(math.max(w[i], k)))
end
return {1, ms(locked)}
