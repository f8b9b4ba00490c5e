-- Whether a token is revoked, asked of Redis.
-- KEYS: the token's entry, its subject's not-before, and its family's entry if any (one slot).
-- ARGV: now, the token's issued-at. Replies 1 when revoked, else 0.
local now = tonumber(ARGV[1])
local exp = tonumber(redis.call('GET', KEYS[1]))
if exp and exp > now then return 1 end
local s = redis.call('GET', KEYS[2])
if s then
  local nbf, keep = string.match(s, '^(%d+):(%d+)$')
  if nbf and tonumber(keep) > now and tonumber(ARGV[2]) < tonumber(nbf) then return 1 end
end
if KEYS[3] then
  local f = tonumber(redis.call('GET', KEYS[3]))
  if f and f > now then return 1 end
end
return 0
