--! include prelude
--! include refresh-common
-- Ends every live family of a subject. KEYS: the shard's hash. ARGV: time shift, subject hash.
local raw = redis.call('HGET', key, 's:' .. ARGV[2])
local ended = {}
for _, k in ipairs(raw and cjson.decode(raw) or {}) do
  local f = load(k)
  if f and tonumber(f.fe) > now and finish(k, f) then ended[#ended + 1] = f.fam end
end
return ended
