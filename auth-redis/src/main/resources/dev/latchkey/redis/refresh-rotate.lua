--! include prelude
--! include refresh-common
-- Rotates a presented token, or ends its family on reuse.
-- KEYS: the shard's hash. ARGV: time shift, presented hash, successor hash, token lifetime,
-- grace, rotations per window, rotation window, consumed tokens remembered.
local p, succ = ARGV[2], ARGV[3]
local life, grace = tonumber(ARGV[4]), tonumber(ARGV[5])
local limit, window = tonumber(ARGV[6]), tonumber(ARGV[7])
local fk = redis.call('HGET', key, 't:' .. p)
if not fk then return {'I'} end
local f = load(fk)
if not f then
  redis.call('HDEL', key, 't:' .. p)
  return {'I'}
end
local fe = tonumber(f.fe)
if fe <= now then
  forget(fk, f)
  unlist(f.sub, fk)
  return {'I'}
end
local function remember(h)
  table.insert(f.c, 1, h)
  if #f.c > tonumber(ARGV[8]) then
    -- Older consumed tokens become unknown: presenting one rotates nothing.
    redis.call('HDEL', key, 't:' .. table.remove(f.c))
  end
end
local function rotate(retry)
  if redis.call('HEXISTS', key, 't:' .. succ) == 1 then return {'D'} end
  local ws = tonumber(f.ws)
  if not ws or now >= ws + window then
    ws = now
    f.ws = ms(now)
    f.wc = '0'
  end
  if tonumber(f.wc) >= limit then return {'L', ms(ws + window)} end
  f.wc = tostring(tonumber(f.wc) + 1)
  if retry then
    -- The first use's successor was never used: replaced, it is reuse from now on.
    remember(f.cur)
    f.rt = '1'
  else
    remember(p)
    f.prev = p
    f.ct = ms(now)
    f.rt = '0'
  end
  local e = math.min(now + life, fe)
  f.cur = succ
  f.e = ms(e)
  save(fk, f)
  redis.call('HSET', key, 't:' .. succ, fk)
  return {'R', ms(now), ms(e), f.fam, f.p, f.fe}
end
if p == f.cur then
  if f.st ~= 'L' or tonumber(f.e) <= now then return {'I'} end
  return rotate(false)
end
if f.st == 'L' and f.rt ~= '1' and p == f.prev and grace > 0
    and now < tonumber(f.ct) + grace then
  return rotate(true)
end
finish(fk, f)
return {'U', f.p, f.fam}
