-- The store's one clock: the server's TIME (ARGV[1] is 0 but in this package's tests).
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[1])
local key = KEYS[1]
local function load(fk)
  local raw = redis.call('HGET', key, 'f:' .. fk)
  if raw then return cjson.decode(raw) end
  return nil
end
local function save(fk, f) redis.call('HSET', key, 'f:' .. fk, cjson.encode(f)) end
local function unlist(sub, fk)
  local raw = redis.call('HGET', key, 's:' .. sub)
  if not raw then return end
  local kept = {}
  for _, k in ipairs(cjson.decode(raw)) do if k ~= fk then kept[#kept + 1] = k end end
  if #kept == 0 then redis.call('HDEL', key, 's:' .. sub)
  else redis.call('HSET', key, 's:' .. sub, cjson.encode(kept)) end
end
-- Drops every field of a family; its tokens become unknown.
local function forget(fk, f)
  redis.call('HDEL', key, 'f:' .. fk, 't:' .. f.cur)
  for _, h in ipairs(f.c) do redis.call('HDEL', key, 't:' .. h) end
end
-- Refuses a live family from now on; its consumed tokens stay known, as reuse.
local function finish(fk, f)
  if f.st == 'L' then
    f.st = 'E'
    redis.call('HDEL', key, 't:' .. f.cur)
    save(fk, f)
    return true
  end
  return false
end
