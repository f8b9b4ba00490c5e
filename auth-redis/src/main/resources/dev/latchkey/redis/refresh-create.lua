--! include prelude
--! include refresh-common
-- Creates a family and its first token, within the subject's cap of families.
-- KEYS: the shard's hash. ARGV: time shift, token hash, family hash, family id, subject hash,
-- principal, token lifetime, family lifetime, families per subject.
local tok, fk, fam, sub = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local life, flife, cap = tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])
if redis.call('HEXISTS', key, 't:' .. tok) == 1
    or redis.call('HEXISTS', key, 'f:' .. fk) == 1 then
  return {'D'}
end
-- The subject's own families make room (expired, then ended, then oldest).
local kept = {}
local raw = redis.call('HGET', key, 's:' .. sub)
for _, k in ipairs(raw and cjson.decode(raw) or {}) do
  local f = load(k)
  if f and tonumber(f.fe) <= now then forget(k, f)
  elseif f then kept[#kept + 1] = {k, f} end
end
while #kept >= cap do
  local at = 1
  for i, kf in ipairs(kept) do if kf[2].st ~= 'L' then at = i break end end
  forget(kept[at][1], kept[at][2])
  table.remove(kept, at)
end
local list = {}
for _, kf in ipairs(kept) do list[#list + 1] = kf[1] end
list[#list + 1] = fk
redis.call('HSET', key, 's:' .. sub, cjson.encode(list))
local fe = now + flife
local e = math.min(now + life, fe)
save(fk, {fam = fam, sub = sub, p = ARGV[6], fe = ms(fe), st = 'L', cur = tok,
  e = ms(e), c = {}, rt = '0', wc = '0'})
redis.call('HSET', key, 't:' .. tok, fk)
-- Redis forgets the hash at its last family's end (in server time).
local last = tonumber(redis.call('HGET', key, 'x') or '0')
if fe > last then
  redis.call('HSET', key, 'x', ms(fe))
  redis.call('PEXPIREAT', key, ms(fe - tonumber(ARGV[1])))
end
return {'C', ms(now), ms(e), ms(fe)}
